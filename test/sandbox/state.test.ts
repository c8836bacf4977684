import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxStore, sandboxStatePath } from '../../src/sandbox/state.js';
import { ROOT_AMI_ID, ROOT_AMI_NAME, openCloud, sleep, workflowDir } from './helpers.js';

const envBefore = { ...process.env };
afterEach(() => {
  for (const k of ['PAW_PACKER', 'PAW_SANDBOX_STATE']) {
    if (envBefore[k] === undefined) delete process.env[k];
    else process.env[k] = envBefore[k];
  }
});

describe('sandbox state', () => {
  it('is seeded on first open into <workflow>/.paw/sandbox/state.json, named after the params', async () => {
    const dir = await workflowDir();
    const cloud = await openCloud(dir);
    const file = sandboxStatePath(dir);
    expect(file).toBe(path.join(dir, '.paw', 'sandbox', 'state.json'));
    const state = JSON.parse(await readFile(file, 'utf8'));
    expect(state.images[ROOT_AMI_ID]).toMatchObject({ name: ROOT_AMI_NAME, ownerId: '099720109477', state: 'available' });
    expect(await cloud.instances.subnetByName('landing-zone-dev/public/1')).toMatch(/^subnet-[0-9a-f]{17}$/);
    expect(await cloud.instances.securityGroupByName('landing-zone-dev/sg/allow "ssh"')).toMatch(/^sg-/);
    expect(await cloud.instances.instanceProfileExists('ec2-admin-role')).toBe(true);
    expect(await cloud.instances.subnetByName('some-other-subnet')).toBeNull();
    expect(process.env.PAW_SANDBOX_STATE).toBe(file);
    expect(cloud.kind).toBe('sandbox');
    expect(cloud.region).toBe('us-east-1');
    expect(await cloud.identity.whoAmI()).toEqual({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/sandbox' });
    await cloud.close();
  });

  it('falls back to default names when the workflow has no params yet', async () => {
    const dir = await workflowDir();
    await writeFile(path.join(dir, 'workflow_param.json'), 'not json at all');
    const cloud = await openCloud(dir);
    expect(await cloud.instances.subnetByName('paw-sandbox/public/1')).toMatch(/^subnet-/);
    expect(await cloud.instances.instanceProfileExists('paw-sandbox-ec2-role')).toBe(true);
    await cloud.close();
  });

  it('keeps PAW_PACKER when it is already set, else points it at the simulated packer', async () => {
    const dir = await workflowDir();
    delete process.env.PAW_PACKER;
    await (await openCloud(dir)).close();
    expect(process.env.PAW_PACKER).toMatch(/dist[/\\]fake-packer\.js$/);
    process.env.PAW_PACKER = '/usr/bin/packer';
    await (await openCloud(dir)).close();
    expect(process.env.PAW_PACKER).toBe('/usr/bin/packer');
  });

  it('survives close and reopen: instances, images and key pairs are still there', async () => {
    const dir = await workflowDir();
    let cloud = await openCloud(dir);
    await cloud.instances.createKeyPair('paw-key');
    const subnetId = (await cloud.instances.subnetByName('landing-zone-dev/public/1'))!;
    const sg = (await cloud.instances.securityGroupByName('landing-zone-dev/sg/allow "ssh"'))!;
    const id = await cloud.instances.run({
      imageId: ROOT_AMI_ID,
      instanceType: 't3.micro',
      subnetId,
      securityGroupIds: [sg],
      instanceProfileName: 'ec2-admin-role',
      keyName: 'paw-key',
      tags: { Name: 'kept' },
    });
    await cloud.close();

    cloud = await openCloud(dir);
    const [instance] = await cloud.instances.describe([id]);
    expect(instance).toMatchObject({ id, imageId: ROOT_AMI_ID, tags: { Name: 'kept' }, keyName: 'paw-key' });
    expect(await cloud.instances.keyPairs()).toEqual([{ tags: {}, name: 'paw-key', id: expect.stringMatching(/^key-/) }]);
    await cloud.close();
  });

  it('loses no update when many changes race', async () => {
    const dir = await workflowDir();
    const cloud = await openCloud(dir);
    const a = new SandboxStore(sandboxStatePath(dir));
    const b = new SandboxStore(sandboxStatePath(dir));
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).update((s) => void (s.images[ROOT_AMI_ID]!.tags[`k${i}`] = String(i)))));
    const [image] = await cloud.images.describe([ROOT_AMI_ID]);
    expect(Object.keys(image!.tags)).toHaveLength(40);

    // A change that fails fails alone: the others queued with it are still written.
    const results = await Promise.allSettled([
      a.update((s) => void (s.images[ROOT_AMI_ID]!.tags.before = '1')),
      a.update(() => {
        throw new Error('refused');
      }),
      a.update((s) => void (s.images[ROOT_AMI_ID]!.tags.after = '1')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await cloud.images.describe([ROOT_AMI_ID]))[0]!.tags).toMatchObject({ before: '1', after: '1' });
    await cloud.close();
  });

  it('waits for the lock file another process holds, and takes over one left by a dead process', async () => {
    const dir = await workflowDir();
    const cloud = await openCloud(dir);
    const file = sandboxStatePath(dir);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await writeFile(`${file}.lock`, String(holder.pid));
    const store = new SandboxStore(file);
    let done = false;
    const update = store.update((s) => void (s.images[ROOT_AMI_ID]!.tags.waited = 'yes')).then(() => (done = true));
    await sleep(300);
    expect(done).toBe(false);
    holder.kill();
    await new Promise((r) => holder.once('exit', r));
    await update;
    expect((await cloud.images.describe([ROOT_AMI_ID]))[0]!.tags.waited).toBe('yes');
    expect(existsSync(`${file}.lock`)).toBe(false);
    await cloud.close();
  });

  it('says the state file is broken in one line instead of failing obscurely', async () => {
    const dir = await workflowDir();
    await (await openCloud(dir)).close();
    await writeFile(sandboxStatePath(dir), '{"version": 1, "images": ');
    await expect(openCloud(dir)).rejects.toThrow(/sandbox state .* is not valid JSON/);
  });
});
