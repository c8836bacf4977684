import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';

import path from 'node:path';
import type { Cloud, LaunchInput } from '../aws/ports.js';
import { sourceAmi } from '../aws/source.js';
import { PawError } from '../errors.js';
import { pawPath } from '../paths.js';
import { checkSafeName } from '../workflow/names.js';
import { writeFileAtomic } from '../workflow/atomic.js';
import type { Step, Workflow } from '../workflow/types.js';
import { newRunId } from '../packer/runs.js';
import type { ManualJournal } from './journal.js';

import { DEFAULT_INSTANCE_TYPE } from '../constants.js';
import { makePawDir } from '../paw-dir.js';

export { DEFAULT_INSTANCE_TYPE };

/** On-demand Linux prices in us-east-1 (USD per hour), for the checklist's cost hint only. */
const HOURLY_USD: Record<string, number> = {
  't3.nano': 0.0052,
  't3.micro': 0.0104,
  't3.small': 0.0208,
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't3a.micro': 0.0094,
  't3a.small': 0.0188,
  't3a.medium': 0.0376,
  't4g.micro': 0.0084,
  't4g.small': 0.0168,
  't4g.medium': 0.0336,
  'm5.large': 0.096,
  'm6i.large': 0.096,
  'c5.large': 0.085,
};

/** The instance types the app offers at launch (x86_64, as the Ubuntu AMIs of a workflow are). */
export const INSTANCE_TYPE_CHOICES = [DEFAULT_INSTANCE_TYPE, 't3.small', 't3.medium', 't3.large', 'm5.large', 'c5.large'] as const;

/** USD per hour on demand in us-east-1, or null for a type not in the table. */
export function hourlyPrice(instanceType: string): number | null {
  return HOURLY_USD[instanceType] ?? null;
}

/** `t3.micro ≈ $0.0104/h (us-east-1 on-demand)`, or null for a type not in the table. */
export function costHint(instanceType: string): string | null {
  const price = hourlyPrice(instanceType);
  return price === null ? null : `${instanceType} ≈ $${price}/h (us-east-1 on-demand)`;
}

/** The key pair paw-tui creates for a step when none is chosen. */
export function defaultKeyName(workflow: Workflow, step: Step): string {
  return `paw-${workflow.param.workflow_id}-${step.id}`;
}

export function pemPathFor(step: Step, keyName: string): string {
  return pawPath(step.dir, `${keyName}.pem`);
}

export interface KeyPairChoice {
  name: string;
  /** What choosing it means, in the user's words. */
  note: string;
}

/**
 * The key pairs a launch can use, the step's own first (created at launch when it does not
 * exist yet), then this region's other key pairs (DescribeKeyPairs), whose private key the
 * user must hold.
 */
export async function keyPairChoices(cloud: Cloud, workflow: Workflow, step: Step): Promise<KeyPairChoice[]> {
  const own = defaultKeyName(workflow, step);
  const names = (await cloud.instances.keyPairs()).map((k) => k.name).sort();
  const ownNote = !names.includes(own)
    ? 'created at launch, its .pem saved in .paw/'
    : existsSync(pemPathFor(step, own))
      ? 'its .pem is in .paw/'
      : 'name taken and its .pem is not here: choose another';
  return [{ name: own, note: ownNote }, ...names.filter((n) => n !== own).map((name) => ({ name, note: 'existing: you need its .pem' }))];
}

/**
 * Subnet, security group and instance profile found by the names in workflow_param.json, as
 * Packer's filters find them. Each missing one is named, with the key to fix.
 */
export async function findNetwork(cloud: Cloud, workflow: Workflow): Promise<{ subnetId: string; securityGroupId: string; instanceProfileName: string }> {
  const p = workflow.param;
  const [subnetId, securityGroupId, profileFound] = await Promise.all([
    cloud.instances.subnetByName(p.subnet_name),
    cloud.instances.securityGroupByName(p.security_group_name),
    cloud.instances.instanceProfileExists(p.ec2_iam_role_name),
  ]);
  const where = `in ${cloud.region}`;
  if (!subnetId) {
    throw new PawError(`no subnet has the Name tag "${p.subnet_name}" ${where}`, {
      hint: 'fix subnet_name in workflow_param.json (paw-tui params set subnet_name <name>)',
    });
  }
  if (!securityGroupId) {
    throw new PawError(`no security group has the Name tag "${p.security_group_name}" ${where}`, {
      hint: 'fix security_group_name in workflow_param.json (paw-tui params set security_group_name <name>)',
    });
  }
  if (!profileFound) {
    throw new PawError(`no instance profile is named "${p.ec2_iam_role_name}"`, {
      hint: 'fix ec2_iam_role_name in workflow_param.json (it names an instance profile, not a role)',
    });
  }
  return { subnetId, securityGroupId, instanceProfileName: p.ec2_iam_role_name };
}

/**
 * The key pair to launch with. A name the user chose (`--key-name`) that exists is used as is;
 * one that does not exist is created. Without a choice, the step's own key pair is reused when
 * its `.pem` is here, created when it does not exist, and refused when the name is taken by a
 * key pair whose private key paw-tui does not hold (nobody could log in).
 */
export async function chooseKeyPair(
  cloud: Cloud,
  workflow: Workflow,
  step: Step,
  chosen: string | undefined,
  journaling: KeyPairJournaling = {},
): Promise<{ keyName: string; pemPath: string | null; created: boolean }> {
  if (chosen !== undefined) checkSafeName(chosen, 'key name');
  const keyName = chosen ?? defaultKeyName(workflow, step);
  const pemPath = pemPathFor(step, keyName);
  let exists = (await cloud.instances.keyPairs()).some((k) => k.name === keyName);
  if (exists && !existsSync(pemPath) && journaling.leaked === keyName) {
    // paw-tui created it and was stopped before its private key reached the disk: nobody can
    // use it, so it is replaced rather than blocking every later launch.
    await cloud.instances.deleteKeyPair(keyName);
    exists = false;
  }
  if (exists) {
    if (existsSync(pemPath)) return { keyName, pemPath, created: false };
    if (chosen !== undefined) return { keyName, pemPath: null, created: false };
    throw new PawError(`key pair name "${keyName}" is taken in ${cloud.region}, and its .pem is not in ${path.dirname(pemPath)}`, {
      hint: `use it with --key-name ${keyName} if you hold its private key, or choose another name with --key-name`,
    });
  }
  let material: string;
  await journaling.beforeCreate?.(keyName);
  try {
    material = await cloud.instances.createKeyPair(keyName, {
      'paw:workflow_id': workflow.param.workflow_id,
      'paw:step_id': step.id,
    });
  } catch (e) {
    if (/Duplicate/i.test(String((e as { name?: unknown }).name)) || /already exists/i.test(String((e as Error).message))) {
      throw new PawError(`key pair name "${keyName}" is taken in ${cloud.region}`, {
        hint: 'choose another name with --key-name',
      });
    }
    throw e;
  }
  await makePawDir(path.dirname(pemPath));
  await writeFileAtomic(pemPath, material.endsWith('\n') ? material : material + '\n', 0o600);
  return { keyName, pemPath, created: true };
}

/** How a key pair creation is journaled: the intent before CreateKeyPair, and the one a killed run left. */
export interface KeyPairJournaling {
  beforeCreate?: (keyName: string) => Promise<void>;
  /** The key pair whose creation the journal asked for and never saw end (its .pem was never written). */
  leaked?: string | null;
}

/**
 * The instance's tags: the user's `aws_tags`, then paw-tui's, which find the instance again
 * whatever happens to the journal (they win over the user's).
 */
export function instanceTags(workflow: Workflow, step: Step, runId: string): Record<string, string> {
  return {
    Name: `paw-tui manual ${workflow.param.workflow_id}/${step.id}`,
    ...workflow.param.aws_tags,
    'paw:workflow_id': workflow.param.workflow_id,
    'paw:step_id': step.id,
    'paw:run_id': runId,
    'paw:build_method': 'manual',
  };
}

/**
 * Everything a launch needs, found before the intent is written: the source AMI, the network,
 * the key pair, the instance type and the idempotency token. A launch whose answer was lost is
 * repeated as it was (the journal's choices, token included), so EC2 returns the instance the
 * first call started instead of a second one.
 */
export async function planLaunch(
  cloud: Cloud,
  workflow: Workflow,
  step: Step,
  journal: ManualJournal,
  options: { instanceType?: string; keyName?: string },
  journaling: KeyPairJournaling = {},
): Promise<{ input: LaunchInput; journal: Partial<ManualJournal>; event: string }> {
  const retry = journal.requested?.action === 'launch' && journal.launchToken !== null;
  const source = retry ? { id: journal.sourceAmiId!, name: journal.sourceAmiName ?? '' } : await sourceAmi(cloud, workflow, step);
  const network = await findNetwork(cloud, workflow);
  const key = await chooseKeyPair(cloud, workflow, step, retry ? (journal.keyName ?? undefined) : options.keyName, journaling);
  const instanceType = retry ? journal.instanceType! : (options.instanceType ?? DEFAULT_INSTANCE_TYPE);
  const clientToken = retry ? journal.launchToken! : randomUUID();
  const runId = retry && journal.runId ? journal.runId : newRunId(step.id, new Date());
  return {
    input: {
      imageId: source.id,
      instanceType,
      subnetId: network.subnetId,
      securityGroupIds: [network.securityGroupId],
      instanceProfileName: network.instanceProfileName,
      keyName: key.keyName,
      tags: instanceTags(workflow, step, runId),
      clientToken,
    },
    journal: {
      runId,
      launchToken: clientToken,
      instanceType,
      keyName: key.keyName,
      pemPath: key.pemPath,
      sourceAmiId: source.id,
      sourceAmiName: source.name,
    },
    event: `${instanceType} from ${source.id}${key.created ? `, key pair ${key.keyName} created` : ''}`,
  };
}
