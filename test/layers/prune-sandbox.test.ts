import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMetadata, sandboxWorkflow } from './sandbox-workflow.js';

/** `amis prune` in the sandbox, from the shell, over four versions of the first step. */

// A parameter the team pins: named by the (unbuilt) app step, it holds base's first AMI below.
const sandbox = sandboxWorkflow((wf) => addMetadata(wf, 's02-app', { paw_publish_ssm_parameter: '/golden/pinned' }));
const { run, stateFile } = sandbox;
interface State {
  images: Record<string, { deprecationTime?: string; snapshotIds: string[] }>;
  snapshots: Record<string, unknown>;
  references: Record<string, { resourceType: string; arn: string }[]>;
}
const state = () => JSON.parse(readFileSync(stateFile(), 'utf8')) as State;

async function buildBase(): Promise<string> {
  const r = await run('--yes', 'build', '--to', 'base');
  expect(r.code, r.stderr + r.stdout.slice(-1500)).toBe(0);
  const steps = JSON.parse((await run('--json', 'steps')).stdout) as { steps: { id: string; ami_id: string }[] };
  return steps.steps[0]!.ami_id;
}

async function nextVersion(n: number): Promise<string> {
  appendFileSync(path.join(sandbox.wf, 's01-base', 'zero_deps_script.py'), `\n# change ${n}\n`);
  const bump = await run('workflow', 'bump', '--prefix', `v${n}`);
  expect(bump.code, bump.stderr).toBe(0);
  return buildBase();
}

describe('amis prune in the sandbox', () => {
  it('never the newest, never one in use, never one a published parameter holds; asks, deprecates, deletes', { timeout: 300_000 }, async () => {
    const v1 = await buildBase();
    const published = await run('publish', 'base', '--ssm-parameter', '/golden/pinned');
    expect(published.code, published.stderr).toBe(0);
    const v2 = await nextVersion(2);
    const v3 = await nextVersion(3);
    const v4 = await nextVersion(4);
    expect(new Set([v1, v2, v3, v4]).size).toBe(4);
    // A launch template uses v2.
    const s = state();
    s.references[v2] = [{ resourceType: 'ec2:LaunchTemplate', arn: 'arn:aws:ec2:us-east-1:123456789012:launch-template/lt-0abc' }];
    writeFileSync(stateFile(), JSON.stringify(s));

    const asked = await run('amis', 'prune', '--keep', '1');
    expect(asked.code).toBe(2);
    expect(asked.stderr).toBe(
      'paw-tui: amis prune needs a confirmation and there is no terminal to ask — pass --yes to delete without asking; nothing was deleted\n',
    );
    expect(asked.stdout).toMatch(
      new RegExp(
        `^base: 4 versions\\n  keep      ${v4}  v4-\\S+  the newest\\n  delete    ${v3}  v3-\\S+  0 days old\\n  keep      ${v2}  v2-\\S+  in use by ec2:LaunchTemplate arn:aws:ec2:us-east-1:123456789012:launch-template/lt-0abc\\n  keep      ${v1}  paw-example  published in /golden/pinned\\n`,
      ),
    );
    expect(Object.keys(state().images)).toEqual(expect.arrayContaining([v1, v2, v3, v4]));

    const deprecated = await run('--yes', 'amis', 'prune', '--keep', '1', '--deprecate');
    expect(deprecated.code, deprecated.stderr).toBe(0);
    expect(deprecated.stdout).toContain(`deprecated ${v3}\n`);
    expect(state().images[v3]!.deprecationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    expect(state().images[v4]!.deprecationTime).toBeUndefined();

    const snapshots = state().images[v3]!.snapshotIds;
    const pruned = await run('--yes', '--json', 'amis', 'prune', '--keep', '1');
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ mode: 'delete', ami_ids: [v3], done: [v3], failed: [] });
    const after = state();
    expect(Object.keys(after.images)).not.toContain(v3);
    expect(Object.keys(after.images)).toEqual(expect.arrayContaining([v1, v2, v4]));
    for (const snap of snapshots) expect(Object.keys(after.snapshots)).not.toContain(snap);
    const listed = await run('--json', 'amis', 'list', '--step', 'base');
    expect((JSON.parse(listed.stdout) as { ami_id: string }[]).map((r) => r.ami_id).sort()).toEqual([v1, v2, v4].sort());

    const again = await run('amis', 'prune', '--keep', '1');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to delete\n$/);
  });
});
