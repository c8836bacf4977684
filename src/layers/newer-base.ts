import { CANONICAL_OWNER } from '../aws/base-ami.js';
import type { Cloud } from '../aws/ports.js';
import type { Workflow } from '../workflow/types.js';
import { newerBaseText } from './words.js';

const UBUNTU_NAME = /^(ubuntu\/images\/[^/]+\/ubuntu-[a-z]+-[\d.]+-(?:amd64|arm64)-[a-z-]+-)\d{8}(?:\.\d+)?$/;
const DAY = 86_400_000;

/**
 * The name pattern of an Ubuntu AMI's family: the same product, release, arch and volume type
 * (`hvm-ssd` is gp2, `hvm-ssd-gp3` gp3), any date. Null for a name that is not Canonical's.
 */
export function ubuntuFamilyPattern(name: string): string | null {
  const m = UBUNTU_NAME.exec(name);
  return m ? `${m[1]}*` : null;
}

/**
 * The command that makes the newest of the root base AMI's family the root: the same search as
 * `newerBase()`, so the release never changes by accident (`base-ami --write` alone picks 24.04).
 */
export function pickNewerBaseCommand(rootName: string): string {
  const pattern = ubuntuFamilyPattern(rootName);
  return pattern ? `paw-tui base-ami --name-pattern '${pattern}' --write` : 'paw-tui base-ami --write';
}

/** The line `steps` and `build --all` say it with: what is out, and how to move to it. */
export function newerBaseAdvice(newer: NewerBase, rootName: string): string {
  return `${newerBaseText(newer)} — run \`${pickNewerBaseCommand(rootName)}\` first, then \`paw-tui build --all\` rebuilds every step on it`;
}

export interface NewerBase {
  ami: string;
  name: string;
  /** How many days newer than the root base AMI. */
  days: number;
  /** Its creation day, `YYYY-MM-DD`. */
  date: string;
}

/** The newest Canonical AMI of the root base AMI's family, when it is newer than the root. */
export async function newerBase(cloud: Cloud, workflow: Workflow): Promise<NewerBase | null> {
  const p = workflow.param;
  const pattern = ubuntuFamilyPattern(p.root_base_ami_name);
  if (!pattern) return null;
  const [newest] = await cloud.images.findByNamePattern(pattern, [CANONICAL_OWNER]);
  if (!newest || newest.id === p.root_base_ami_id) return null;
  const [root] = await cloud.images.describe([p.root_base_ami_id]);
  const rootDate = root ? Date.parse(root.creationDate) : NaN;
  const newestDate = Date.parse(newest.creationDate);
  if (!Number.isNaN(rootDate) && newestDate <= rootDate) return null;
  return {
    ami: newest.id,
    name: newest.name,
    days: Number.isNaN(rootDate) ? 0 : Math.floor((newestDate - rootDate) / DAY),
    date: newest.creationDate.slice(0, 10),
  };
}
