import type { AmiImage, Cloud } from '../aws/ports.js';
import { errorLine, PawError } from '../errors.js';
import type { BuildJobs } from '../packer/build-jobs.js';
import type { Step, Workflow } from '../workflow/types.js';
import { chainPlan, ownAmiAtOutputName, replaceOwnAmi } from './chain.js';
import type { NewerBase } from './newer-base.js';
import { stepStates } from './states.js';

/**
 * The app's "build stale steps": what `build --all` would build, as one question, then the
 * builds one after another in the app's registry. When a newer Ubuntu is out, the rebuild moves
 * the root base AMI to it first (as `base-ami --write` does): that is what makes the steps stale.
 */

export interface StaleBuildPlan {
  /** The steps to build, in chain order, up to the first that stops the chain. */
  steps: Step[];
  /** Those of them never built in this workflow version (the others are stale). */
  notBuilt: string[];
  /** What the first of them starts from: the step before it, or the root base AMI. */
  from: string;
  /** The step that stops the chain (a manual step, one busy elsewhere) and why. */
  stop: { step: string; why: string; manual: boolean } | null;
  /** The newer Ubuntu the root base AMI moves to before the builds. */
  newerBase: NewerBase | null;
  /** The steps' own stale AMIs that hold their output names: deregistered before each rebuild. */
  replaces: AmiImage[];
  /** ≈ USD for the instances: each step's hourly price × its last build time (half an hour when unknown). */
  costUsd: number | null;
}

/** The workflow with the root base AMI moved to the newer Ubuntu (in memory; nothing written). */
function onBase(workflow: Workflow, image: { id: string; name: string } | null): Workflow {
  if (!image) return workflow;
  const moved = { root_base_ami_id: image.id, root_base_ami_name: image.name };
  return { ...workflow, param: { ...workflow.param, ...moved, raw: { ...workflow.param.raw, ...moved } } };
}

const HALF_HOUR_S = 1800;

/** Reads only: which steps the rebuild takes, and what it costs and replaces. */
export async function planStaleBuild(cloud: Cloud, workflow: Workflow, newer: NewerBase | null): Promise<StaleBuildPlan> {
  const states = await stepStates({ cloud, workflow, newerBase: newer });
  const moved = onBase(workflow, newer ? { id: newer.ami, name: newer.name } : null);
  const steps: Step[] = [];
  const notBuilt: string[] = [];
  let stop: StaleBuildPlan['stop'] = null;
  // When a newer Ubuntu is out the root moves to it first: every step is built on it.
  for (const { step, status, action } of chainPlan(workflow.steps, states, newer !== null)) {
    if (action === 'skip' || action === 'keep') continue;
    if (action === 'stop') {
      const why =
        status.state === 'building'
          ? 'being built by another paw-tui'
          : status.state === 'manual_in_progress'
            ? 'its manual path is under way'
            : 'a manual step';
      stop = { step: step.id, why, manual: why === 'a manual step' };
      break;
    }
    steps.push(step);
    if (status.state === 'not_built') notBuilt.push(step.id);
  }
  const first = steps[0] ?? (stop ? workflow.steps.find((s) => s.id === stop!.step) : undefined);
  const from = !first ? '' : (first.previousId ?? (newer ? `${newer.ami} (newer Ubuntu)` : `the root base AMI ${workflow.param.root_base_ami_id}`));
  const replaces = (await Promise.all(steps.map((s) => ownAmiAtOutputName(cloud, moved, s)))).filter((i): i is AmiImage => i !== null);
  const items = new Map((await cloud.catalog.listWorkflow(workflow.param.workflow_id).catch(() => [])).map((i) => [i.step_id, i]));
  const { templateInstanceType } = await import('../packer/plan.js');
  const { hourlyPrice } = await import('../manual/launch.js');
  let costUsd: number | null = null;
  for (const step of steps) {
    const type = await templateInstanceType(step);
    const price = type ? hourlyPrice(type) : null;
    if (price === null) continue;
    const seconds = Number(items.get(step.id)?.duration_s) || HALF_HOUR_S;
    costUsd = (costUsd ?? 0) + (price * seconds) / 3600;
  }
  return { steps, notBuilt, from, stop, newerBase: newer, replaces, costUsd };
}

/** `≈ $0.12`, `≈ $0.0017` (a few minutes of a small instance), `< $0.0001`. */
function costWords(usd: number): string {
  if (usd >= 0.01) return `≈ $${usd.toFixed(2)}`;
  return usd >= 0.0001 ? `≈ $${usd.toFixed(4)}` : '< $0.0001';
}

/**
 * The question, `Rebuild 2 stale steps (app, hardening)? ≈ $0.0104`, and the lines that say
 * where they start from and what else it does; null when there is nothing to build. The price
 * is on the question's line, before anything a narrow terminal would cut.
 */
export function staleBuildQuestion(plan: StaleBuildPlan): { question: string; details: string[] } | null {
  if (plan.steps.length === 0) return null;
  const n = plan.steps.length;
  const ids = plan.steps.map((s) => s.id).join(', ');
  const what =
    plan.notBuilt.length === 0
      ? `Rebuild ${n} stale step${n === 1 ? '' : 's'} (${ids})`
      : plan.notBuilt.length === n
        ? `Build ${n} step${n === 1 ? '' : 's'} not built yet (${ids})`
        : `Build ${n} stale or unbuilt step${n === 1 ? '' : 's'} (${ids})`;
  const question = `${what}?${plan.costUsd === null ? '' : ` ${costWords(plan.costUsd)}`}`;
  const details: string[] = [`from ${plan.from}`];
  if (plan.newerBase) details.push(`root_base_ami_id becomes ${plan.newerBase.ami} (${plan.newerBase.date}) in workflow_param.json`);
  if (plan.replaces.length) details.push(`replaces its own stale ${plan.replaces.map((i) => i.id).join(', ')} (deregistered with snapshots first)`);
  if (plan.stop) details.push(`stops at ${plan.stop.step}: ${plan.stop.why}`);
  return { question, details };
}

/** Why there is nothing to build, in one line. */
export function nothingToBuild(plan: StaleBuildPlan): string {
  return plan.stop ? `nothing to build before ${plan.stop.step} (${plan.stop.why})` : 'every step is up to date';
}

export interface RunStaleBuildInput {
  cloud: Cloud;
  workflow: Workflow;
  plan: StaleBuildPlan;
  builds: BuildJobs;
  cols: number;
  rows: number;
  /** The workflow as it is on disk now (after the root base AMI moved). */
  loadWorkflow: () => Promise<Workflow>;
}

/**
 * Builds the plan's steps one after another as the app's build jobs, each after the one before
 * it succeeded; the progress is `builds.chain`. Ends at the first failure, or at the step that
 * stops the chain, saying so.
 */
export async function runStaleBuild(input: RunStaleBuildInput): Promise<void> {
  const { cloud, plan, builds } = input;
  const ids = plan.steps.map((s) => s.id);
  const progress = (index: number, status: 'running' | 'done' | 'stopped' | 'failed', message: string | null = null) =>
    builds.setChain({ steps: ids, index, status, message, ...(status === 'stopped' && plan.stop?.manual ? { stoppedAt: plan.stop.step } : {}) });
  progress(0, 'running');
  let workflow = input.workflow;
  let index = 0;
  try {
    if (plan.newerBase) {
      const [image] = await cloud.images.describe([plan.newerBase.ami]);
      if (!image) throw new PawError(`the newer Ubuntu ${plan.newerBase.ami} is gone`, { hint: 'refresh and look again' });
      const { writeBaseAmi } = await import('../aws/base-ami.js');
      await writeBaseAmi(workflow, image);
      workflow = await input.loadWorkflow();
    }
    for (const [i, planned] of plan.steps.entries()) {
      index = i;
      progress(i, 'running');
      const step = workflow.steps.find((s) => s.id === planned.id);
      if (!step) throw new PawError(`step ${planned.id} is no longer in the workflow`, { hint: 'refresh and look again' });
      const own = await ownAmiAtOutputName(cloud, workflow, step);
      if (own && !plan.replaces.some((r) => r.id === own.id)) {
        throw new PawError(`${step.id}: its output name is held by its own AMI ${own.id}, which was not in the agreed plan`, {
          hint: 'ask again to see the plan',
        });
      }
      if (own) await replaceOwnAmi(cloud, workflow, own);
      const session = await builds.start({ cloud, workflow, step, onError: 'cleanup', cols: input.cols, rows: input.rows });
      const end = await session.done;
      if (end.status !== 'succeeded') {
        return progress(i, 'failed', `${step.id} ${end.status}${end.error ? `: ${end.error}` : ''}; not reached: ${ids.slice(i + 1).join(', ') || 'none'}`);
      }
    }
    const built = `built ${ids.join(', ')}`;
    if (plan.stop) return progress(ids.length - 1, 'stopped', plan.stop.manual ? built : `${built}; stopped at ${plan.stop.step}: ${plan.stop.why}`);
    progress(ids.length - 1, 'done', built);
  } catch (e) {
    progress(index, 'failed', `${ids[index] ?? ''}: ${errorLine(e)}`);
  }
}
