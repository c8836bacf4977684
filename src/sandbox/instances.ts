import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Instance, Instances, LaunchInput } from '../aws/ports.js';
import { sandboxCall, sandboxError } from './faults.js';
import { newId } from './ids.js';
import { settleTime, visibleImageState, visibleInstanceState, type InstanceRecord, type SandboxState, type SandboxStore } from './state.js';

/** The sandbox's EC2 instances, network lookups and key pairs (the `Instances` port). */

const BOOT_MS = 1_500;
const STOP_MS = 2_000;
const TERMINATE_MS = 2_000;
const USER_SHUTDOWN = 'Client.UserInitiatedShutdown: User initiated shutdown';

/** Graviton families (t4g, m6g, c7gn...) run arm64 images only; everything else x86_64. */
function instanceArchitecture(instanceType: string): string {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? 'arm64' : 'x86_64';
}

function instanceNotFound(id: string): Error {
  return sandboxError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
}

function dnsName(ip: string, region: string): string {
  const host = `ec2-${ip.replace(/\./g, '-')}`;
  return region === 'us-east-1' ? `${host}.compute-1.amazonaws.com` : `${host}.${region}.compute.amazonaws.com`;
}

function toInstance(record: InstanceRecord, region: string, now = Date.now()): Instance {
  const state = visibleInstanceState(record, now);
  const reachable = state === 'pending' || state === 'running';
  const instance: Instance = {
    id: record.id,
    state,
    imageId: record.imageId,
    instanceType: record.instanceType,
    launchTime: record.launchTime,
    privateIp: state === 'terminated' ? undefined : record.privateIp,
    keyName: record.keyName,
    tags: { ...record.tags },
  };
  if (reachable && record.publicIp) {
    instance.publicIp = record.publicIp;
    instance.publicDnsName = dnsName(record.publicIp, region);
  }
  if (record.stateReason && (state === 'stopped' || state === 'stopping' || state === 'shutting-down' || state === 'terminated')) {
    instance.stateReason = record.stateReason;
  }
  return instance;
}

function randomOctet(): number {
  return 1 + Math.floor(Math.random() * 253);
}

/** Checks a launch the way RunInstances does, then adds the instance (also used by the simulated packer). */
export function launchInstance(s: SandboxState, input: LaunchInput, bootMs = BOOT_MS): string {
  if (input.clientToken) {
    const earlier = Object.values(s.instances).find((i) => i.clientToken === input.clientToken);
    if (earlier) return earlier.id;
  }
  const image = s.images[input.imageId];
  if (!image) throw sandboxError('InvalidAMIID.NotFound', `The image id '[${input.imageId}]' does not exist`);
  if (visibleImageState(image) !== 'available') {
    throw sandboxError('InvalidAMIID.Unavailable', `The image ${input.imageId} is not available (its state is ${visibleImageState(image)})`);
  }
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(input.instanceType)) {
    throw sandboxError('InvalidParameterValue', `Invalid value '${input.instanceType}' for InstanceType.`);
  }
  const arch = instanceArchitecture(input.instanceType);
  if (arch !== image.architecture) {
    throw sandboxError(
      'InvalidParameterValue',
      `The architecture '${arch}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`,
    );
  }
  if (!s.subnets.some((n) => n.id === input.subnetId)) {
    throw sandboxError('InvalidSubnetID.NotFound', `The subnet ID '${input.subnetId}' does not exist`);
  }
  for (const g of input.securityGroupIds) {
    if (!s.securityGroups.some((sg) => sg.id === g)) throw sandboxError('InvalidGroup.NotFound', `The security group '${g}' does not exist`);
  }
  if (input.instanceProfileName && !s.instanceProfiles.includes(input.instanceProfileName)) {
    throw sandboxError(
      'InvalidParameterValue',
      `Value (${input.instanceProfileName}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
    );
  }
  if (input.keyName && !s.keyPairs.some((k) => k.name === input.keyName)) {
    throw sandboxError('InvalidKeyPair.NotFound', `The key pair '${input.keyName}' does not exist`);
  }
  const now = Date.now();
  const id = newId('i');
  s.instances[id] = {
    id,
    imageId: input.imageId,
    instanceType: input.instanceType,
    launchTime: new Date(now).toISOString(),
    state: 'running',
    settlesAt: settleTime(bootMs, now),
    subnetId: input.subnetId,
    securityGroupIds: [...input.securityGroupIds],
    instanceProfileName: input.instanceProfileName || undefined,
    keyName: input.keyName || undefined,
    privateIp: `10.0.1.${randomOctet()}`,
    publicIp: `3.${80 + Math.floor(Math.random() * 20)}.${randomOctet()}.${randomOctet()}`,
    clientToken: input.clientToken,
    tags: { ...input.tags },
  };
  return id;
}

/** StopInstances: pending and terminating instances cannot be stopped, as in EC2. */
export function stopInstance(s: SandboxState, id: string, stopMs = STOP_MS): void {
  const instance = s.instances[id];
  if (!instance) throw instanceNotFound(id);
  const state = visibleInstanceState(instance);
  if (state === 'stopped' || state === 'stopping') return;
  if (state !== 'running') {
    throw sandboxError('IncorrectInstanceState', `This instance '${id}' is not in a state from which it can be stopped.`);
  }
  instance.state = 'stopped';
  instance.settlesAt = settleTime(stopMs);
  instance.stateReason = USER_SHUTDOWN;
  delete instance.publicIp;
}

export function terminateInstance(s: SandboxState, id: string, terminateMs = TERMINATE_MS): void {
  const instance = s.instances[id];
  if (!instance) throw instanceNotFound(id);
  const state = visibleInstanceState(instance);
  if (state === 'terminated' || state === 'shutting-down') return;
  instance.state = 'terminated';
  instance.settlesAt = settleTime(terminateMs);
  instance.stateReason = USER_SHUTDOWN;
  delete instance.publicIp;
}

/** EC2's fingerprint of a key pair it created: SHA-1 of the private key's DER, colon-separated. */
function fingerprint(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex').match(/../g)?.join(':') ?? '';
}

export function sandboxInstances(store: SandboxStore, region: string): Instances {
  return {
    run: (input) => sandboxCall('ec2', 'RunInstances', () => store.update((s) => launchInstance(s, input))),

    describe: (ids) =>
      sandboxCall('ec2', 'DescribeInstances', async () => {
        const s = await store.read();
        return ids.flatMap((id) => (s.instances[id] ? [toInstance(s.instances[id], region)] : []));
      }),

    stop: (id) => sandboxCall('ec2', 'StopInstances', () => store.update((s) => stopInstance(s, id))),

    terminate: (id) => sandboxCall('ec2', 'TerminateInstances', () => store.update((s) => terminateInstance(s, id))),

    subnetByName: (name) => sandboxCall('ec2', 'DescribeSubnets', async () => (await store.read()).subnets.find((n) => n.name === name)?.id ?? null),

    securityGroupByName: (name) =>
      sandboxCall('ec2', 'DescribeSecurityGroups', async () => (await store.read()).securityGroups.find((g) => g.name === name)?.id ?? null),

    instanceProfileExists: (name) => sandboxCall('iam', 'GetInstanceProfile', async () => (await store.read()).instanceProfiles.includes(name)),

    keyPairs: () =>
      sandboxCall('ec2', 'DescribeKeyPairs', async () =>
        (await store.read()).keyPairs.map((k) => ({ name: k.name, id: k.id, tags: { ...k.tags }, ...(k.createTime ? { createTime: k.createTime } : {}) })),
      ),

    securityGroupsNamed: (prefix) =>
      sandboxCall('ec2', 'DescribeSecurityGroups', async () =>
        (await store.read()).securityGroups
          .filter((g) => g.name.startsWith(prefix))
          .map((g) => ({ id: g.id, name: g.name, vpcId: g.vpcId, tags: { ...g.tags }, openToWorld: [...(g.openToWorld ?? [])] })),
      ),

    deleteSecurityGroup: (id) =>
      sandboxCall('ec2', 'DeleteSecurityGroup', () =>
        store.update((s) => {
          if (!s.securityGroups.some((g) => g.id === id)) throw sandboxError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
          const user = Object.values(s.instances).find((i) => i.securityGroupIds.includes(id) && visibleInstanceState(i) !== 'terminated');
          if (user) throw sandboxError('DependencyViolation', `resource ${id} has a dependent object`);
          s.securityGroups = s.securityGroups.filter((g) => g.id !== id);
        }),
      ),

    deleteKeyPair: (name) =>
      sandboxCall('ec2', 'DeleteKeyPair', () =>
        store.update((s) => {
          s.keyPairs = s.keyPairs.filter((k) => k.name !== name);
        }),
      ),

    find: (filter) =>
      sandboxCall('ec2', 'DescribeInstances', async () => {
        const s = await store.read();
        return Object.values(s.instances)
          .map((i) => ({ record: i, seen: toInstance(i, region) }))
          .filter(({ seen }) => seen.state !== 'terminated')
          .filter(({ record }) => filter.clientToken === undefined || record.clientToken === filter.clientToken)
          .filter(({ seen }) => Object.entries(filter.tags ?? {}).every(([k, v]) => seen.tags[k] === v))
          .map(({ seen }) => seen);
      }),

    createKeyPair: (name, tags) =>
      sandboxCall('ec2', 'CreateKeyPair', async () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
        const der = privateKey.export({ type: 'pkcs8', format: 'der' });
        await store.update((s) => {
          if (s.keyPairs.some((k) => k.name === name)) throw sandboxError('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`);
          s.keyPairs.push({ name, id: newId('key'), fingerprint: fingerprint(der), ...(tags ? { tags: { ...tags } } : {}) });
        });
        return pem;
      }),
  };
}
