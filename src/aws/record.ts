import { PawError } from '../errors.js';
import type { Step, Workflow } from '../workflow/types.js';
import { libraryImageDetails, pythonJsonDumps } from './details.js';
import type { AmiImage, CatalogItem, Cloud } from './ports.js';

import { formatCreateAt } from './create-at.js';

/** The EC2 console's page of one image in its region. */
export function amiConsoleUrl(region: string, amiId: string): string {
  return `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#ImageDetails:imageId=${amiId}`;
}

export interface RecordExtra {
  /** The AMI the step was built from (its source AMI). */
  baseAmiId: string;
  baseAmiName: string;
  buildMethod: 'packer' | 'manual';
  packerVersion?: string;
  durationS?: number;
  /** The step's inputs when it was built (src/layers/fingerprint.ts). */
  fingerprint?: { fingerprint: string; inputs: object; values?: object };
  /** `workflow bump`: the workflow id the AMI was built under. */
  carriedFrom?: string;
}

/** `create_at`: the AMI's creation date, as the library's `parse(image.creation_date)` stores it. */
export function createAtOf(image: AmiImage): string {
  const date = new Date(image.creationDate);
  if (Number.isNaN(date.getTime())) throw new PawError(`AMI ${image.id} has no readable creation date ("${image.creationDate}")`);
  return formatCreateAt(date);
}

/** The catalog item of SPEC §4 for a step's AMI, attribute for attribute as the Python library writes it. */
export function catalogItem(workflow: Workflow, step: Step, image: AmiImage, extra: RecordExtra & { region: string }): CatalogItem {
  const p = workflow.param;
  const item: CatalogItem = {
    workflow_id: p.workflow_id,
    step_id: step.id,
    ami_id: image.id,
    ami_name: image.name,
    create_at: createAtOf(image),
    aws_console_url: amiConsoleUrl(extra.region, image.id),
    base_ami_id: extra.baseAmiId,
    base_ami_name: extra.baseAmiName,
    root_base_ami_id: p.root_base_ami_id,
    root_base_ami_name: p.root_base_ami_name,
    details: pythonJsonDumps(libraryImageDetails(image.raw)),
    metadata: pythonJsonDumps(step.param.metadata),
    build_method: extra.buildMethod,
  };
  if (extra.packerVersion) item.packer_version = extra.packerVersion;
  if (extra.durationS !== undefined) item.duration_s = String(Math.round(extra.durationS));
  if (extra.fingerprint) {
    item.fingerprint = extra.fingerprint.fingerprint;
    // The params' values (secrets redacted) ride along so a later look can say old → new.
    item.fingerprint_inputs = JSON.stringify({ ...extra.fingerprint.inputs, ...(extra.fingerprint.values ? { values: extra.fingerprint.values } : {}) });
  }
  if (extra.carriedFrom) item.carried_from = extra.carriedFrom;
  return item;
}

export interface TableConsent {
  /** `--yes`: create a missing table without asking. */
  yes: boolean;
  /** Asks the user; absent when there is nobody to ask (headless). */
  ask?: (question: string) => Promise<boolean>;
}

/** Makes sure the catalog table exists, creating it only with the user's agreement. */
export async function ensureCatalogTable(cloud: Cloud, consent: TableConsent): Promise<void> {
  if (await cloud.catalog.tableExists()) return;
  const table = cloud.catalog.tableName;
  const agreed = consent.yes || (consent.ask ? await consent.ask(`The catalog table ${table} does not exist in ${cloud.region}. Create it?`) : false);
  if (!agreed) {
    throw new PawError(`catalog table ${table} does not exist in ${cloud.region}`, {
      hint: consent.ask
        ? 'nothing was recorded; agree to create it, or create it yourself (hash workflow_id, range step_id, index step_id_index)'
        : 'pass --yes to create it, or create it yourself (hash workflow_id, range step_id, index step_id_index)',
    });
  }
  await cloud.catalog.createTable();
}

/** Describes an AMI, refusing ids EC2 does not know. */
export async function describeAmi(cloud: Cloud, amiId: string): Promise<AmiImage> {
  const [image] = await cloud.images.describe([amiId]);
  if (!image) {
    throw new PawError(`AMI ${amiId} does not exist in ${cloud.region}`, {
      hint: 'check the id and the region (--region) or account (--profile) in use',
    });
  }
  return image;
}

/** The AMI a recorded image was built from: its `packer:base_ami_*` tags, else the chain's answer. */
async function baseOf(cloud: Cloud, workflow: Workflow, step: Step, image: AmiImage): Promise<{ id: string; name: string }> {
  const id = image.tags['packer:base_ami_id'];
  const name = image.tags['packer:base_ami_name'];
  if (id && name !== undefined) return { id, name };
  const p = workflow.param;
  if (step.previousId === null) return { id: p.root_base_ami_id, name: p.root_base_ami_name };
  const previous = await cloud.catalog.get(p.workflow_id, step.previousId);
  if (!previous) {
    throw new PawError(`step ${step.previousId} has no AMI recorded, so the base of ${image.id} is unknown`, {
      hint: `record step ${step.previousId} first (paw-tui record ${step.previousId} --ami <id>)`,
    });
  }
  return { id: previous.ami_id, name: previous.ami_name };
}

/**
 * An AMI recorded without a build (the manual path, `record`) is taken to hold the step as its
 * files are now: its fingerprint is computed here and tagged on it. A step whose templates do
 * not render is recorded without one (and shows as stale until it is rebuilt).
 */
async function fingerprintNow(
  cloud: Cloud,
  workflow: Workflow,
  step: Step,
  image: AmiImage,
  base: { id: string; name: string },
): Promise<RecordExtra['fingerprint']> {
  const { stepFingerprint } = await import('../layers/fingerprint.js');
  try {
    const fingerprint = await stepFingerprint(workflow, step, base, cloud.region);
    await cloud.images.tag([image.id, ...image.snapshotIds], { 'paw:fingerprint': fingerprint.fingerprint });
    return fingerprint;
  } catch (e) {
    // A folder that is gone or unreadable leaves nothing to fingerprint; the record still stands.
    if (e instanceof PawError || (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Records an existing AMI as a step's output, as the library's `tag_ami` + `create_dynamodb_item`
 * do: the AMI is checked (exists, available), the table made sure of, the AMI and its snapshots
 * tagged when asked (`tag`), then the item written.
 */
export async function recordAmi(
  cloud: Cloud,
  workflow: Workflow,
  step: Step,
  amiId: string,
  extra: Partial<RecordExtra> & TableConsent & { tag?: boolean },
): Promise<CatalogItem> {
  const image = await describeAmi(cloud, amiId);
  if (image.state !== 'available') {
    throw new PawError(`AMI ${amiId} is ${image.state}, not available`, {
      hint: 'wait until EC2 shows it as available, then record it',
    });
  }
  // The table exists before anything reads it (the previous step's item, for the base AMI).
  await ensureCatalogTable(cloud, extra);
  const base = extra.baseAmiId !== undefined ? { id: extra.baseAmiId, name: extra.baseAmiName ?? '' } : await baseOf(cloud, workflow, step, image);
  const fingerprint = extra.fingerprint ?? (await fingerprintNow(cloud, workflow, step, image, base));
  let described = image;
  if (extra.tag) {
    const { tagAmi } = await import('./tags.js');
    await tagAmi(cloud, workflow, step, image, { sourceAmiId: base.id, sourceAmiName: base.name });
  }
  // The library describes the image after tagging it: its item's details hold the new tags.
  if (extra.tag || fingerprint) described = await describeAmi(cloud, amiId);
  const item = catalogItem(workflow, step, described, {
    region: cloud.region,
    baseAmiId: base.id,
    baseAmiName: base.name,
    buildMethod: extra.buildMethod ?? 'packer',
    packerVersion: extra.packerVersion,
    durationS: extra.durationS,
    fingerprint,
    carriedFrom: extra.carriedFrom,
  });
  await cloud.catalog.put(item);
  return item;
}
