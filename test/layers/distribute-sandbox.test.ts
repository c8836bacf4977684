import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addMetadata, sandboxWorkflow } from './sandbox-workflow.js';

/** Distribution in the sandbox: a good build is copied to each region and shared; deleting it deletes every copy. */

const sandbox = sandboxWorkflow((wf) =>
  addMetadata(wf, 's01-base', { paw_distribution_regions: 'eu-west-1, ap-south-1', paw_distribution_accounts: '444455556666' }),
);
const { run, stateFile } = sandbox;
interface ImageState {
  region?: string;
  name: string;
  snapshotIds: string[];
  launchPermissions?: string[];
  tags: Record<string, string>;
}
interface State {
  images: Record<string, ImageState>;
  snapshots: Record<string, { region?: string; createVolumePermissions?: string[] }>;
  references: Record<string, { resourceType: string; arn: string }[]>;
}
const state = () => JSON.parse(readFileSync(stateFile(), 'utf8')) as State;

describe('distribution in the sandbox', () => {
  it('copies to each region with the tags, shares with each account, lists the copies; delete plans and deletes every copy', { timeout: 240_000 }, async () => {
    const built = await run('--yes', 'build', '--to', 'base');
    expect(built.code, built.stderr + built.stdout.slice(-1500)).toBe(0);
    const ami = (JSON.parse((await run('--json', 'steps')).stdout) as { steps: { ami_id: string }[] }).steps[0]!.ami_id;
    let s = state();
    const home = s.images[ami]!;
    expect(home.launchPermissions).toEqual(['444455556666']);
    for (const snap of home.snapshotIds) expect(s.snapshots[snap]!.createVolumePermissions).toEqual(['444455556666']);
    const copies = Object.entries(s.images).filter(([, i]) => i.region);
    expect(copies.map(([, i]) => i.region).sort()).toEqual(['ap-south-1', 'eu-west-1']);
    for (const [id, copy] of copies) {
      expect(copy.name).toBe(home.name);
      expect(copy.tags['paw:step_id']).toBe('base');
      expect(copy.tags['paw:fingerprint']).toBe(home.tags['paw:fingerprint']);
      expect(copy.launchPermissions).toEqual(['444455556666']);
      expect(built.stdout).toContain(`${copy.region}: ${id} available, shared with 444455556666`);
      for (const snap of copy.snapshotIds) expect(s.snapshots[snap]).toMatchObject({ region: copy.region, createVolumePermissions: ['444455556666'] });
    }
    const shown = JSON.parse((await run('--json', 'amis', 'show', ami)).stdout) as { records: { copies?: string }[] };
    expect(JSON.parse(shown.records[0]!.copies!)).toEqual([
      { region: 'eu-west-1', ami_id: copies.find(([, i]) => i.region === 'eu-west-1')![0] },
      { region: 'ap-south-1', ami_id: copies.find(([, i]) => i.region === 'ap-south-1')![0] },
    ]);

    // A copy in use stops the deletion of the AMI: nothing is deleted.
    const [euId] = copies.find(([, i]) => i.region === 'eu-west-1')!;
    s.references[euId] = [{ resourceType: 'ec2:LaunchTemplate', arn: 'arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-1' }];
    writeFileSync(stateFile(), JSON.stringify(s));
    const refused = await run('--yes', 'amis', 'delete', ami);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `paw-tui: AMI ${ami}'s copy ${euId} in eu-west-1 is in use by ec2:LaunchTemplate arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-1 — terminate those instances or change what refers to it first; nothing was deleted\n`,
    );
    expect(Object.keys(state().images)).toHaveLength(Object.keys(s.images).length);

    s = state();
    delete s.references[euId];
    writeFileSync(stateFile(), JSON.stringify(s));
    const plan = await run('amis', 'delete', '--dry-run', ami);
    for (const [id, copy] of copies)
      expect(plan.stdout).toContain(`  copy in ${copy.region!.padEnd(12)} ${id} and its snapshots ${copy.snapshotIds.join(', ')}`);
    const deleted = await run('--yes', 'amis', 'delete', ami);
    expect(deleted.code, deleted.stderr).toBe(0);
    const after = state();
    for (const id of [ami, ...copies.map(([id]) => id)]) expect(after.images[id]).toBeUndefined();
    for (const snap of [...home.snapshotIds, ...copies.flatMap(([, c]) => c.snapshotIds)]) expect(after.snapshots[snap]).toBeUndefined();
  });
});
