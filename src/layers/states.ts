import type { AmiImage, CatalogItem, Cloud } from '../aws/ports.js';
import { errorLine } from '../errors.js';
import type { Step, Workflow } from '../workflow/types.js';
import { inputChanges, parseInputs, stepFingerprint, type StepFingerprint } from './fingerprint.js';
import { newerBase as findNewerBase, type NewerBase } from './newer-base.js';
import { staleDetail, type StaleDetail } from './why.js';
import { reasonText, type StaleReason, type StepState } from './words.js';

export { newerBaseText, newerBaseUnknown, reasonText, STATE_SIGN, type StaleReason, type StepState } from './words.js';

/**
 * Which steps are up to date and why the others are not (SPEC §10). The one place that decides
 * it: `steps`, `build --all`, `workflow bump` and the home screen all ask `stepStates()` (through
 * `chainStates()` when a newer Ubuntu counts).
 */

export interface StepStatus {
  step: string;
  state: StepState;
  stale_reasons: StaleReason[];
  /** The AMI recorded for this step in this workflow version. */
  ami_id: string | null;
  ami_name: string | null;
  /** Days since the recorded AMI was made (EC2's creation date). */
  age_days: number | null;
  fingerprint: string | null;
  recorded_fingerprint: string | null;
  carried_from: string | null;
  /** What changed since the build, file by file and param by param; null when nothing is known to. */
  stale_detail: StaleDetail | null;
}

export interface StepStatesInput {
  cloud: Cloud;
  workflow: Workflow;
  now?: Date;
  /**
   * A newer Ubuntu than the root base AMI (src/layers/newer-base.ts): every built step is then
   * stale for it. Without it, a step is judged by its inputs alone (what `workflow bump` carries).
   */
  newerBase?: NewerBase | null;
}

const DAY = 86_400_000;

function ageDays(image: AmiImage | undefined, now: Date): number | null {
  const t = image ? Date.parse(image.creationDate) : NaN;
  return Number.isNaN(t) ? null : Math.max(0, Math.floor((now.getTime() - t) / DAY));
}

/** What a change of inputs means for the user. */
function reasonsOf(step: Step, item: CatalogItem, now: StepFingerprint): StaleReason[] {
  const was = parseInputs(item.fingerprint_inputs);
  if (!item.fingerprint) return [{ kind: 'no_fingerprint' }];
  if (item.fingerprint === now.fingerprint) return [];
  if (!was) return [{ kind: 'no_fingerprint' }];
  const reasons: StaleReason[] = [];
  for (const c of inputChanges(was, now.inputs)) {
    if (c.kind === 'source') {
      reasons.push(step.previousId === null ? { kind: 'base_changed', was: c.was, now: c.now } : { kind: 'upstream', step: step.previousId });
    } else reasons.push(c);
  }
  return reasons;
}

async function activity(step: Step, workflowId: string): Promise<StepState | null> {
  const { liveRun } = await import('../packer/runs.js');
  if (await liveRun(step)) return 'building';
  if (!step.manual) return null;
  const { readJournal } = await import('../manual/journal.js');
  const journal = await readJournal(step).catch(() => null);
  if (journal && journal.workflowId === workflowId && journal.state !== 'done' && journal.instanceId) return 'manual_in_progress';
  return null;
}

/** Every step's state, first step first. Reads the catalog once and EC2 once. */
export async function stepStates(input: StepStatesInput): Promise<StepStatus[]> {
  const { cloud, workflow } = input;
  const now = input.now ?? new Date();
  const p = workflow.param;
  const items = new Map((await cloud.catalog.listWorkflow(p.workflow_id)).map((i) => [i.step_id, i]));
  const ids = [p.root_base_ami_id, ...[...items.values()].map((i) => i.ami_id)].filter(Boolean);
  const images = new Map((await cloud.images.describe([...new Set(ids)])).map((i) => [i.id, i]));
  const available = (id: string) => images.get(id)?.state === 'available';

  const out: StepStatus[] = [];
  for (const step of workflow.steps) {
    const item = items.get(step.id) ?? null;
    const image = item ? images.get(item.ami_id) : undefined;
    const previous = step.previousId === null ? null : (out.find((s) => s.step === step.previousId) ?? null);
    const previousItem = step.previousId === null ? null : (items.get(step.previousId) ?? null);
    const source =
      step.previousId === null
        ? { id: p.root_base_ami_id, name: p.root_base_ami_name }
        : previousItem
          ? { id: previousItem.ami_id, name: previousItem.ami_name }
          : null;
    const status: StepStatus = {
      step: step.id,
      state: 'up_to_date',
      stale_reasons: [],
      ami_id: item?.ami_id ?? null,
      ami_name: item?.ami_name ?? null,
      age_days: ageDays(image, now),
      fingerprint: null,
      recorded_fingerprint: item?.fingerprint ?? null,
      carried_from: item?.carried_from ?? null,
      stale_detail: null,
    };
    out.push(status);
    const reasons = status.stale_reasons;
    if (previous && previous.state !== 'up_to_date') reasons.push({ kind: 'upstream', step: previous.step });
    if (source && !available(source.id)) reasons.push({ kind: 'source_ami_gone', ami: source.id });
    if (source) {
      try {
        const current = await stepFingerprint(workflow, step, source, cloud.region);
        status.fingerprint = current.fingerprint;
        if (item && image?.state === 'available') {
          const was = parseInputs(item.fingerprint_inputs);
          if (was && item.fingerprint !== current.fingerprint) status.stale_detail = staleDetail(was, current);
          for (const r of reasonsOf(step, item, current)) {
            if (!reasons.some((x) => JSON.stringify(x) === JSON.stringify(r))) reasons.push(r);
          }
        }
      } catch (e) {
        reasons.push({ kind: 'render_failed', error: errorLine(e) });
      }
    }
    if (item && image?.state !== 'available') reasons.unshift({ kind: 'ami_gone', ami: item.ami_id, state: image?.state ?? 'gone' });
    const busy = await activity(step, p.workflow_id);
    status.state = busy ?? (!item ? 'not_built' : reasons.length ? 'stale' : 'up_to_date');
  }
  return input.newerBase ? onNewerBase(out, input.newerBase) : out;
}

/**
 * A newer Ubuntu makes every built step stale: a move to it rebuilds them all. Applied after the
 * chain was judged on its inputs, so an `upstream` reason still means the step before it changed
 * (a step stale for the newer Ubuntu alone is one `build --all` keeps until the root moves:
 * src/layers/chain.ts).
 */
function onNewerBase(states: StepStatus[], newer: NewerBase): StepStatus[] {
  return states.map((s) =>
    s.state === 'up_to_date' || s.state === 'stale' ? { ...s, state: 'stale', stale_reasons: [{ kind: 'newer_base', ...newer }, ...s.stale_reasons] } : s,
  );
}

/**
 * The chain as every face shows it (`steps`, `doctor`'s words, home, the step view, `build
 * --all`): the newer Ubuntu looked for and each step judged with it. A look that failed judges
 * the steps without it and says why in `newerBaseError`, for the faces to show.
 */
export async function chainStates(
  cloud: Cloud,
  workflow: Workflow,
  now?: Date,
): Promise<{ states: StepStatus[]; newerBase: NewerBase | null; newerBaseError: string | null }> {
  let newerBaseError: string | null = null;
  const newer = await findNewerBase(cloud, workflow).catch((e: unknown) => {
    newerBaseError = errorLine(e);
    return null;
  });
  return { states: await stepStates({ cloud, workflow, newerBase: newer, ...(now ? { now } : {}) }), newerBase: newer, newerBaseError };
}

/** `base: up to date (ami-…, 3 days)` / `app: stale: changed: install.sh` / `hardening: not built`. */
export function statusLine(s: StepStatus): string {
  switch (s.state) {
    case 'up_to_date':
      return `${s.step}: up to date (${s.ami_id}${s.age_days === null ? '' : `, ${s.age_days} day${s.age_days === 1 ? '' : 's'}`})`;
    case 'stale':
      return `${s.step}: stale: ${s.stale_reasons.map(reasonText).join('; ')}`;
    case 'not_built':
      return `${s.step}: not built`;
    case 'building':
      return `${s.step}: building`;
    case 'manual_in_progress':
      return `${s.step}: manual path in progress`;
  }
}
