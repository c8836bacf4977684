import { PawError, UsageError } from '../errors.js';
import type { AmiImage, Cloud } from '../aws/ports.js';
import { findStep } from '../workflow/load.js';
import { outputAmiName } from '../workflow/names.js';
import type { Step, Workflow } from '../workflow/types.js';
import type { NewerBase } from './newer-base.js';
import { staleOnlyForNewerBase, type StepStatus } from './states.js';

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
 * What the chain does at a step, from its state: skip it (up to date), build it, stop (a manual
 * step, or one busy elsewhere), or keep it: stale only because a newer Ubuntu is out while the
 * root base AMI stays where it is, so a rebuild would make the same layer again (and stay stale
 * for ever). `movesToNewerBase`: the root moves to the newer Ubuntu first (the app's `B`).
 */
export function chainAction(step: Step, status: StepStatus, movesToNewerBase = false): ChainAction {
  if (status.state === 'up_to_date') return 'skip';
  if (status.state === 'building' || status.state === 'manual_in_progress') return 'stop';
  if (!movesToNewerBase && staleOnlyForNewerBase(status)) return 'keep';
  if (step.manual) return 'stop';
  return 'build';
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
  /** Stale only for a newer Ubuntu the root base AMI has not moved to: kept as they are. */
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
    ...(r.kept.length ? [`kept on the current root base AMI: ${list(r.kept.map((s) => s.step))}`] : []),
    ...(r.failed ? [`failed: ${r.failed}`] : []),
    ...(r.stopped_at ? [`stopped at: ${r.stopped_at}`] : []),
    `not reached: ${list(r.not_reached)}`,
  ].join('\n');
}
