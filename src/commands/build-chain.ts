import type { AmiImage, Cloud } from '../aws/ports.js';
import { errorLine, isPawError, PawError } from '../errors.js';
import {
  chainAction,
  chainPlan,
  chainRange,
  chainSummary,
  ownAmiAtOutputName,
  replaceOwnAmi,
  sameLayerAgain,
  statusOf,
  stopMessage,
  type ChainAction,
  type ChainResult,
} from '../layers/chain.js';
import { newerBaseAdvice, type NewerBase } from '../layers/newer-base.js';
import { chainStates, newerBaseUnknown, reasonText, statusLine, stepStates, type StaleReason, type StepStatus } from '../layers/states.js';
import type { Step, Workflow } from '../workflow/types.js';
import { buildOne, keepBuildingWhenOutputCloses, type BuildOptions } from './build.js';
import { confirmed, emit, loadWorkflowFor, withCloud, type GlobalOptions } from './context.js';

export interface ChainOptions {
  all: boolean;
  from?: string;
  to?: string;
}

async function stateOf(cloud: Cloud, workflow: Workflow, step: Step, newer: NewerBase | null): Promise<StepStatus> {
  return statusOf(await stepStates({ cloud, workflow, newerBase: newer }), step);
}

const PLAN_WORD: Record<ChainAction, string> = { skip: 'skip ', keep: 'keep ', build: 'build', stop: 'stop ' };

/**
 * Why a step is kept as it is: `tools: kept (ami-…, 3 days): nothing of its own changed; base
 * before it is stale — build from there: paw-tui build --from base` (the first step before it
 * that a rebuild would change), or, for the newer Ubuntu alone, `base: kept on the current root
 * base AMI (ami-…, 3 days): stale only for the newer Ubuntu`.
 */
function keptLine(s: StepStatus, states: StepStatus[]): string {
  const age = s.age_days === null ? '' : `, ${s.age_days} day${s.age_days === 1 ? '' : 's'}`;
  const upstreamOf = (x: StepStatus | undefined) => x?.stale_reasons.find((r): r is Extract<StaleReason, { kind: 'upstream' }> => r.kind === 'upstream')?.step;
  // Back along the steps a rebuild would not change either, to the one it would.
  let cause = upstreamOf(s);
  for (let before = states.find((x) => x.step === cause); before && sameLayerAgain(before); before = states.find((x) => x.step === cause)) {
    const further = upstreamOf(before);
    if (!further) break;
    cause = further;
  }
  if (cause)
    return `${s.step}: kept (${s.ami_id}${age}): nothing of its own changed; ${cause} before it is stale — build from there: paw-tui build --from ${cause}`;
  return `${s.step}: kept on the current root base AMI (${s.ami_id}${age}): stale only for the newer Ubuntu`;
}

/** Why a step is built, without the newer Ubuntu: the chain does not move to it. */
function buildReasons(s: StepStatus): string {
  if (s.state === 'not_built') return 'not built';
  const own = s.stale_reasons.filter((r) => r.kind !== 'newer_base');
  return (own.length ? own : s.stale_reasons).map(reasonText).join('; ');
}

/** `build --all | --from | --to`: the stale steps of the chain, in order, skipping what is up to date. */
export async function buildChain(opts: GlobalOptions, options: BuildOptions & ChainOptions): Promise<void> {
  const workflow = await loadWorkflowFor(opts);
  const range = chainRange(workflow, options);
  const out = opts.json ? process.stderr : process.stdout;
  const say = (line: string) => out.write(line + '\n');
  keepBuildingWhenOutputCloses();
  const result: ChainResult = { built: [], skipped: [], kept: [], not_reached: range.map((s) => s.id), failed: null, stopped_at: null, newer_base: null };
  await withCloud(opts, workflow, async (cloud) => {
    const { states, newerBase: newer, newerBaseError } = await chainStates(cloud, workflow);
    result.newer_base = newer;
    // Said once, first: the steps it alone makes stale are kept until the root base AMI moves.
    if (newer) say(newerBaseAdvice(newer, workflow.param.root_base_ami_name));
    if (newerBaseError) say(newerBaseUnknown(newerBaseError));
    const replacements = new Map<string, AmiImage>();
    const plan = chainPlan(range, states);
    const work = plan.some((p) => p.action === 'build' || p.action === 'stop');
    // The plan is shown when there is something to do; an up-to-date chain says so step by step below.
    if (work || options.dryRun) say(`chain ${range.map((s) => s.id).join(' → ')}:`);
    for (const { step, status, action } of plan) {
      if (work || options.dryRun) say(`  ${PLAN_WORD[action]}  ${statusLine(status)}`);
      const own = action === 'build' ? await ownAmiAtOutputName(cloud, workflow, step) : null;
      if (own) {
        replacements.set(step.id, own);
        say(`         replaces ${own.id} (${own.name}): deregistered with its snapshots before the build, its catalog item replaced by the new AMI`);
      }
      if (action === 'stop') break;
    }
    if (options.dryRun) {
      say('dry run: nothing was built');
      return;
    }
    if (replacements.size > 0) {
      const ids = [...replacements.values()].map((i) => i.id).join(', ');
      if (!(await confirmed(opts, `replacing ${ids}`, `Deregister ${ids} (stale) and rebuild in their place?`))) {
        throw new PawError('nothing was built', { hint: 'the stale AMIs hold the output names; agree to replace them (--yes headless)' });
      }
    }
    for (const [i, step] of range.entries()) {
      const status = await stateOf(cloud, workflow, step, newer);
      const action = chainAction(step, status);
      if (action === 'skip' || action === 'keep') {
        say(action === 'skip' ? statusLine(status) : keptLine(status, states));
        result[action === 'skip' ? 'skipped' : 'kept'].push({ step: step.id, ami_id: status.ami_id });
        result.not_reached.shift();
        continue;
      }
      if (action === 'stop') {
        const stop = stopMessage(step, status, range[i + 1]);
        result.stopped_at = step.id;
        result.not_reached.shift();
        finish(opts, result);
        throw new PawError(stop.message, { hint: stop.hint });
      }
      say(`${step.id}: building (${buildReasons(status)})`);
      result.not_reached.shift();
      try {
        const own = replacements.get(step.id) ?? (await ownAmiAtOutputName(cloud, workflow, step));
        if (own && !replacements.has(step.id)) {
          throw new PawError(`${step.id}: its output name is held by its own AMI ${own.id}, which was not in the agreed plan`, {
            hint: 'run the chain again to see the plan',
          });
        }
        if (own) say(await replaceOwnAmi(cloud, workflow, own));
        const { state } = await buildOne(opts, cloud, workflow, step, options);
        result.built.push({ step: step.id, ami_id: state.amiId ?? '' });
      } catch (e) {
        result.failed = step.id;
        say(`${step.id}: ${errorLine(e)}`);
        finish(opts, result);
        if (isPawError(e))
          throw new PawError(`the chain stopped at ${step.id}`, {
            hint: 'fix it and run the same command again: what is up to date is skipped',
            exitCode: e.exitCode,
          });
        throw e;
      }
    }
    finish(opts, result);
  });
}

function finish(opts: GlobalOptions, result: ChainResult): void {
  if (opts.json) emit(opts, result, () => '');
  else process.stdout.write(chainSummary(result) + '\n');
}
