import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findStep } from '../../src/workflow/load.js';
import type { Cloud } from '../../src/aws/ports.js';
import { errorLine, PawError } from '../../src/errors.js';
import { openManualGuide } from '../../src/manual/guide.js';
import { readJournal } from '../../src/manual/journal.js';
import { liveManualInstances } from '../../src/manual/live.js';
import { statusText } from '../../src/manual/status.js';
import { editSandbox, manualWorkflow, sandboxState } from './fixture.js';

let cloud: Cloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

async function open() {
  const w = await manualWorkflow();
  cloud = w.cloud;
  const step = findStep(w.workflow, 'hardening');
  return { ...w, step, guide: await openManualGuide(w.cloud, w.workflow, step) };
}

describe('the manual guide in the sandbox', () => {
  it('walks the whole path and records the image with build_method manual', async () => {
    const { guide, cloud, dir, step, workflow } = await open();
    expect(guide.view.state).toBe('launch');
    await guide.perform('launch', { instanceType: 't3.micro' });
    const j = guide.view.journal;
    expect(j.state).toBe('running');
    expect(j.instanceId).toMatch(/^i-/);

    const ec2 = await sandboxState(dir);
    expect(ec2.instances[j.instanceId!]!.tags).toMatchObject({
      Name: 'paw-tui manual paw-example/hardening',
      'paw:workflow_id': 'paw-example',
      'paw:step_id': 'hardening',
      'bus:owner': 'platform-team',
    });
    expect(j.pemPath).toBe(path.join(step.dir, '.paw', 'paw-paw-example-hardening.pem'));
    expect((await stat(j.pemPath!)).mode & 0o777).toBe(0o600);
    expect(ec2.keyPairs.map((k) => k.name)).toContain('paw-paw-example-hardening');

    await guide.resume();
    expect(guide.view.state).toBe('connect');
    expect(guide.sshLine()).toMatch(new RegExp(`^ssh -i ${j.pemPath!.replace(/[.]/g, '\\.')} ubuntu@ec2-[0-9-]+\\.compute-1\\.amazonaws\\.com$`));
    expect(await liveManualInstances(workflow)).toEqual([
      { stepId: 'hardening', instanceId: j.instanceId, state: 'connect', instanceType: 't3.micro', since: j.launchedAt },
    ]);

    await expect(guide.perform('stop')).rejects.toThrow(/stopping instance i-\w+ needs confirmation/);
    await guide.perform('stop', { confirmed: true });
    await guide.resume();
    expect(guide.view.state).toBe('terminate');
    const imageId = guide.view.journal.imageId!;
    const image = (await sandboxState(dir)).images[imageId]!;
    expect(image.name).toBe('ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/paw-example/hardening');
    expect(image.tags).toMatchObject({
      Name: image.name,
      'packer:base_ami_id': 'ami-0975ad60e5054592a',
      'paw:step_id': 'hardening',
      'bus:owner': 'platform-team',
    });

    await guide.resume({ confirmed: true, yes: true });
    expect(guide.view.state).toBe('done');
    expect((await sandboxState(dir)).instances[j.instanceId!]!.state).toBe('terminated');
    const item = await cloud.catalog.get('paw-example', 'hardening');
    expect(item).toMatchObject({ ami_id: imageId, build_method: 'manual', base_ami_id: 'ami-0975ad60e5054592a' });
    expect(await liveManualInstances(workflow)).toEqual([]);
    await guide.refresh();
    const status = statusText(guide.view, guide.sshLine(), true).split('\n');
    expect(status.slice(-3)).toEqual([
      `instance ${j.instanceId}: terminated`,
      `image ${imageId}: available`,
      `done: ${imageId} is the AMI of step hardening, recorded in the catalog`,
    ]);
    expect((await readJournal(step))!.history.map((h) => h.to)).toEqual(
      expect.arrayContaining(['running', 'connect', 'stop', 'stopped', 'create-image', 'image-available', 'terminate', 'record', 'done']),
    );
  });

  it('writes the instance id to the journal before anything else happens after RunInstances', async () => {
    const { guide, step } = await open();
    const seen: (string | null)[] = [];
    guide.subscribe((v) => seen.push(v.journal.instanceId));
    await guide.perform('launch');
    const onDisk = await readJournal(step);
    expect(onDisk!.history.at(-2)!.event).toMatch(/^launch requested: t3\.micro from ami-0975ad60e5054592a, key pair paw-paw-example-hardening created$/);
    expect(onDisk!.history.at(-1)!.event).toBe(`instance ${onDisk!.instanceId} launched`);
    expect(seen.filter(Boolean)[0]).toBe(onDisk!.instanceId);
  });

  it('runs a command given while another holds the step lock after it, not against its lock', async () => {
    const { guide, step } = await open();
    // The screen goes on by itself when opened; Enter comes while that run still holds the lock.
    const goOn = guide.command('go-on', { unattended: true });
    const next = guide.command('next', { instanceType: 't3.micro' });
    await Promise.all([goOn, next]);
    expect(guide.view.state).toBe('connect');
    expect(guide.view.journal.instanceId).toMatch(/^i-/);
    expect(existsSync(path.join(step.dir, '.paw', 'lock.json'))).toBe(false);
  });
});

describe('the intent is on disk before the call that changes the cloud', () => {
  it('writes "stop requested" to the journal before StopInstances is sent', async () => {
    const { guide, step } = await open();
    await guide.perform('launch');
    await guide.resume();
    expect(guide.view.state).toBe('connect');
    const instances = cloud!.instances;
    const stop = instances.stop.bind(instances);
    let onDiskAtCall: Awaited<ReturnType<typeof readJournal>> = null;
    instances.stop = async (id: string) => {
      onDiskAtCall = await readJournal(step);
      return stop(id);
    };
    await guide.perform('stop', { confirmed: true });
    expect(onDiskAtCall).not.toBeNull();
    expect(onDiskAtCall!.requested).toMatchObject({ action: 'stop' });
    expect(onDiskAtCall!.history.at(-1)!.event).toMatch(/stop requested/);
    expect(guide.view.state).toBe('stopped');
  });
});

describe('reconciling the journal with EC2 on open', () => {
  it('starts again at launch when the instance was terminated by hand while the journal says running', async () => {
    const { guide, cloud, workflow, step } = await open();
    await guide.perform('launch');
    await guide.resume();
    const id = guide.view.journal.instanceId!;
    await cloud.instances.terminate(id);
    const reopened = await openManualGuide(cloud, workflow, step);
    expect(reopened.view.state).toBe('launch');
    expect(reopened.view.notes[0]).toMatch(new RegExp(`^instance ${id} was terminated outside paw-tui \\(.*\\); the path starts again at launch$`));
    expect(reopened.view.journal.instanceId).toBeNull();
    expect((await readJournal(step))!.history.some((h) => h.event.includes(id))).toBe(true);
  });

  it('goes on from stopped when the instance was stopped by hand', async () => {
    const { guide, cloud, workflow, step } = await open();
    await guide.perform('launch');
    await guide.resume();
    await cloud.instances.stop(guide.view.journal.instanceId!);
    const reopened = await openManualGuide(cloud, workflow, step);
    expect(reopened.view.state).toBe('stopped');
    expect(reopened.view.notes[0]).toMatch(/was stopped outside paw-tui; going on from stopped/);
  });

  it('offers create image again when the image failed, and frees its name', async () => {
    const { guide, cloud, workflow, step, dir } = await open();
    await guide.perform('launch');
    await guide.resume();
    await guide.perform('stop', { confirmed: true });
    await guide.perform('wait-stopped');
    await guide.perform('create-image');
    const failedId = guide.view.journal.imageId!;
    // Failed by now, as EC2 would list it (not still pending while it fails).
    await editSandbox(dir, (s) => {
      s.images[failedId]!.state = 'failed';
      s.images[failedId]!.settlesAt = new Date(Date.now() - 1000).toISOString();
    });
    const reopened = await openManualGuide(cloud, workflow, step);
    expect(reopened.view.state).toBe('create-image');
    expect(reopened.view.notes).toEqual([`image ${failedId} failed; create the image again`]);
    await reopened.resume();
    expect(reopened.view.state).toBe('terminate');
    expect(reopened.view.journal.imageId).not.toBe(failedId);
    expect((await sandboxState(dir)).images[failedId]).toBeUndefined();
  });

  it('treats a stop requested twice as harmless', async () => {
    const { guide, cloud, workflow, step } = await open();
    await guide.perform('launch');
    await guide.resume();
    await guide.perform('stop', { confirmed: true });
    await guide.perform('stop', { confirmed: true });
    expect(guide.view.state).toBe('stopped');
    const reopened = await openManualGuide(cloud, workflow, step);
    await reopened.perform('stop');
    await reopened.resume();
    expect(reopened.view.state).toBe('terminate');
  });
});

describe('faults, each one clear line', () => {
  const line = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(PawError);
    expect((e as PawError).exitCode).not.toBe(0);
    return errorLine(e);
  };

  it('names the subnet, security group or instance profile that was not found', async () => {
    const { guide, dir } = await open();
    await editSandbox(dir, (s) => {
      s.subnets = [];
    });
    expect(await line(guide.perform('launch'))).toBe(
      'no subnet has the Name tag "default-public-1a" in us-east-1 — fix subnet_name in workflow_param.json (paw-tui params set subnet_name <name>)',
    );
    await editSandbox(dir, (s) => {
      s.subnets = [{ id: 'subnet-1', name: 'default-public-1a', vpcId: s.vpcs[0]!.id }];
      s.securityGroups = [];
    });
    expect(await line(guide.perform('launch'))).toMatch(/^no security group has the Name tag "packer-ssh" in us-east-1 — fix security_group_name/);
    await editSandbox(dir, (s) => {
      s.securityGroups = [{ id: 'sg-1', name: 'packer-ssh', vpcId: s.vpcs[0]!.id }];
      s.instanceProfiles = [];
    });
    expect(await line(guide.perform('launch'))).toMatch(/^no instance profile is named "packer-build" — fix ec2_iam_role_name/);
    expect(guide.view.state).toBe('launch');
    expect(guide.view.journal.history).toEqual([]);
  });

  it('refuses a key pair name taken by a key whose .pem is not here', async () => {
    const { guide, cloud, step } = await open();
    await cloud.instances.createKeyPair('paw-paw-example-hardening');
    expect(await line(guide.perform('launch'))).toBe(
      `key pair name "paw-paw-example-hardening" is taken in us-east-1, and its .pem is not in ${path.join(step.dir, '.paw')} — use it with --key-name paw-paw-example-hardening if you hold its private key, or choose another name with --key-name`,
    );
    expect(existsSync(path.join(step.dir, '.paw', 'paw-paw-example-hardening.pem'))).toBe(false);
  });

  it('says why an instance failed to start and starts again at launch', async () => {
    const { guide, dir } = await open();
    await guide.perform('launch');
    const id = guide.view.journal.instanceId!;
    await editSandbox(dir, (s) => {
      Object.assign(s.instances[id]!, {
        state: 'terminated',
        settlesAt: new Date().toISOString(),
        stateReason: 'Server.InternalError: Internal error on launch',
      });
    });
    expect(await line(guide.resume())).toBe(
      `instance ${id} failed to start: Server.InternalError: Internal error on launch — launch again: paw-tui manual hardening launch`,
    );
    expect(guide.view.state).toBe('launch');
  });

  it('refuses to create the image of a running instance, saying why', async () => {
    const { guide } = await open();
    await guide.perform('launch');
    await guide.resume();
    expect(await line(guide.perform('create-image'))).toMatch(
      /^cannot create the image: instance i-\w+ is running — stop it first \(paw-tui manual hardening stop --yes\)/,
    );
    expect(guide.view.state).toBe('connect');
  });
});
