import type { Workflow } from '../workflow/types.js';
import { createAtIso } from './create-at.js';
import type { AmiImage, CatalogItem, Cloud } from './ports.js';

/** One AMI as the browser and `amis list` show it: the catalog's record joined with EC2. */
export interface AmiRow {
  workflowId: string;
  stepId: string;
  amiId: string;
  amiName: string;
  /** The record's `create_at`, else EC2's creation date. */
  createdAt: string;
  /** EC2's state, or `missing` when the record points at an AMI EC2 no longer has. */
  state: string;
  /** False for an AMI tagged by paw-tui that the catalog does not hold. */
  recorded: boolean;
  buildMethod: string | null;
  baseAmiId: string | null;
}

export interface AmiFilter {
  workflowId?: string;
  stepId?: string;
  /** Every workflow in the table. */
  all?: boolean;
}

/**
 * The catalog's items for the filter, with their EC2 state, plus this account's AMIs tagged for
 * the same workflow/step that no record holds. Newest first.
 */
export async function listAmiRows(cloud: Cloud, filter: AmiFilter): Promise<AmiRow[]> {
  const hasTable = await cloud.catalog.tableExists();
  let items: CatalogItem[] = [];
  if (hasTable) {
    if (filter.all) items = await cloud.catalog.listAll();
    else if (filter.workflowId && filter.stepId) {
      const one = await cloud.catalog.get(filter.workflowId, filter.stepId);
      items = one ? [one] : [];
    } else if (filter.workflowId) items = await cloud.catalog.listWorkflow(filter.workflowId);
    else if (filter.stepId) items = await cloud.catalog.listStepVersions(filter.stepId);
  }
  const tagged = await cloud.images.listOwned(filter.all ? undefined : { workflowId: filter.workflowId, stepId: filter.stepId });
  const known = new Map(tagged.map((i) => [i.id, i]));
  const unknownIds = items.map((i) => i.ami_id).filter((id) => !known.has(id));
  for (const i of await cloud.images.describe(unknownIds)) known.set(i.id, i);

  const rows: AmiRow[] = items.map((item) => {
    const image = known.get(item.ami_id);
    return {
      workflowId: item.workflow_id,
      stepId: item.step_id,
      amiId: item.ami_id,
      amiName: item.ami_name,
      createdAt: item.create_at || image?.creationDate || '',
      state: image?.state ?? 'missing',
      recorded: true,
      buildMethod: item.build_method ?? null,
      baseAmiId: item.base_ami_id || null,
    };
  });
  const recordedIds = new Set(items.map((i) => i.ami_id));
  for (const image of tagged) {
    if (recordedIds.has(image.id)) continue;
    rows.push({
      workflowId: image.tags['paw:workflow_id'] ?? '',
      stepId: image.tags['paw:step_id'] ?? '',
      amiId: image.id,
      amiName: image.name,
      createdAt: image.creationDate,
      state: image.state,
      recorded: false,
      buildMethod: null,
      baseAmiId: image.tags['packer:base_ami_id'] ?? null,
    });
  }
  return rows.sort((a, b) => sortableDate(b.createdAt).localeCompare(sortableDate(a.createdAt)));
}

/** `create_at` (`…+0000`) and EC2's ISO dates compare as the same instant. */
const sortableDate = createAtIso;

export interface AmiDetails {
  image: AmiImage;
  /** Catalog items recording it. */
  records: CatalogItem[];
  /** From the AMI up to the root base AMI, as far as the catalog knows: `[ami, base, base's base…]`. */
  lineage: { amiId: string; amiName: string; stepId: string | null }[];
}

/** One AMI with its records and lineage; null when EC2 does not know it. */
export async function amiDetails(cloud: Cloud, workflow: Workflow, amiId: string): Promise<AmiDetails | null> {
  const [image] = await cloud.images.describe([amiId]);
  if (!image) return null;
  const items = (await cloud.catalog.tableExists()) ? await cloud.catalog.listWorkflow(image.tags['paw:workflow_id'] ?? workflow.param.workflow_id) : [];
  const records = items.filter((i) => i.ami_id === amiId);
  const lineage: AmiDetails['lineage'] = [{ amiId, amiName: image.name, stepId: records[0]?.step_id ?? image.tags['paw:step_id'] ?? null }];
  let baseId: string | undefined = records[0]?.base_ami_id ?? image.tags['packer:base_ami_id'];
  let baseName = records[0]?.base_ami_name ?? image.tags['packer:base_ami_name'] ?? '';
  const seen = new Set([amiId]);
  while (baseId && !seen.has(baseId)) {
    seen.add(baseId);
    const record = items.find((i) => i.ami_id === baseId);
    lineage.push({ amiId: baseId, amiName: record?.ami_name ?? baseName, stepId: record?.step_id ?? null });
    baseId = record?.base_ami_id;
    baseName = record?.base_ami_name ?? '';
  }
  return { image, records, lineage };
}
