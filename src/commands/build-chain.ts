import type { AmiImage, Cloud } from '../aws/ports.js';
import { errorLine, isPawError, PawError } from '../errors.js';
import { chainAction, chainRange, chainSummary, ownAmiAtOutputName, replaceOwnAmi, stopMessage, type ChainResult } from '../layers/chain.js';
import { reasonText, statusLine, stepStates, type StepStatus } from '../layers/states.js';
import type { Step, Workflow } from '../workflow/types.js';
import { buildOne, keepBuildingWhenOutputCloses, type BuildOptions } from './build.js';
import { confirmed, emit, loadWorkflowFor, withCloud, type GlobalOptions } from './context.js';

export interface ChainOptions {
  all: boolean;
  from?: string;
  to?: string;
}

async function stateOf(cloud: Cloud, workflow: Workflow, step: Step): Promise<StepStatus> {
  return (await stepStates({ cloud, workflow })).find((s) => s.step === step.id)!;
}

/** `build --all | --from | --to`: the stale steps of the chain, in order, skipping what is up to date. */
export async function buildChain(opts: GlobalOptions, options: BuildOptions & ChainOptions): Promise<void> {
  const workflow = await loadWorkflowFor(opts);
  const range = chainRange(workflow, options);
  const out = opts.json ? process.stderr : process.stdout;
  const say = (line: string) => out.write(line + '\n');
  keepBuildingWhenOutputCloses();
  const result: ChainResult = { built: [], skipped: [], not_reached: range.map((s) => s.id), failed: null, stopped_at: null };
  await withCloud(opts, workflow, async (cloud) => {
    const states = await stepStates({ cloud, workflow });
    const replacements = new Map<string, AmiImage>();
    const work = range.some(
      (step) =>
        chainAction(
          step,
          states.find((s) => s.step === step.id)!,
        ) !== 'skip',
    );
    // The plan is shown when there is something to do; an up-to-date chain says so step by step below.
    if (work || options.dryRun) say(`chain ${range.map((s) => s.id).join(' → ')}:`);
    for (const step of range) {
      const status = states.find((s) => s.step === step.id)!;
      const action = chainAction(step, status);
      if (work || options.dryRun) say(`  ${action === 'skip' ? 'skip ' : action === 'build' ? 'build' : 'stop '}  ${statusLine(status)}`);
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
      const status = await stateOf(cloud, workflow, step);
      const action = chainAction(step, status);
      if (action === 'skip') {
        say(statusLine(status));
        result.skipped.push({ step: step.id, ami_id: status.ami_id });
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
      say(`${step.id}: building (${status.state === 'not_built' ? 'not built' : status.stale_reasons.map(reasonText).join('; ')})`);
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
