import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CANONICAL_OWNER, SANDBOX_ACCOUNT, stableId } from './ids.js';
import type { ImageRecord, SandboxState } from './state.js';

/**
 * What a fresh sandbox holds: Canonical's Ubuntu AMIs of two LTS releases (a few build dates,
 * both architectures) with the public SSM parameters that point at them, and the network the
 * workflow's params name, so the quick start can build without touching AWS.
 */

interface UbuntuSeries {
  product: 'server' | 'server-minimal';
  version: string;
  codename: string;
  /** SSM volume type → the `hvm-ssd*` segment of the image name. */
  volumes: Record<string, string>;
  dates: string[];
}

const SERIES: UbuntuSeries[] = [
  {
    product: 'server',
    version: '22.04',
    codename: 'jammy',
    volumes: { 'ebs-gp2': 'hvm-ssd', 'ebs-gp3': 'hvm-ssd-gp3' },
    dates: ['20240501', '20240607', '20240720'],
  },
  { product: 'server', version: '24.04', codename: 'noble', volumes: { 'ebs-gp3': 'hvm-ssd-gp3' }, dates: ['20240523', '20240607', '20240801'] },
  { product: 'server-minimal', version: '24.04', codename: 'noble', volumes: { 'ebs-gp3': 'hvm-ssd-gp3' }, dates: ['20240607', '20240801'] },
];
const ARCHES: Record<string, string> = { amd64: 'x86_64', arm64: 'arm64' };

/** The names the sandbox's network resources get (the workflow's, else these). */
export interface NetworkNames {
  vpcName: string;
  isDefaultVpc: boolean;
  subnetName: string;
  securityGroupName: string;
  instanceProfileName: string;
}

const DEFAULT_NETWORK: NetworkNames = {
  vpcName: 'paw-sandbox-vpc',
  isDefaultVpc: false,
  subnetName: 'paw-sandbox/public/1',
  securityGroupName: 'paw-sandbox/sg/allow-ssh',
  instanceProfileName: 'paw-sandbox-ec2-role',
};

export function ubuntuImageName(s: UbuntuSeries, arch: string, volumeSegment: string, date: string): string {
  return s.product === 'server'
    ? `ubuntu/images/${volumeSegment}/ubuntu-${s.codename}-${s.version}-${arch}-server-${date}`
    : `ubuntu-minimal/images/${volumeSegment}/ubuntu-${s.codename}-${s.version}-${arch}-minimal-${date}`;
}

function creationDate(date: string, name: string): string {
  const h = parseInt(stableId('t', name).slice(2, 8), 16);
  const hh = String(h % 24).padStart(2, '0');
  const mm = String((h >> 5) % 60).padStart(2, '0');
  const ss = String((h >> 11) % 60).padStart(2, '0');
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${hh}:${mm}:${ss}.000Z`;
}

function canonicalImage(id: string, name: string, arch: string, volumeType: string, description: string, date: string): ImageRecord {
  const created = creationDate(date, name);
  return {
    id,
    name,
    description,
    ownerId: CANONICAL_OWNER,
    architecture: ARCHES[arch] ?? arch,
    creationDate: created,
    state: 'available',
    settlesAt: created,
    snapshotIds: [stableId('snap', name)],
    rootDeviceName: '/dev/sda1',
    volumeType,
    volumeSize: 8,
    public: true,
    tags: {},
  };
}

/** Reads workflow_param.json loosely (comments allowed, any shape): only the strings the sandbox names things after. */
export async function readWorkflowNames(workflowDir: string): Promise<{ network: NetworkNames; rootAmiId?: string; rootAmiName?: string }> {
  let text = '';
  try {
    text = await readFile(path.join(workflowDir, 'workflow_param.json'), 'utf8');
  } catch {
    // No params yet (a workflow being initialised): the defaults name everything.
  }
  const value = (key: string): string | undefined => {
    const m = new RegExp(`"${key}"\\s*:\\s*("(?:[^"\\\\\\n]|\\\\.)*")`).exec(text);
    if (!m) return undefined;
    try {
      const v = JSON.parse(m[1]!) as string;
      return v.trim() ? v : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    network: {
      vpcName: value('vpc_name') ?? DEFAULT_NETWORK.vpcName,
      isDefaultVpc: value('is_default_vpc') === 'true',
      subnetName: value('subnet_name') ?? DEFAULT_NETWORK.subnetName,
      securityGroupName: value('security_group_name') ?? DEFAULT_NETWORK.securityGroupName,
      instanceProfileName: value('ec2_iam_role_name') ?? DEFAULT_NETWORK.instanceProfileName,
    },
    rootAmiId: value('root_base_ami_id'),
    rootAmiName: value('root_base_ami_name'),
  };
}

/**
 * Adds the VPC, subnet, security group and instance profile named in the params when they are
 * missing (idempotent): renaming them in the params editor must not break the offline build.
 */
export function ensureNetwork(state: SandboxState, names: NetworkNames): void {
  let vpc = state.vpcs.find((v) => v.name === names.vpcName);
  if (!vpc) {
    vpc = { id: stableId('vpc', names.vpcName), name: names.vpcName, isDefault: names.isDefaultVpc };
    state.vpcs.push(vpc);
  }
  if (!state.subnets.some((s) => s.name === names.subnetName)) {
    state.subnets.push({ id: stableId('subnet', names.subnetName), name: names.subnetName, vpcId: vpc.id });
  }
  if (!state.securityGroups.some((g) => g.name === names.securityGroupName)) {
    state.securityGroups.push({ id: stableId('sg', names.securityGroupName), name: names.securityGroupName, vpcId: vpc.id });
  }
  if (!state.instanceProfiles.includes(names.instanceProfileName)) state.instanceProfiles.push(names.instanceProfileName);
}

/**
 * Makes the workflow's root base AMI exist as a Canonical image: the seeded image of that name
 * takes the id when there is one, else an image with that id and name is added.
 */
export function ensureRootAmi(state: SandboxState, id: string | undefined, name: string | undefined): void {
  if (!id || !/^ami-[0-9a-f]{8,17}$/.test(id) || state.images[id]) return;
  const concreteName = (name ?? `ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607`).replace(/\*/g, '20240607');
  const same = Object.values(state.images).find((i) => i.name === concreteName && i.ownerId === CANONICAL_OWNER);
  if (same) {
    delete state.images[same.id];
    state.images[id] = { ...same, id };
    for (const [k, v] of Object.entries(state.parameters)) if (v === same.id) state.parameters[k] = id;
    return;
  }
  const arch = /arm64|aarch64/.test(concreteName) ? 'arm64' : 'amd64';
  const date = /(\d{8})(?!.*\d{8})/.exec(concreteName)?.[1] ?? '20240607';
  state.images[id] = canonicalImage(id, concreteName, arch, 'gp2', `Canonical, Ubuntu, root base AMI of the workflow (${concreteName})`, date);
  const [rootSnapshot] = state.images[id].snapshotIds;
  if (rootSnapshot) {
    state.snapshots[rootSnapshot] = {
      id: rootSnapshot,
      volumeSize: 8,
      ownerId: CANONICAL_OWNER,
      startTime: state.images[id].creationDate,
      tags: {},
    };
  }
}

/** A fresh sandbox for a workflow folder. */
export async function seedState(workflowDir: string): Promise<SandboxState> {
  const state: SandboxState = {
    version: 1,
    account: SANDBOX_ACCOUNT,
    images: {},
    snapshots: {},
    instances: {},
    vpcs: [],
    subnets: [],
    securityGroups: [],
    instanceProfiles: [],
    keyPairs: [],
    parameters: {},
    references: {},
    incidents: [],
  };
  for (const s of SERIES) {
    for (const arch of Object.keys(ARCHES)) {
      for (const [volume, segment] of Object.entries(s.volumes)) {
        const flavour = s.product === 'server' ? 'Ubuntu' : 'Ubuntu Minimal';
        for (const date of s.dates) {
          const name = ubuntuImageName(s, arch, segment, date);
          const id = stableId('ami', name);
          const description = `Canonical, ${flavour}, ${s.version} LTS, ${arch} ${s.codename} image build on ${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
          const image = canonicalImage(id, name, arch, volume.replace('ebs-', ''), description, date);
          state.images[id] = image;
          const [snapshot] = image.snapshotIds;
          if (snapshot) {
            state.snapshots[snapshot] = {
              id: snapshot,
              volumeSize: 8,
              ownerId: CANONICAL_OWNER,
              startTime: image.creationDate,
              tags: {},
            };
          }
          for (const release of [s.version, s.codename]) {
            const base = `/aws/service/canonical/ubuntu/${s.product}/${release}/stable`;
            state.parameters[`${base}/${date}/${arch}/hvm/${volume}/ami-id`] = id;
            // Dates ascend, so the last one written is `current`.
            state.parameters[`${base}/current/${arch}/hvm/${volume}/ami-id`] = id;
          }
        }
      }
    }
  }
  const names = await readWorkflowNames(workflowDir);
  ensureNetwork(state, names.network);
  ensureRootAmi(state, names.rootAmiId, names.rootAmiName);
  return state;
}
