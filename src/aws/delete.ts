import { errorLine, PawError } from '../errors.js';
import { rawImageOfDetails } from './details.js';
import type { Workflow } from '../workflow/types.js';
import { readDeletion, writeDeletion, type DeletionEntry } from './deletion-journal.js';
import { isNotFound } from './errors.js';
import { IMAGES_PER_CALL, type AmiImage, type CatalogItem, type Cloud, type ImageReference, type Images } from './ports.js';
import { bounded, mapBounded, mapBoundedOrThrow } from './pool.js';
import { copiesOf } from './copies.js';
import { parametersHolding, publishedTo, settingsParameters, withParameters } from './published.js';

/** What deleting one AMI takes with it, and what stops it (SPEC §4). */
export interface AmiDeletion {
  image: AmiImage;
  /**
   * EC2 no longer has the AMI but the catalog still records it: an earlier deletion stopped
   * after deregistering. Finishing it deletes the snapshots (known from the record's `details`)
   * and the record.
   */
  alreadyDeregistered: boolean;
  /** Snapshots that go with it (no other AMI of the account uses them). */
  snapshots: string[];
  /** Snapshots left in place because other AMIs use them: snapshot id → those AMIs. */
  keptSnapshots: { id: string; usedBy: string[] }[];
  /** Catalog items that record this AMI. */
  catalogItems: { workflowId: string; stepId: string }[];
  /** Steps of this workflow built on it, which would need a rebuild. */
  downstreamSteps: string[];
  /** Instances launched from it that are not terminated. */
  instances: string[];
  /** Launch templates, SSM parameters... using it; null when the API could not tell. */
  references: ImageReference[] | null;
  /** Its copies in other regions (the catalog item's `copies`), deleted with it, snapshots and all. */
  copies: CopyDeletion[];
}

export interface CopyDeletion {
  region: string;
  image: AmiImage;
  instances: string[];
  references: ImageReference[] | null;
}

export interface DeletionPlan {
  /** The workflow folder whose `.paw/deletions/` journals each deletion. */
  workflowDir: string;
  amis: AmiDeletion[];
  /** Ids deleted completely by an earlier run (journaled): nothing left to do for them. */
  alreadyDeleted: string[];
  /** Snapshots shared only among AMIs of this plan: deleted once all of them are deregistered. */
  sharedSnapshots: { id: string; usedBy: string[] }[];
}

/**
 * AMIs checked and deregistered at once (and as many cleaned up after). Throttling is the SDK's
 * to handle: its adaptive strategy backs off and slows the client when EC2 says so.
 */
export const DEFAULT_CONCURRENCY = 16;

/** Whether anything still uses the AMI (an instance, a launch template, a parameter). */
export function inUse(d: Pick<AmiDeletion, 'instances' | 'references'> & { copies?: CopyDeletion[] }): boolean {
  return d.instances.length > 0 || (d.references?.length ?? 0) > 0 || (d.copies ?? []).some(inUse);
}

function usedByLine(instances: string[], references: ImageReference[] | null): string {
  const users = [...instances.map((i) => `instance ${i}`), ...(references ?? []).map((r) => `${r.resourceType} ${r.arn}`)];
  return users.length > 3 ? `${users.slice(0, 3).join(', ')} and ${users.length - 3} more` : users.join(', ');
}

/**
 * Works out what deleting these AMIs means, reading only. Unknown ids fail the plan up front,
 * so a deletion never starts on a list that is partly wrong.
 */
export async function planDeletion(cloud: Cloud, workflow: Workflow, amiIds: string[], options: { concurrency?: number } = {}): Promise<DeletionPlan> {
  const ids = [...new Set(amiIds)];
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // Throttling is retried by the SDK adapter; what reaches here is final.
  const found = await cloud.images.describe(ids);
  // A workflow whose table does not exist yet simply has no records.
  const hasTable = await cloud.catalog.tableExists();
  const workflowItems = hasTable ? await cloud.catalog.listWorkflow(workflow.param.workflow_id) : [];
  const byId = new Map(found.map((i) => [i.id, i]));
  const gone = new Set<string>();
  const journaled = new Map<string, DeletionEntry>();
  const alreadyDeleted: string[] = [];
  for (const id of ids) {
    if (byId.has(id)) continue;
    const entry = await readDeletion(workflow.dir, id);
    const record = workflowItems.find((i) => i.ami_id === id);
    if (entry?.status === 'done' && !record) {
      alreadyDeleted.push(id);
      continue;
    }
    const image = record ? imageFromRecord(record) : entry ? imageFromEntry(entry) : null;
    if (!image) continue;
    if (entry) journaled.set(id, entry);
    // The record may not know the snapshots (no details); the journal always does.
    if (record && entry && image.snapshotIds.length === 0) image.snapshotIds = entry.snapshot_ids;
    byId.set(id, image);
    gone.add(id);
  }
  const missing = ids.filter((id) => !byId.has(id) && !alreadyDeleted.includes(id));
  if (missing.length > 0) {
    throw new PawError(`AMI ${missing.join(', ')} does not exist in ${cloud.region}`, {
      hint: 'check the ids (paw-tui amis list); nothing was deleted',
    });
  }
  // EC2 would refuse to deregister another account's AMI (a public Ubuntu one, say) halfway through.
  const { account } = await cloud.identity.whoAmI();
  const foreign = found.find((i) => ids.includes(i.id) && i.ownerId && i.ownerId !== account);
  if (foreign) {
    throw new PawError(`AMI ${foreign.id} is owned by account ${foreign.ownerId}, not this account (${account})`, {
      hint: 'only AMIs of this account can be deleted; nothing was deleted',
    });
  }
  // The AMIs to delete, by id, in the order asked.
  const deleting = new Map<string, AmiImage>();
  for (const id of ids) {
    const image = byId.get(id);
    if (image) deleting.set(id, image);
  }

  // Which images use each snapshot, asked once for all of them (a filter takes 200 values).
  const allSnapshots = [...new Set([...deleting.values()].flatMap((image) => image.snapshotIds))];
  const snapshotUsers = new Map<string, string[]>();
  for (let i = 0; i < allSnapshots.length; i += 200) {
    const chunk = allSnapshots.slice(i, i + 200);
    for (const [snapshot, users] of await cloud.images.snapshotUsers(chunk, '')) snapshotUsers.set(snapshot, users);
  }

  // The parameters paw-tui publishes to, asked once for the plan (more below for what items name).
  const settingsNames = settingsParameters(workflow);
  const holding = await parametersHolding(cloud, settingsNames);
  // What uses each AMI, asked for all of them at once (a call per IMAGES_PER_CALL AMIs).
  const usage = await usageOf(
    cloud.images,
    [...deleting.keys()].filter((id) => !gone.has(id)),
    concurrency,
  );
  // The records the AMIs' paw tags name (in other workflows too), asked for all at once.
  const tagged = hasTable ? await taggedRecords(cloud, [...deleting.values()], workflowItems) : new Map<string, CatalogItem>();

  const amis = await mapBoundedOrThrow([...deleting], concurrency, async ([id, image]) => {
    const alreadyDeregistered = gone.has(id);
    const used = usage.get(id);
    if (used && 'error' in used) throw used.error;
    const instances = used?.instances ?? [];
    const described = used ? used.references : [];
    const items = hasTable ? recordsOf(image, workflowItems, tagged) : [];
    const itemNames = items.flatMap(publishedTo).filter((n) => !settingsNames.includes(n));
    const holdingHere = itemNames.length && !alreadyDeregistered ? await parametersHolding(cloud, itemNames) : new Map<string, string[]>();
    const parameters = alreadyDeregistered ? [] : [...(holding.get(id) ?? []), ...(holdingHere.get(id) ?? [])];
    const references = withParameters(described, parameters, cloud.region, account);
    const journaledItems = (journaled.get(id)?.catalog_items ?? []).filter(
      (j) => hasTable && !items.some((i) => i.workflow_id === j.workflow_id && i.step_id === j.step_id),
    );
    const snapshots: string[] = [];
    const keptSnapshots: { id: string; usedBy: string[] }[] = [];
    for (const s of image.snapshotIds) {
      const users = (snapshotUsers.get(s) ?? []).filter((u) => u !== id);
      if (users.length === 0) snapshots.push(s);
      else if (users.some((u) => !deleting.has(u))) keptSnapshots.push({ id: s, usedBy: users });
    }
    const copies = await mapBoundedOrThrow(
      items.flatMap((item) => copiesOf(item)),
      concurrency,
      async (c): Promise<CopyDeletion[]> => {
        const there = cloud.imagesIn(c.region);
        const [copy] = await there.describe([c.ami_id]);
        if (!copy) return [];
        const [copyInstances, copyReferences] = await Promise.all([there.instancesUsing(copy.id), there.references(copy.id)]);
        return [{ region: c.region, image: copy, instances: copyInstances, references: copyReferences }];
      },
    );
    return {
      image,
      copies: copies.flat(),
      alreadyDeregistered,
      snapshots,
      keptSnapshots,
      catalogItems: [...items, ...journaledItems].map((i) => ({ workflowId: i.workflow_id, stepId: i.step_id })),
      downstreamSteps: downstreamOf(workflow, workflowItems, id),
      instances,
      references,
    } satisfies AmiDeletion;
  });

  const shared = new Map<string, string[]>();
  for (const d of amis) {
    for (const s of d.image.snapshotIds) {
      if (d.snapshots.includes(s) || d.keptSnapshots.some((k) => k.id === s)) continue;
      shared.set(s, [...(shared.get(s) ?? []), d.image.id]);
    }
  }
  return { workflowDir: workflow.dir, amis, alreadyDeleted, sharedSnapshots: [...shared].map(([id, usedBy]) => ({ id, usedBy })) };
}

/** The AMI as the deletion journal remembers it (EC2 and the catalog have both forgotten it). */
function imageFromEntry(entry: DeletionEntry): AmiImage {
  return { id: entry.ami_id, name: entry.ami_name, state: 'deregistered', creationDate: '', ownerId: '', snapshotIds: entry.snapshot_ids, tags: {}, raw: {} };
}

/** The AMI as its catalog record remembers it (`details` is the EC2 image as it was). */
function imageFromRecord(record: CatalogItem): AmiImage {
  // A record without readable details still lets its item be deleted.
  const raw = rawImageOfDetails(record.details);
  const mappings = Array.isArray(raw.BlockDeviceMappings) ? (raw.BlockDeviceMappings as { Ebs?: { SnapshotId?: unknown } }[]) : [];
  return {
    id: record.ami_id,
    name: record.ami_name,
    state: 'deregistered',
    creationDate: typeof raw.CreationDate === 'string' ? raw.CreationDate : '',
    ownerId: typeof raw.OwnerId === 'string' ? raw.OwnerId : '',
    snapshotIds: mappings.flatMap((m) => (typeof m.Ebs?.SnapshotId === 'string' ? [m.Ebs.SnapshotId] : [])),
    tags: {},
    raw,
  };
}

/** Runs a deletion step; what is already gone counts as done, so a second run can finish the first. */
async function gone(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

const recordKey = (workflowId: string, stepId: string) => `${workflowId}\u0000${stepId}`;

/** The item each image's paw tags name, when this workflow's items do not hold it already: key → item. */
async function taggedRecords(cloud: Cloud, images: AmiImage[], workflowItems: CatalogItem[]): Promise<Map<string, CatalogItem>> {
  const have = new Set(workflowItems.map((i) => recordKey(i.workflow_id, i.step_id)));
  const keys = new Map<string, { workflowId: string; stepId: string }>();
  for (const image of images) {
    const w = image.tags['paw:workflow_id'];
    const s = image.tags['paw:step_id'];
    if (w && s && !have.has(recordKey(w, s))) keys.set(recordKey(w, s), { workflowId: w, stepId: s });
  }
  const found = keys.size ? await cloud.catalog.getMany([...keys.values()]) : [];
  return new Map(found.map((i) => [recordKey(i.workflow_id, i.step_id), i]));
}

/** Catalog items recording this AMI: by its paw tags (any workflow) and in this workflow. */
function recordsOf(image: AmiImage, workflowItems: CatalogItem[], tagged: Map<string, CatalogItem>): CatalogItem[] {
  const found = workflowItems.filter((i) => i.ami_id === image.id);
  const w = image.tags['paw:workflow_id'];
  const s = image.tags['paw:step_id'];
  if (w && s && !found.some((i) => i.workflow_id === w && i.step_id === s)) {
    const item = tagged.get(recordKey(w, s));
    if (item?.ami_id === image.id) found.push(item);
  }
  return found;
}

/** Steps of the workflow built, directly or through others, on the AMI. */
function downstreamOf(workflow: Workflow, items: CatalogItem[], amiId: string): string[] {
  const recorded = items.find((i) => i.ami_id === amiId);
  const direct = new Set(items.filter((i) => i.base_ami_id === amiId).map((i) => i.step_id));
  if (recorded) {
    const at = workflow.steps.findIndex((s) => s.id === recorded.step_id);
    if (at >= 0) for (const s of workflow.steps.slice(at + 1)) direct.add(s.id);
  }
  return workflow.steps.map((s) => s.id).filter((id) => direct.has(id));
}

/** Refuses the whole plan when any AMI is in use: nothing is deleted. */
export function assertDeletable(plan: DeletionPlan): void {
  const busy = plan.amis.filter(inUse);
  const [first] = busy;
  if (!first) return;
  const more = busy.length > 1 ? ` (and ${busy.length - 1} more AMIs in use)` : '';
  const copy = first.copies.find(inUse);
  const what =
    copy && !inUse({ instances: first.instances, references: first.references })
      ? `AMI ${first.image.id}'s copy ${copy.image.id} in ${copy.region}`
      : `AMI ${first.image.id}`;
  const users = copy && what !== `AMI ${first.image.id}` ? usedByLine(copy.instances, copy.references) : usedByLine(first.instances, first.references);
  throw new PawError(`${what} is in use by ${users}${more}`, {
    hint: 'terminate those instances or change what refers to it first; nothing was deleted',
  });
}

interface Usage {
  instances: string[];
  references: ImageReference[] | null;
}

/**
 * What uses each image: instances and references, IMAGES_PER_CALL images a call. When EC2 does
 * not know one image of a call, the call fails for all of them: each is then asked alone, so
 * only that one gets the error.
 */
async function usageOf(images: Images, ids: string[], concurrency: number): Promise<Map<string, Usage | { error: unknown }>> {
  const out = new Map<string, Usage | { error: unknown }>();
  const ask = async (part: string[]) => {
    const [instances, references] = await Promise.all([images.instancesUsingEach(part), images.referencesEach(part)]);
    for (const id of part) out.set(id, { instances: instances.get(id) ?? [], references: references && (references.get(id) ?? []) });
  };
  const parts: string[][] = [];
  for (let i = 0; i < ids.length; i += IMAGES_PER_CALL) parts.push(ids.slice(i, i + IMAGES_PER_CALL));
  await mapBounded(parts, concurrency, async (part) => {
    try {
      await ask(part);
    } catch (e) {
      if (part.length > 1 && isNotFound(e)) {
        await mapBounded(part, concurrency, (id) => ask([id]).catch((error: unknown) => void out.set(id, { error })));
      } else for (const id of part) out.set(id, { error: e });
    }
  });
  return out;
}

/**
 * Asks whether an AMI is still unused, right before it is deregistered. The AMIs asked about
 * while a call is on its way are asked together in the next one, so each answer still comes
 * from a call made after its AMI was asked about.
 */
function stillUnusedChecker(images: Images, concurrency: number): (amiId: string) => Promise<void> {
  let waiting: { amiId: string; settle: (usage: Usage | { error: unknown }) => void }[] = [];
  let running = false;
  const run = async () => {
    while (waiting.length) {
      const asked = waiting;
      waiting = [];
      const usage = await usageOf(images, [...new Set(asked.map((w) => w.amiId))], concurrency);
      for (const w of asked) w.settle(usage.get(w.amiId) ?? { error: new PawError(`EC2 gave no answer about ${w.amiId}`) });
    }
    running = false;
  };
  return async (amiId) => {
    const usage = await new Promise<Usage | { error: unknown }>((settle) => {
      waiting.push({ amiId, settle });
      if (running) return;
      running = true;
      // Those that ask in the same turn go in the same call.
      queueMicrotask(() => void run());
    });
    if ('error' in usage) throw usage.error;
    assertUnused(amiId, usage);
  };
}

/** The check of the plan, asked again of EC2 for one AMI (a copy) just before it is deregistered. */
async function assertStillUnused(images: Images, amiId: string): Promise<void> {
  const [instances, references] = await Promise.all([images.instancesUsing(amiId), images.references(amiId)]);
  assertUnused(amiId, { instances, references });
}

function assertUnused(amiId: string, { instances, references }: Usage): void {
  if (instances.length === 0 && !references?.length) return;
  throw new PawError(`AMI ${amiId} came into use after the plan (${usedByLine(instances, references)}): not deregistered`, {
    hint: 'terminate those instances or change what refers to it, then run the same command again',
  });
}

export type DeletionEvent =
  | { kind: 'deregistered'; amiId: string }
  | { kind: 'copy-deleted'; amiId: string; region: string; copyId: string }
  | { kind: 'snapshot-deleted'; amiId: string; snapshotId: string }
  | { kind: 'record-deleted'; amiId: string; workflowId: string; stepId: string }
  | { kind: 'done'; amiId: string; finished: number; total: number }
  | { kind: 'failed'; amiId: string; message: string; finished: number; total: number };

export interface DeletionResult {
  deleted: string[];
  failed: { amiId: string; message: string }[];
}

/**
 * Deletes what the plan lists: per AMI deregister, then its snapshots, then its catalog items.
 * At most `concurrency` AMIs are being checked and deregistered at once, and as many being
 * cleaned up (snapshots, records) after their deregistration, so the clean-up of one AMI does
 * not hold up the deregistration of the next; each call backs off when throttled. One AMI
 * failing leaves the others going; its own later parts are not touched.
 */
export async function executeDeletion(
  cloud: Cloud,
  plan: DeletionPlan,
  options: { concurrency?: number; onProgress?: (event: DeletionEvent) => void } = {},
): Promise<DeletionResult> {
  assertDeletable(plan);
  const emit = options.onProgress ?? (() => {});
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const total = plan.amis.length;
  let finished = 0;
  const deregistered = new Set<string>();
  const failed: DeletionResult['failed'] = [];
  const assertStillUnusedHere = stillUnusedChecker(cloud.images, concurrency);
  const cleaning = bounded(concurrency);
  const cleanups: Promise<void>[] = [];

  const fail = (amiId: string, e: unknown) => {
    const message = errorLine(e);
    failed.push({ amiId, message });
    emit({ kind: 'failed', amiId, message, finished: ++finished, total });
  };

  const cleanUp = async (d: AmiDeletion, entry: DeletionEntry) => {
    const amiId = d.image.id;
    for (const snapshotId of d.snapshots) {
      await gone(() => cloud.images.deleteSnapshot(snapshotId));
      emit({ kind: 'snapshot-deleted', amiId, snapshotId });
    }
    for (const item of d.catalogItems) {
      await cloud.catalog.delete(item.workflowId, item.stepId);
      emit({ kind: 'record-deleted', amiId, ...item });
    }
    await writeDeletion(plan.workflowDir, { ...entry, status: 'done', finished_at: new Date().toISOString() });
    emit({ kind: 'done', amiId, finished: ++finished, total });
  };

  await mapBounded(plan.amis, concurrency, async (d) => {
    const amiId = d.image.id;
    const entry: DeletionEntry = {
      ami_id: amiId,
      ami_name: d.image.name,
      snapshot_ids: d.image.snapshotIds,
      catalog_items: d.catalogItems.map((c) => ({ workflow_id: c.workflowId, step_id: c.stepId })),
      status: 'deleting',
      started_at: new Date().toISOString(),
    };
    try {
      if (!d.alreadyDeregistered) {
        // The plan was read before the confirmation: something may have started using the AMI
        // since (an instance launched from it, a launch template). Asked again, right before.
        await assertStillUnusedHere(amiId);
        for (const copy of d.copies) await assertStillUnused(cloud.imagesIn(copy.region), copy.image.id);
        await writeDeletion(plan.workflowDir, entry);
        for (const copy of d.copies) {
          const there = cloud.imagesIn(copy.region);
          await gone(() => there.deregister(copy.image.id));
          for (const snapshotId of copy.image.snapshotIds) await gone(() => there.deleteSnapshot(snapshotId));
          emit({ kind: 'copy-deleted', amiId, region: copy.region, copyId: copy.image.id });
        }
        await gone(() => cloud.images.deregister(amiId));
      }
    } catch (e) {
      fail(amiId, e);
      return;
    }
    deregistered.add(amiId);
    emit({ kind: 'deregistered', amiId });
    cleanups.push(cleaning(() => cleanUp(d, entry)).catch((e: unknown) => fail(amiId, e)));
  });
  await Promise.all(cleanups);

  for (const s of plan.sharedSnapshots) {
    if (!s.usedBy.every((id) => deregistered.has(id))) continue;
    try {
      await gone(() => cloud.images.deleteSnapshot(s.id));
      emit({ kind: 'snapshot-deleted', amiId: s.usedBy[0]!, snapshotId: s.id });
    } catch (e) {
      failed.push({ amiId: s.usedBy.join(','), message: errorLine(e) });
    }
  }
  const failedIds = new Set(failed.map((f) => f.amiId));
  return { deleted: plan.amis.map((d) => d.image.id).filter((id) => !failedIds.has(id)), failed };
}
