import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { Cancelled, StepFailed, type BuildContext, type BuildSpec } from './fake-build-context.js';
import { provision } from './fake-provision.js';
import type { BuildUi } from './packer-ui.js';
import { registerImage } from './ec2.js';
import { killPackerAndParent } from './faults.js';
import { launchInstance, stopInstance, terminateInstance } from './instances.js';
import { visibleImageState, visibleInstanceState, type ImageRecord, type InstanceRecord, type SandboxState } from './state.js';

/** The build's instance as EC2 describes it; gone from the sandbox, Packer fails as on EC2's NotFound. */
function instanceIn(s: SandboxState, id: string): InstanceRecord {
  const instance = s.instances[id];
  if (!instance)
    throw new StepFailed(`Error waiting for instance (${id}): InvalidInstanceID.NotFound: The instance ID '${id}' does not exist`, 'StepRunSourceInstance');
  return instance;
}

/** The build's AMI as EC2 describes it; gone from the sandbox, Packer fails as on EC2's NotFound. */
function imageIn(s: SandboxState, id: string): ImageRecord {
  const image = s.images[id];
  if (!image) throw new StepFailed(`Error waiting for AMI: InvalidAMIID.NotFound: The image id '[${id}]' does not exist`, 'StepCreateAMI');
  return image;
}

/**
 * One amazon-ebs build of the simulated packer, step by step as Packer 1.6 runs it, against the
 * sandbox's state: the source instance and the AMI it registers are real entries there, so
 * paw-tui sees them exactly as it would see Packer's on AWS (and finds the instance of a run
 * that died half-way).
 */

interface Held {
  keyPair?: string;
  tempGroupId?: string;
  instanceId?: string;
  amiId?: string;
  amiReady?: boolean;
}

/** An EC2 error as Packer shows it: code, message, then the status line. */
function awsError(prefix: string, e: unknown): string {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return `${prefix}: ${err.name ?? 'Error'}: ${err.message ?? String(e)}\n\tstatus code: ${err.$metadata?.httpStatusCode ?? 400}, request id: ${randomUUID()}`;
}

/**
 * Packer's name for a temporary key pair or security group: `packer_` and a time-ordered uuid,
 * whose first 8 hex digits are the Unix time it was made.
 */
function packerTempName(now = Date.now()): string {
  const hex = randomUUID().replace(/-/g, '');
  const time = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  return `packer_${time}-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 24)}`;
}

export async function runBuild(spec: BuildSpec, ui: BuildUi, ctx: BuildContext): Promise<{ amiId: string }> {
  const held: Held = {};
  const until = async (ready: (s: SandboxState) => boolean) => {
    while (!ready(await ctx.store.read())) await ctx.pause(100);
  };
  try {
    killPackerAndParent('PackerStart');
    ui.say('Prevalidating any provided VPC information');
    await ctx.pause(300);
    ui.say(`Prevalidating AMI Name: ${spec.amiName}`);
    let state = await ctx.store.read();
    const taken = Object.values(state.images).find((i) => i.ownerId === state.account && i.name === spec.amiName);
    if (taken) throw new StepFailed(`Error: AMI Name: '${spec.amiName}' is used by an existing AMI: ${taken.id}`, 'StepPreValidate');
    await ctx.pause(400);

    const source = state.images[spec.sourceAmiId];
    if (!source) {
      throw new StepFailed(
        awsError('Error querying AMI', { name: 'InvalidAMIID.NotFound', message: `The image id '[${spec.sourceAmiId}]' does not exist` }),
        'StepSourceAMIInfo',
      );
    }
    if (visibleImageState(source) !== 'available') {
      throw new StepFailed(`Error: source AMI ${spec.sourceAmiId} is not available (state: ${visibleImageState(source)})`, 'StepSourceAMIInfo');
    }
    ui.message(`Found Image ID: ${spec.sourceAmiId}`);
    ui.debug(`[INFO] Source AMI ${spec.sourceAmiId}: ${source.name} (${source.architecture})`);
    await ctx.pause(300);

    if (spec.vpcName !== undefined) {
      const vpc = state.vpcs.find((v) => v.name === spec.vpcName);
      if (!vpc) throw new StepFailed(`No VPC found matching filters: map[tag:Name:${spec.vpcName}]`, 'StepNetworkInfo');
      ui.message(`Found VPC ID: ${vpc.id}`);
    }
    const subnet = spec.subnetName === undefined ? state.subnets[0] : state.subnets.find((n) => n.name === spec.subnetName);
    if (!subnet) throw new StepFailed(`No subnet was found matching filters: map[tag:Name:${spec.subnetName ?? ''}]`, 'StepNetworkInfo');
    ui.message(`Found Subnet ID: ${subnet.id}`);
    await ctx.pause(300);

    const keyPair = packerTempName();
    ui.say(`Creating temporary keypair: ${keyPair}`);
    const keyId = `key-${keyPair.slice(-17)}`;
    await ctx.store.update((s) => void s.keyPairs.push({ name: keyPair, id: keyId, fingerprint: '', createTime: new Date().toISOString() }));
    held.keyPair = keyPair;
    killPackerAndParent('PackerKeyPair');
    await ctx.pause(300);

    let groupId: string;
    if (spec.securityGroupName !== undefined) {
      const group = state.securityGroups.find((g) => g.name === spec.securityGroupName);
      if (!group) throw new StepFailed(`No Security Groups found matching filters: map[tag:Name:${spec.securityGroupName}]`, 'StepSecurityGroup');
      groupId = group.id;
      ui.message(`Found Security Group(s): ${groupId}`);
    } else {
      const groupName = packerTempName();
      ui.say(`Creating temporary security group for this instance: ${groupName}`);
      groupId = `sg-${randomUUID().replace(/-/g, '').slice(0, 17)}`;
      // Here the group carries the run_tags and the key pair no tags: paw-tui must find a
      // leftover of Packer's either way (by its tags, or by the time in its name).
      await ctx.store.update(
        (s) => void s.securityGroups.push({ id: groupId, name: groupName, vpcId: subnet.vpcId, tags: { ...spec.runTags }, openToWorld: ['22'] }),
      );
      held.tempGroupId = groupId;
      killPackerAndParent('PackerSecurityGroup');
      await ctx.pause(200);
      ui.say('Authorizing access to port 22 from [0.0.0.0/0] in the temporary security groups...');
    }
    await ctx.pause(300);

    ui.say('Launching a source AWS instance...');
    try {
      held.instanceId = await ctx.store.update((s) =>
        launchInstance(
          s,
          {
            imageId: spec.sourceAmiId,
            instanceType: spec.instanceType,
            subnetId: subnet.id,
            securityGroupIds: [groupId],
            instanceProfileName: spec.instanceProfile ?? '',
            keyName: keyPair,
            tags: { ...spec.runTags },
          },
          ctx.speedMs(1_200),
        ),
      );
    } catch (e) {
      throw new StepFailed(awsError('Error launching source instance', e), 'StepRunSourceInstance');
    }
    const instanceId = held.instanceId;
    killPackerAndParent('PackerInstance');
    await ctx.pause(200);
    ui.say('Adding tags to source instance');
    for (const [k, v] of Object.entries(spec.runTags)) ui.message(`Adding tag: "${k}": "${v}"`);
    ui.message(`Instance ID: ${instanceId}`);
    ui.say(`Waiting for instance (${instanceId}) to become ready...`);
    ui.debug(`[DEBUG] Waiting for state to become: running`);
    await until((s) => visibleInstanceState(instanceIn(s, instanceId)) === 'running');
    state = await ctx.store.read();
    const built = instanceIn(state, instanceId);
    const ip = built.publicIp ?? built.privateIp;
    ui.say(`Using ssh communicator to connect: ${ip}`);
    ui.say('Waiting for SSH to become available...');
    ui.debug(`[INFO] Waiting for SSH, up to timeout: 5m0s`);
    await ctx.pause(700);
    if (ctx.fail === 'ssh') {
      ui.debug(`[DEBUG] TCP connection to SSH ip/port failed: dial tcp ${ip}:22: i/o timeout`);
      throw new StepFailed('Timeout waiting for SSH.', 'StepConnect');
    }
    ui.say('Connected to SSH!');

    await provision(spec, ui, ctx);

    ui.say('Stopping the source instance...');
    ui.message('Stopping instance');
    await ctx.store.update((s) => stopInstance(s, instanceId, ctx.speedMs(1_200)));
    ui.say('Waiting for the instance to stop...');
    await until((s) => visibleInstanceState(instanceIn(s, instanceId)) === 'stopped');

    ui.say(`Creating AMI ${spec.amiName} from instance ${instanceId}`);
    held.amiId = await ctx.store.update((s) => registerImage(s, { name: spec.amiName, description: '', instanceId, tags: {}, readyInMs: ctx.speedMs(2_000) }));
    const amiId = held.amiId;
    killPackerAndParent('PackerImage');
    ui.message(`AMI: ${amiId}`);
    ui.say('Waiting for AMI to become ready...');
    if (ctx.fail === 'ami') {
      await ctx.store.update((s) => void (imageIn(s, amiId).state = 'failed'));
    }
    await until((s) => visibleImageState(imageIn(s, amiId)) !== 'pending');
    if (visibleImageState(imageIn(await ctx.store.read(), amiId)) !== 'available') {
      throw new StepFailed(
        'Error waiting for AMI: Failed with ResourceNotReady error, which can have a variety of causes. For help troubleshooting, check our docs: https://www.packer.io/docs/builders/amazon.html#specifying-amazon-credentials\noriginal error: ResourceNotReady: failed waiting for successful resource state',
        'StepCreateAMI',
      );
    }
    held.amiReady = true;
    await tagAmi(spec, amiId, ui, ctx);
    await cleanUp(ui, ctx, held);
    return { amiId };
  } catch (e) {
    if (e instanceof Cancelled) {
      await cleanUp(ui, ctx, held);
      throw e;
    }
    if (!(e instanceof StepFailed)) throw e;
    if (!e.reported) ui.error(e.message);
    if (e.decision ? e.decision === 'abort' : await leaveAsIs(e, ui, ctx)) throw e;
    await cleanUp(ui, ctx, held);
    throw e;
  }
}

/** Packer's StepCreateTags: the template's `tags` on the AMI, `snapshot_tags` on its snapshots. */
async function tagAmi(spec: BuildSpec, amiId: string, ui: BuildUi, ctx: BuildContext): Promise<void> {
  if (!Object.keys(spec.amiTags).length && !Object.keys(spec.snapshotTags).length) return;
  const snapshots = imageIn(await ctx.store.read(), amiId).snapshotIds;
  ui.say(`Adding tags to AMI (${amiId})...`);
  for (const snap of snapshots) ui.say(`Tagging snapshot: ${snap}`);
  ui.say('Creating AMI tags');
  for (const [k, v] of Object.entries(spec.amiTags)) ui.message(`Adding tag: "${k}": "${v}"`);
  ui.say('Creating snapshot tags');
  for (const [k, v] of Object.entries(spec.snapshotTags)) ui.message(`Adding tag: "${k}": "${v}"`);
  await ctx.store.update((s) => {
    Object.assign(imageIn(s, amiId).tags, spec.amiTags);
    for (const snap of snapshots) if (s.snapshots[snap]) Object.assign(s.snapshots[snap].tags, spec.snapshotTags);
  });
  await ctx.pause(300);
}

/** Applies -on-error after a failed step: true when the resources are left as they are (abort). */
async function leaveAsIs(e: StepFailed, ui: BuildUi, ctx: BuildContext): Promise<boolean> {
  if (ctx.onError === 'abort') {
    ui.say(`Step "${e.step}" failed, aborting...`);
    return true;
  }
  if (ctx.onError !== 'ask') return false;
  ui.say(`Step "${e.step}" failed`);
  for (;;) {
    const answer = await ctx.ask(ui);
    if (answer === 'a') return true;
    if (answer === 'c') return false;
  }
}

/**
 * Packer's clean-up, in the reverse order of the steps: an unfinished AMI is deregistered, the
 * source instance terminated, then the temporary security group and key pair deleted. It runs
 * to the end even when interrupted, as Packer's does.
 */
async function cleanUp(ui: BuildUi, ctx: BuildContext, held: Held): Promise<void> {
  const { amiId, instanceId, tempGroupId, keyPair } = held;
  if (amiId && !held.amiReady) {
    ui.say('Deregistering the AMI and deleting associated snapshots because of cancellation, or error...');
    await ctx.store.update((s) => {
      for (const snap of s.images[amiId]?.snapshotIds ?? []) delete s.snapshots[snap];
      delete s.images[amiId];
    });
  }
  if (instanceId) {
    ui.say('Terminating the source AWS instance...');
    await ctx.store.update((s) => terminateInstance(s, instanceId, ctx.speedMs(800)));
    // One EC2 no longer lists is as good as terminated.
    const terminated = async () => {
      const instance = (await ctx.store.read()).instances[instanceId];
      return !instance || visibleInstanceState(instance) === 'terminated';
    };
    while (!(await terminated())) await sleep(ctx.speedMs(100));
  }
  ui.say('Cleaning up any extra volumes...');
  ui.say('No volumes to clean up, skipping');
  if (tempGroupId) {
    ui.say('Deleting temporary security group...');
    await ctx.store.update((s) => void (s.securityGroups = s.securityGroups.filter((g) => g.id !== tempGroupId)));
  }
  if (keyPair) {
    ui.say('Deleting temporary keypair...');
    await ctx.store.update((s) => void (s.keyPairs = s.keyPairs.filter((k) => k.name !== keyPair)));
  }
  Object.assign(held, { amiId: undefined, instanceId: undefined, tempGroupId: undefined, keyPair: undefined });
}
