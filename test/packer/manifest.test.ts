import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { amiIdFromRun, amisOfArtifact, manifestPath, readManifest, waitForAvailableAmi } from '../../src/packer/manifest.js';
import { image, memoryCloud } from './memory-cloud.js';

async function stepWithManifest(manifest?: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'paw-manifest-'));
  await mkdir(path.join(dir, '.paw'));
  if (manifest !== undefined) await writeFile(manifestPath(dir), JSON.stringify(manifest));
  return dir;
}

const TWO_RUNS = {
  builds: [
    { name: 'ubuntu', builder_type: 'amazon-ebs', artifact_id: 'eu-west-1:ami-0aaaaaaaaaaaaaaaa', packer_run_uuid: 'old' },
    { name: 'ubuntu', builder_type: 'amazon-ebs', artifact_id: 'us-east-1:ami-0cccccccccccccccc,eu-west-1:ami-0bbbbbbbbbbbbbbbb', packer_run_uuid: 'new' },
  ],
  last_run_uuid: 'new',
};

describe('manifest', () => {
  it('reads the last run of the manifest', async () => {
    const dir = await stepWithManifest(TWO_RUNS);
    const builds = await readManifest(manifestPath(dir));
    expect(builds).toEqual([
      {
        name: 'ubuntu',
        builderType: 'amazon-ebs',
        artifactId: 'us-east-1:ami-0cccccccccccccccc,eu-west-1:ami-0bbbbbbbbbbbbbbbb',
        amis: [
          { region: 'us-east-1', amiId: 'ami-0cccccccccccccccc' },
          { region: 'eu-west-1', amiId: 'ami-0bbbbbbbbbbbbbbbb' },
        ],
      },
    ]);
    expect(amisOfArtifact('Null')).toEqual([]);
    expect(await readManifest(path.join(dir, 'missing.json'))).toBeNull();
  });

  it('refuses a manifest that is not one, naming the file', async () => {
    const dir = await stepWithManifest({ nope: true });
    await expect(readManifest(manifestPath(dir))).rejects.toThrow(`the Packer manifest ${manifestPath(dir)} is not a manifest`);
  });

  it('finds the AMI in the manifest, else the output, else by name', async () => {
    const named = image('ami-0ddddddddddddddd1', 'base/wf/step1');
    const cloud = memoryCloud([named]);
    const withManifest = await stepWithManifest(TWO_RUNS);
    const without = await stepWithManifest();
    const outputAmis = [{ amiId: 'ami-0eeeeeeeeeeeeeeee', region: 'eu-west-1' }];
    const ask = (dir: string, amis = outputAmis, name = 'base/wf/step1') =>
      amiIdFromRun({ cloud, manifestFile: manifestPath(dir), outputAmis: amis, outputAmiName: name });
    expect(await ask(withManifest)).toEqual({ amiId: 'ami-0bbbbbbbbbbbbbbbb', from: 'manifest' });
    expect(await ask(without)).toEqual({ amiId: 'ami-0eeeeeeeeeeeeeeee', from: 'output' });
    expect(await ask(without, [])).toEqual({ amiId: 'ami-0ddddddddddddddd1', from: 'name' });
    expect(await ask(without, [], 'base/wf/other')).toBeNull();
  });

  it('waits while the AMI is pending, and gives up at the limit saying so', async () => {
    const pending = image('ami-0aaaaaaaaaaaaaaa1', 'x/y/z', 'pending');
    const cloud = memoryCloud([pending]);
    const waits: string[] = [];
    setTimeout(() => (pending.state = 'available'), 60);
    const found = await waitForAvailableAmi(cloud, pending.id, { firstIntervalMs: 20, onWait: (s) => waits.push(s) });
    expect(found.state).toBe('available');
    expect(waits.length).toBeGreaterThan(0);

    const stuck = image('ami-0aaaaaaaaaaaaaaa2', 'x/y/w', 'pending');
    await expect(waitForAvailableAmi(memoryCloud([stuck]), stuck.id, { firstIntervalMs: 10, maxIntervalMs: 10, limitMs: 30 })).rejects.toThrow(
      /ami-0aaaaaaaaaaaaaaa2 is still pending after/,
    );
    await expect(waitForAvailableAmi(cloud, 'ami-0000000000000000f')).rejects.toThrow(/does not exist in eu-west-1/);
    const failed = image('ami-0aaaaaaaaaaaaaaa3', 'x/y/v', 'failed');
    await expect(waitForAvailableAmi(memoryCloud([failed]), failed.id)).rejects.toThrow(/is failed, not available/);
  });
});

describe('waiting for the AMI, interrupted', () => {
  it('stops at once and says how to record the AMI later', async () => {
    const pending = image('ami-0aaaaaaaaaaaaaaa4', 'x/y/u', 'pending');
    const stop = new AbortController();
    const started = Date.now();
    setTimeout(() => stop.abort(), 50);
    await expect(waitForAvailableAmi(memoryCloud([pending]), pending.id, { firstIntervalMs: 10_000, signal: stop.signal })).rejects.toThrow(
      'stopped waiting for the new AMI ami-0aaaaaaaaaaaaaaa4 (pending)',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
