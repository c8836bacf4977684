import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCloud } from '../../src/aws/open.js';
import { planStaleBuild, staleBuildQuestion } from '../../src/layers/stale-build.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { exampleWorkflow, paw } from '../aws/cli.js';
import { EXAMPLE_ROOT_FAMILY, sandboxEnv, sandboxWorkflow, withToolsStep } from './sandbox-workflow.js';

/**
 * Layers end to end in the sandbox, from the shell: the example workflow with a third Packer
 * step in place of the manual one (base → app → tools), on the newest jammy (a newer Ubuntu
 * would make every built step stale: newer-base-chain.test.ts).
 */

const sandbox = sandboxWorkflow(withToolsStep);
const { run } = sandbox;

interface StepJson {
  id: string;
  state: string;
  fingerprint: string | null;
  recorded_fingerprint: string | null;
  stale_reasons: unknown[];
  stale_detail: unknown;
  ami_id: string | null;
}
async function steps(): Promise<StepJson[]> {
  const r = await run('--json', 'steps');
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { steps: StepJson[] }).steps;
}

const builtLine = (stdout: string) => stdout.split('\n').find((l) => l.startsWith('built: '));

describe('build --all in the sandbox', () => {
  it('builds the chain, then nothing; a changed script makes its step and those after it stale; rebuilds exactly those', { timeout: 240_000 }, async () => {
    expect((await run('base-ami', '--name-pattern', EXAMPLE_ROOT_FAMILY, '--write')).code).toBe(0);
    expect((await run('base-ami', '--check')).code).toBe(0);
    expect((await steps()).map((s) => s.state)).toEqual(['not_built', 'not_built', 'not_built']);

    const first = await run('--yes', 'build', '--all');
    expect(first.code, first.stderr + first.stdout.slice(-2000)).toBe(0);
    expect(builtLine(first.stdout)).toMatch(/^built: base \(ami-\w+\), app \(ami-\w+\), tools \(ami-\w+\)$/);

    const second = await run('build', '--all');
    expect(second.code, second.stderr).toBe(0);
    for (const id of ['base', 'app', 'tools']) expect(second.stdout).toMatch(new RegExp(`^${id}: up to date \\(ami-\\w+, 0 days\\)$`, 'm'));
    expect(builtLine(second.stdout)).toBe('built: none');
    expect(second.stdout).toContain('\nup to date: base, app, tools\n');
    expect(second.stdout).not.toContain('packer build');

    const before = await steps();
    expect(before.map((s) => s.state)).toEqual(['up_to_date', 'up_to_date', 'up_to_date']);
    // The fingerprint is on each AMI and its snapshots (tag paw:fingerprint) and in its catalog item.
    const state = JSON.parse(readFileSync(sandbox.stateFile(), 'utf8')) as {
      images: Record<string, { snapshotIds: string[]; tags: Record<string, string> }>;
      snapshots: Record<string, { tags?: Record<string, string> }>;
    };
    for (const s of before) {
      expect(s.recorded_fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(s.fingerprint).toBe(s.recorded_fingerprint);
      const image = state.images[s.ami_id!]!;
      expect(image.tags['paw:fingerprint']).toBe(s.recorded_fingerprint);
      expect(image.snapshotIds.length).toBeGreaterThan(0);
      for (const snap of image.snapshotIds) expect(state.snapshots[snap]!.tags?.['paw:fingerprint']).toBe(s.recorded_fingerprint);
    }

    const script = path.join(sandbox.wf, 's02-app', 'zero_deps_script.py');
    writeFileSync(script, readFileSync(script, 'utf8') + '\n# one more line\n');
    const after = await steps();
    expect(after.map((s) => [s.id, s.state, s.stale_reasons])).toEqual([
      ['base', 'up_to_date', []],
      ['app', 'stale', [{ kind: 'changed', files: ['zero_deps_script.py'] }]],
      ['tools', 'stale', [{ kind: 'upstream', step: 'app' }]],
    ]);
    expect(after[1]!.stale_detail).toEqual({ files: [{ path: 'zero_deps_script.py', change: 'modified' }], params: [], source: null, rendered: [] });

    // The app's "build stale steps" asks about exactly those, from the step before them, replacing their own AMIs.
    const cloud = await openCloud({ sandbox: true, workflowDir: sandbox.wf, table: null });
    try {
      const plan = await planStaleBuild(cloud, await loadWorkflow(sandbox.wf), null);
      expect(staleBuildQuestion(plan)).toEqual({
        question: expect.stringMatching(/^Rebuild 2 stale steps \(app, tools\)\? (≈ \$0\.\d+|< \$0\.0001)$/) as string,
        details: ['from base', `replaces its own stale ${after[1]!.ami_id}, ${after[2]!.ami_id} (deregistered with snapshots first)`],
      });
    } finally {
      await cloud.close();
    }

    // The stale AMIs hold the output names: replacing them needs a yes.
    const refused = await run('build', '--all');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs confirmation .* pass --yes/);
    expect((await steps()).map((s) => s.ami_id)).toEqual(after.map((s) => s.ami_id));

    const third = await run('--yes', 'build', '--all');
    expect(third.code, third.stderr + third.stdout.slice(-2000)).toBe(0);
    expect(third.stdout).toMatch(/^base: up to date/m);
    expect(third.stdout).toContain(`deregistered ${after[1]!.ami_id}`);
    expect(builtLine(third.stdout)).toMatch(/^built: app \(ami-\w+\), tools \(ami-\w+\)$/);
    const rebuilt = await steps();
    expect(rebuilt.map((s) => s.state)).toEqual(['up_to_date', 'up_to_date', 'up_to_date']);
    expect(rebuilt[0]!.ami_id).toBe(after[0]!.ami_id);
    expect(rebuilt[1]!.ami_id).not.toBe(after[1]!.ami_id);
    expect(rebuilt[2]!.ami_id).not.toBe(after[2]!.ami_id);

    // A new workflow version: nothing changed → every step carried over, zero builds.
    const paramsBefore = readFileSync(path.join(sandbox.wf, 'workflow_param.json'), 'utf8');
    const bump = await run('workflow', 'bump');
    expect(bump.code, bump.stderr).toBe(0);
    const newId = /workflow_id: paw-example → (paw-example-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})/.exec(bump.stdout)?.[1];
    expect(newId, bump.stdout).toBeTruthy();
    const paramsAfter = readFileSync(path.join(sandbox.wf, 'workflow_param.json'), 'utf8');
    expect(paramsAfter).toBe(paramsBefore.replace('"workflow_id": "paw-example"', `"workflow_id": "${newId}"`));
    expect(bump.stdout).toContain('every step carried over: nothing to build');
    const carriedBuild = await run('build', '--all');
    expect(carriedBuild.code, carriedBuild.stderr).toBe(0);
    expect(builtLine(carriedBuild.stdout)).toBe('built: none');
    const carried = JSON.parse((await run('--json', 'steps')).stdout) as { workflow_id: string; steps: (StepJson & { carried_from: string })[] };
    expect(carried.workflow_id).toBe(newId);
    expect(carried.steps.map((s) => [s.state, s.ami_id, s.carried_from])).toEqual(rebuilt.map((s) => ['up_to_date', s.ami_id, 'paw-example']));

    // A stale step is not carried: it is built under the new id, into the new name.
    const tools = path.join(sandbox.wf, 's03-tools', 'zero_deps_script.py');
    writeFileSync(tools, readFileSync(tools, 'utf8') + '\n# tools change\n');
    const bump2 = await run('workflow', 'bump', '--prefix', 'next');
    expect(bump2.code, bump2.stderr).toBe(0);
    expect(bump2.stdout).toMatch(/carried over {2}base .*\n {2}carried over {2}app .*\n {2}to build {6}tools \(stale\)/);
    const fourth = await run('--yes', 'build', '--all');
    expect(fourth.code, fourth.stderr + fourth.stdout.slice(-2000)).toBe(0);
    expect(builtLine(fourth.stdout)).toMatch(/^built: tools \(ami-\w+\)$/);
    const last = JSON.parse((await run('--json', 'steps')).stdout) as { workflow_id: string; steps: StepJson[] };
    expect(last.workflow_id).toMatch(/^next-\d{4}-/);
    expect(last.steps.map((s) => s.state)).toEqual(['up_to_date', 'up_to_date', 'up_to_date']);
    const shown = await run('--json', 'amis', 'show', last.steps[2]!.ami_id!);
    expect(shown.stdout).toContain(`/${last.workflow_id}/tools`);
  });
});

describe('build chain options', () => {
  it('a manual step in the way stops the chain with the command that continues it', async () => {
    const example = exampleWorkflow();
    const r = await paw(['--sandbox', '--workflow', example, 'build', '--from', 'hardening'], sandboxEnv());
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('paw-tui: hardening is a manual step and it is not built — build it by hand: paw-tui manual hardening launch\n');
    expect(r.stdout).toContain('not reached: none');
    expect(r.stdout).toContain('stopped at: hardening');
  });

  it('usage mistakes exit 2', async () => {
    const example = exampleWorkflow();
    const backwards = await paw(['--sandbox', '--workflow', example, 'build', '--from', 'app', '--to', 'base'], sandboxEnv());
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('--from app comes after --to base in the chain');
    const none = await paw(['--sandbox', '--workflow', example, 'build'], sandboxEnv());
    expect(none.code).toBe(2);
    const both = await paw(['--sandbox', '--workflow', example, 'build', 'base', '--all'], sandboxEnv());
    expect(both.code).toBe(2);
  });
});
