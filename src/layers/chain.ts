import { PawError, UsageError } from '../errors.js';
import type { AmiImage, Cloud } from '../aws/ports.js';
import { findStep } from '../workflow/load.js';
import { outputAmiName } from '../workflow/names.js';
import type { Step, Workflow } from '../workflow/types.js';
import type { NewerBase } from './newer-base.js';
import type { StepStatus } from './states.js';

/** The part of the chain `build --all | --from | --to` covers, first step first. */
export function chainRange(workflow: Workflow, options: { all?: boolean; from?: string; to?: string }): Step[] {
  const steps = workflow.steps;
  const from = options.from ? steps.indexOf(findStep(workflow, options.from)) : 0;
  const to = options.to ? steps.indexOf(findStep(workflow, options.to)) : steps.length - 1;
  if (from > to) throw new UsageError(`--from ${options.from} comes after --to ${options.to} in the chain`, `the chain: ${steps.map((s) => s.id).join(' → ')}`);
  return steps.slice(from, to + 1);
}

export type ChainAction = 'skip' | 'keep' | 'build' | 'stop';

/**
 * Building the step now would make the same AMI again: its own inputs are those its AMI was
 * built from (the fingerprints match) and it is stale only for what comes before it — a step
 * before it that stays stale, or a newer Ubuntu the root base AMI has not moved to. A rebuild
 * would leave it exactly as stale, however often the chain ran.
 */
export function sameLayerAgain(status: StepStatus): boolean {
  return (
    status.state === 'stale' &&
    status.fingerprint !== null &&
    status.fingerprint === status.recorded_fingerprint &&
    status.stale_reasons.every((r) => r.kind === 'newer_base' || r.kind === 'upstream')
  );
}

/**
 * What the chain does at a step, from its state: skip it (up to date), build it, stop (a manual
 * step, or one busy elsewhere), or keep it as it is (`sameLayerAgain`). `beforeRebuilt`: what
 * it builds on changes first in the same run — the step before it is built, or, for the first
 * step, the root base AMI moves to the newer Ubuntu (the app's `B`) — so it is built.
 */
export function chainAction(step: Step, status: StepStatus, beforeRebuilt = false): ChainAction {
  if (status.state === 'up_to_date') return 'skip';
  if (status.state === 'building' || status.state === 'manual_in_progress') return 'stop';
  if (!beforeRebuilt && sameLayerAgain(status)) return 'keep';
  if (step.manual) return 'stop';
  return 'build';
}

export interface PlannedStep {
  step: Step;
  status: StepStatus;
  action: ChainAction;
}

/** The status of a step among the chain's (every step of the workflow has one). */
export function statusOf(states: StepStatus[], step: Step): StepStatus {
  const status = states.find((s) => s.step === step.id);
  if (!status) throw new PawError(`step ${step.id} has no status in the chain`);
  return status;
}

/** Each step's action in chain order, as a run would take them: a step after one that is built is built too. */
export function chainPlan(steps: Step[], states: StepStatus[], rootMoves = false): PlannedStep[] {
  let beforeRebuilt = rootMoves;
  return steps.map((step) => {
    const status = statusOf(states, step);
    const action = chainAction(step, status, beforeRebuilt);
    beforeRebuilt = action === 'build';
    return { step, status, action };
  });
}

/** Why the chain stops at a step, with the command that continues it. */
export function stopMessage(step: Step, status: StepStatus, next: Step | undefined): { message: string; hint: string } {
  const then = next ? `, then: paw-tui build --from ${next.id}` : '';
  if (status.state === 'building') return { message: `${step.id} is being built by another paw-tui`, hint: `wait for it${then}` };
  if (status.state === 'manual_in_progress')
    return { message: `${step.id}: its manual path is under way`, hint: `continue it: paw-tui manual ${step.id} resume${then}` };
  const why = status.state === 'not_built' ? 'not built' : 'stale';
  return { message: `${step.id} is a manual step and it is ${why}`, hint: `build it by hand: paw-tui manual ${step.id} launch${then}` };
}

/**
 * The stale AMI of this very step that holds the output name a rebuild needs (EC2 names are
 * unique): the rebuild must replace it. An AMI of another step or workflow is not ours to replace.
 */
export async function ownAmiAtOutputName(cloud: Cloud, workflow: Workflow, step: Step): Promise<AmiImage | null> {
  const [taken] = await cloud.images.findOwnedByName(outputAmiName(workflow, step));
  if (!taken) return null;
  const mine = taken.tags['paw:step_id'] === step.id && taken.tags['paw:workflow_id'] === workflow.param.workflow_id;
  return mine ? taken : null;
}

/**
 * Deregisters a step's own stale AMI (and its snapshots) so the rebuild can take its name, as
 * Packer's force_deregister + force_delete_snapshot would, but only after the plan was agreed
 * and never when the AMI is in use. Its catalog item stays until the new AMI replaces it.
 */
export async function replaceOwnAmi(cloud: Cloud, workflow: Workflow, image: AmiImage): Promise<string> {
  const { assertDeletable, executeDeletion, planDeletion } = await import('../aws/delete.js');
  const plan = await planDeletion(cloud, workflow, [image.id]);
  assertDeletable(plan);
  for (const d of plan.amis) d.catalogItems = [];
  const result = await executeDeletion(cloud, plan);
  if (result.failed.length)
    throw new PawError(`could not deregister ${image.id}: ${result.failed[0]!.message}`, {
      hint: 'nothing was built; deal with the AMI and run the chain again',
    });
  return `deregistered ${image.id} and its snapshots ${image.snapshotIds.join(', ') || '(none)'}; building its replacement`;
}

export interface ChainResult {
  built: { step: string; ami_id: string }[];
  skipped: { step: string; ami_id: string | null }[];
  /** Stale steps a rebuild would make again the same (`sameLayerAgain`): kept as they are. */
  kept: { step: string; ami_id: string | null }[];
  not_reached: string[];
  failed: string | null;
  stopped_at: string | null;
  /** A newer Ubuntu than the root base AMI, when one is out. */
  newer_base: NewerBase | null;
}

/** The summary the chain ends with. */
export function chainSummary(r: ChainResult): string {
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');
  return [
    `built: ${list(r.built.map((b) => `${b.step} (${b.ami_id})`))}`,
    `up to date: ${list(r.skipped.map((s) => s.step))}`,
    ...(r.kept.length ? [`kept (nothing of their own changed): ${list(r.kept.map((s) => s.step))}`] : []),
    ...(r.failed ? [`failed: ${r.failed}`] : []),
    ...(r.stopped_at ? [`stopped at: ${r.stopped_at}`] : []),
    `not reached: ${list(r.not_reached)}`,
  ].join('\n');
}
