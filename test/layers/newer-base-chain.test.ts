import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_ROOT_FAMILY, sandboxWorkflow, withToolsStep } from './sandbox-workflow.js';

/**
 * A newer Ubuntu than the root base AMI makes every built step stale, in `steps` as on home; but
 * `build --all` on the same root would only make the same layers again (and leave them stale):
 * it keeps the steps stale for that alone, builds those stale for anything else, and rebuilds
 * every step once the root moves. base → app → tools, on the example's older jammy.
 */

const sandbox = sandboxWorkflow(withToolsStep);
const { run } = sandbox;

interface StepJson {
  id: string;
  state: string;
  stale_reasons: { kind: string }[];
  ami_id: string | null;
}
interface StepsJson {
  workflow_id: string;
  newer_base: { ami: string; name: string; days: number; date: string } | null;
  steps: StepJson[];
}
async function steps(): Promise<StepsJson> {
  const r = await run('--json', 'steps');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StepsJson;
}
const kinds = (s: StepsJson) => s.steps.map((x) => [x.id, x.state, x.stale_reasons.map((r) => r.kind)]);
const line = (stdout: string, start: string) => stdout.split('\n').find((l) => l.startsWith(start));

describe('build --all with a newer Ubuntu out', () => {
  it('keeps the steps stale only for it, builds the ones stale for more, and rebuilds all once the root moves', { timeout: 240_000 }, async () => {
    const first = await run('--yes', 'build', '--all');
    expect(first.code, first.stderr + first.stdout.slice(-2000)).toBe(0);
    expect(line(first.stdout, 'built: ')).toMatch(/^built: base \(ami-\w+\), app \(ami-\w+\), tools \(ami-\w+\)$/);

    const built = await steps();
    const newer = built.newer_base!;
    expect(newer).toMatchObject({ name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240720', days: 43, date: '2024-07-20' });
    const reason = { kind: 'newer_base', ...newer };
    expect(built.steps.map((s) => [s.id, s.state, s.stale_reasons])).toEqual([
      ['base', 'stale', [reason]],
      ['app', 'stale', [reason]],
      ['tools', 'stale', [reason]],
    ]);
    const text = await run('steps');
    for (const id of ['base', 'app', 'tools']) expect(text.stdout).toContain(`  ◐ ${id}: stale: newer base ${newer.ami} (2024-07-20)\n`);

    // Nothing to build on the same root, however often it is asked.
    const advice = `a newer Ubuntu is out: ${newer.ami} (${newer.name}), 43 days newer — run \`paw-tui base-ami --name-pattern '${EXAMPLE_ROOT_FAMILY}' --write\` first, then \`paw-tui build --all\` rebuilds every step on it`;
    for (let i = 0; i < 2; i++) {
      const again = await run('build', '--all');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.split('\n')[0]).toBe(advice);
      for (const s of built.steps)
        expect(again.stdout).toContain(`\n${s.id}: kept on the current root base AMI (${s.ami_id}, 0 days): stale only for the newer Ubuntu\n`);
      expect(line(again.stdout, 'built: ')).toBe('built: none');
      expect(line(again.stdout, 'kept ')).toBe('kept (nothing of their own changed): base, app, tools');
      expect(again.stdout).not.toContain('packer build');
      expect((await steps()).steps.map((s) => s.ami_id)).toEqual(built.steps.map((s) => s.ami_id));
    }

    // A new workflow version carries them over: their inputs did not change.
    const bump = await run('workflow', 'bump');
    expect(bump.code, bump.stderr).toBe(0);
    expect(bump.stdout).toContain('every step carried over: nothing to build');

    // A changed script still rebuilds its step and those after it; the first step is kept.
    const script = path.join(sandbox.wf, 's02-app', 'zero_deps_script.py');
    writeFileSync(script, readFileSync(script, 'utf8') + '\n# one more line\n');
    expect(kinds(await steps())).toEqual([
      ['base', 'stale', ['newer_base']],
      ['app', 'stale', ['newer_base', 'changed']],
      ['tools', 'stale', ['newer_base', 'upstream']],
    ]);
    const dry = await run('build', '--all', '--dry-run');
    const plan = dry.stdout.split('\n').flatMap((l) => /^ {2}(keep|build|skip|stop) +(\w+):/.exec(l)?.slice(1) ?? []);
    expect(plan).toEqual(['keep', 'base', 'build', 'app', 'build', 'tools']);
    const partial = await run('--yes', 'build', '--all');
    expect(partial.code, partial.stderr + partial.stdout.slice(-2000)).toBe(0);
    expect(partial.stdout).toContain('\napp: building (changed: zero_deps_script.py)\n');
    expect(line(partial.stdout, 'built: ')).toMatch(/^built: app \(ami-\w+\), tools \(ami-\w+\)$/);
    expect(line(partial.stdout, 'kept ')).toBe('kept (nothing of their own changed): base');
    const rebuilt = await steps();
    expect(kinds(rebuilt)).toEqual([
      ['base', 'stale', ['newer_base']],
      ['app', 'stale', ['newer_base']],
      ['tools', 'stale', ['newer_base']],
    ]);
    expect(rebuilt.steps[0]!.ami_id).toBe(built.steps[0]!.ami_id);

    // The command it names moves the root; then every step is rebuilt on the newer Ubuntu, once.
    expect((await run('base-ami', '--name-pattern', EXAMPLE_ROOT_FAMILY, '--write')).code).toBe(0);
    const moved = await steps();
    expect(moved.newer_base).toBeNull();
    expect(kinds(moved)[0]).toEqual(['base', 'stale', ['base_changed']]);
    const all = await run('--yes', 'build', '--all');
    expect(all.code, all.stderr + all.stdout.slice(-2000)).toBe(0);
    expect(all.stdout).not.toContain('a newer Ubuntu is out');
    expect(line(all.stdout, 'built: ')).toMatch(/^built: base \(ami-\w+\), app \(ami-\w+\), tools \(ami-\w+\)$/);
    const done = await steps();
    expect(done.steps.map((s) => s.state)).toEqual(['up_to_date', 'up_to_date', 'up_to_date']);
    const catalog = JSON.parse((await run('--json', 'amis', 'list')).stdout) as { ami_id: string; ami_name: string; base_ami_id: string }[];
    const item = (id: string | null) => catalog.find((i) => i.ami_id === id);
    expect(done.steps.map((s) => item(s.ami_id)?.ami_name)).toEqual(['base', 'app', 'tools'].map((id) => `${newer.name}/${moved.workflow_id}/${id}`));
    expect(item(done.steps[0]!.ami_id)?.base_ami_id).toBe(newer.ami);
  });
});
