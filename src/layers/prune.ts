import { inUse, planDeletion, type DeletionPlan } from '../aws/delete.js';
import { parametersHolding, publishedTo } from '../aws/published.js';
import type { CatalogItem, Cloud } from '../aws/ports.js';
import { UsageError } from '../errors.js';
import type { Workflow } from '../workflow/types.js';
import { publishParameterOf } from './step-settings.js';
import { parseCreateAt } from '../aws/create-at.js';

/**
 * `amis prune`: the old versions of each step of the chain, across workflow versions (the
 * catalog's step_id_index), to delete or to deprecate. Kept whatever the options say: the
 * newest AMI of a step, the AMI this workflow records for it, any AMI a published parameter
 * points at, and any AMI in use (instances, launch templates, parameters).
 */

export interface PruneOptions {
  /** Distinct AMIs kept per step, newest first (at least 1). */
  keep: number;
  /** Only versions older than this many days go. */
  olderThanDays?: number;
  now?: Date;
}

export type KeepReason = 'newest' | 'within_keep' | 'recent' | 'this_workflow' | 'published' | 'in_use' | 'ami_gone';

export interface PruneVersion {
  ami_id: string;
  ami_name: string;
  /** Every workflow version that records this AMI for the step (bump carries AMIs over). */
  workflow_ids: string[];
  create_at: string;
  age_days: number;
  action: 'keep' | 'prune';
  /** Why it is kept; with `detail` (the parameter, the instance...). */
  reason?: KeepReason;
  detail?: string;
}

export interface PrunePlan {
  steps: { step: string; versions: PruneVersion[] }[];
  /** The AMIs to prune, in step order. */
  amiIds: string[];
  /** How the AMIs to prune would be deleted (their snapshots, catalog items...); null when none. */
  deletion: DeletionPlan | null;
}

/** `30d`, `12w` or a number of days. */
export function parseAge(text: string): number {
  const m = /^(\d+)([dw]?)$/.exec(text.trim());
  if (!m) throw new UsageError(`--older-than must be a number of days like 30d (or weeks, 4w), not "${text}"`);
  return Number(m[1]) * (m[2] === 'w' ? 7 : 1);
}

const DAY_MS = 86_400_000;

/** A step's versions, one per AMI, newest first (an AMI carried over to several workflows counts once). */
function distinctVersions(items: CatalogItem[], now: number): Omit<PruneVersion, 'action'>[] {
  const byAmi = new Map<string, Omit<PruneVersion, 'action'>>();
  const sorted = [...items].sort((a, b) => parseCreateAt(b.create_at) - parseCreateAt(a.create_at));
  for (const item of sorted) {
    const seen = byAmi.get(item.ami_id);
    if (seen) {
      seen.workflow_ids.push(item.workflow_id);
      continue;
    }
    const age = Math.floor((now - parseCreateAt(item.create_at)) / DAY_MS);
    byAmi.set(item.ami_id, { ami_id: item.ami_id, ami_name: item.ami_name, workflow_ids: [item.workflow_id], create_at: item.create_at, age_days: age });
  }
  return [...byAmi.values()];
}

/** The AMI ids the steps' parameters, and those `publish` wrote to, hold now: AMI id → parameter names. */
async function publishedAmis(cloud: Cloud, workflow: Workflow, items: CatalogItem[]): Promise<Map<string, string[]>> {
  return parametersHolding(cloud, [...workflow.steps.flatMap((s) => publishParameterOf(s) ?? []), ...items.flatMap(publishedTo)]);
}

/** Reads only: what pruning would remove and why the rest stays. */
export async function planPrune(cloud: Cloud, workflow: Workflow, options: PruneOptions): Promise<PrunePlan> {
  if (!Number.isInteger(options.keep) || options.keep < 1)
    throw new UsageError(`--keep must be 1 or more (the newest AMI of a step is always kept), not ${options.keep}`);
  const now = (options.now ?? new Date()).getTime();
  if (!(await cloud.catalog.tableExists())) return { steps: [], amiIds: [], deletion: null };
  const versionsOf = new Map<string, CatalogItem[]>();
  for (const step of workflow.steps) versionsOf.set(step.id, await cloud.catalog.listStepVersions(step.id));
  const published = await publishedAmis(cloud, workflow, [...versionsOf.values()].flat());
  const steps: PrunePlan['steps'] = [];
  for (const step of workflow.steps) {
    const items = versionsOf.get(step.id)!;
    const versions: PruneVersion[] = distinctVersions(items, now).map((v, i) => {
      const keep = (reason: KeepReason, detail?: string): PruneVersion => ({ ...v, action: 'keep', reason, ...(detail ? { detail } : {}) });
      if (i === 0) return keep('newest');
      if (v.workflow_ids.includes(workflow.param.workflow_id)) return keep('this_workflow', workflow.param.workflow_id);
      const parameters = published.get(v.ami_id);
      if (parameters) return keep('published', parameters.join(', '));
      if (i < options.keep) return keep('within_keep');
      if (options.olderThanDays !== undefined && v.age_days < options.olderThanDays) return keep('recent');
      return { ...v, action: 'prune' };
    });
    steps.push({ step: step.id, versions });
  }
  const candidates = steps.flatMap((s) => s.versions.filter((v) => v.action === 'prune'));
  if (candidates.length === 0) return { steps, amiIds: [], deletion: null };

  // A record whose AMI EC2 no longer has is left alone: there is nothing to prune.
  const existing = new Set((await cloud.images.describe(candidates.map((c) => c.ami_id))).map((i) => i.id));
  for (const c of candidates) if (!existing.has(c.ami_id)) Object.assign(c, { action: 'keep', reason: 'ami_gone' });
  const checked = await planDeletion(
    cloud,
    workflow,
    candidates.filter((c) => c.action === 'prune').map((c) => c.ami_id),
  );
  for (const d of checked.amis.filter(inUse)) {
    const users = [...d.instances.map((i) => `instance ${i}`), ...(d.references ?? []).map((r) => `${r.resourceType} ${r.arn}`)];
    for (const c of candidates.filter((v) => v.ami_id === d.image.id)) Object.assign(c, { action: 'keep', reason: 'in_use', detail: users.join(', ') });
  }
  const amiIds = candidates.filter((c) => c.action === 'prune').map((c) => c.ami_id);
  if (amiIds.length === 0) return { steps, amiIds, deletion: null };
  const deletion = amiIds.length === checked.amis.length ? checked : await planDeletion(cloud, workflow, amiIds);
  // Every workflow version that recorded a pruned AMI loses that record, not only the one tagged on it.
  for (const d of deletion.amis) {
    const step = steps.find((s) => s.versions.some((v) => v.ami_id === d.image.id && v.action === 'prune'))!;
    const version = step.versions.find((v) => v.ami_id === d.image.id)!;
    for (const w of version.workflow_ids) {
      if (!d.catalogItems.some((c) => c.workflowId === w && c.stepId === step.step)) d.catalogItems.push({ workflowId: w, stepId: step.step });
    }
  }
  return { steps, amiIds, deletion };
}

/** EC2 takes deprecation times to the minute and refuses the past: the next whole minute. */
export function deprecationTime(now = new Date()): Date {
  return new Date(Math.ceil((now.getTime() + 1) / 60_000) * 60_000);
}

/** Deprecates the plan's AMIs (their snapshots and records stay); returns the ids done. */
export async function deprecatePruned(cloud: Cloud, plan: PrunePlan, onEach: (amiId: string) => void = () => {}): Promise<string[]> {
  const at = deprecationTime();
  const done: string[] = [];
  for (const id of plan.amiIds) {
    await cloud.images.deprecate(id, at);
    done.push(id);
    onEach(id);
  }
  return done;
}

const REASON_WORDS: Record<KeepReason, string> = {
  newest: 'the newest',
  within_keep: 'within --keep',
  recent: 'not older than --older-than',
  this_workflow: 'recorded by this workflow',
  published: 'published in',
  in_use: 'in use by',
  ami_gone: 'AMI gone (its record is left)',
};

/** The plan as the user reads it, step by step. */
export function pruneText(plan: PrunePlan, verb: 'delete' | 'deprecate'): string {
  const lines: string[] = [];
  for (const s of plan.steps) {
    lines.push(`${s.step}: ${s.versions.length} version${s.versions.length === 1 ? '' : 's'}`);
    for (const v of s.versions) {
      const why =
        v.action === 'prune' ? `${v.age_days} days old` : `${REASON_WORDS[v.reason!]}${v.detail && v.reason !== 'this_workflow' ? ` ${v.detail}` : ''}`;
      lines.push(`  ${(v.action === 'prune' ? verb : 'keep').padEnd(9)} ${v.ami_id}  ${v.workflow_ids.join(', ')}  ${why}`);
    }
  }
  if (plan.steps.length === 0) lines.push('no catalog table: nothing recorded, nothing to prune');
  return lines.join('\n');
}
