import { Option, type Command } from 'commander';
import { InterruptedError, PawError, UsageError } from '../errors.js';
import { onInterruptSignals, SIGNAL_EXIT_CODE, type InterruptSignal } from '../signals.js';
import type { ChainOptions } from './build-chain.js';
import { startBuild } from '../packer/build-session.js';
import { LineSplitter } from '../packer/lines.js';
import { checkLine, summaryLines } from '../packer/report.js';
import type { BuildSession, BuildState, OnError, PreflightCheck } from '../packer/types.js';
import type { Cloud } from '../aws/ports.js';
import type { Step, Workflow } from '../workflow/types.js';
import { confirmed, emit, globalOptions, loadWorkflowFor, withCloud, type GlobalOptions } from './context.js';

export interface BuildOptions {
  dryRun: boolean;
  onError: OnError;
  notify: boolean;
  /** Take the step's lock from the run holding it (asked first). */
  stealLock?: boolean;
  /** Replace rendered files that differ from what the templates render now. */
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command('build')
    .description("render the step's templates, check everything, run `packer build`, then tag and record the new AMI")
    .argument('[step]', 'the step id (or --all, --from, --to: the chain, skipping what is up to date)')
    .option('--all', 'build every stale step of the chain, in order', false)
    .option('--from <step>', 'the chain from this step on (stale steps only)')
    .option('--to <step>', 'the chain up to this step (stale steps only)')
    .option('--dry-run', 'render, init and validate, print the build command; write nothing to AWS', false)
    .addOption(new Option('--on-error <mode>', 'what Packer does when the build fails').choices(['cleanup', 'abort', 'ask']).default('cleanup'))
    .option('--notify', 'start an incident when the build fails (needs incident_response_plan_arn)', false)
    .option('--steal-lock', "take the step's lock from the run holding it (asks first; only when that run is gone)", false)
    .option('--force', 'replace rendered files that differ from what the templates render now (the old text is kept in .paw/replaced/)', false)
    .action(async (stepId: string | undefined, options: BuildOptions & ChainOptions, cmd: Command) => {
      const opts = globalOptions(cmd);
      if (options.all || options.from || options.to) {
        if (stepId)
          throw new UsageError('give a step or --all/--from/--to, not both', 'paw-tui build <step> builds one step; paw-tui build --all the stale ones');
        const { buildChain } = await import('./build-chain.js');
        await buildChain(opts, options);
        return;
      }
      if (!stepId) throw new UsageError('which step?', 'paw-tui build <step>, or --all / --from <step> / --to <step> for the chain');
      const { state, command } = await runHeadless(opts, stepId, options);
      emit(opts, { ...state, command }, () => '');
    });
}

/** What the headless command writes while the build runs: checks, Packer's output, phases. */
function printer(session: BuildSession, opts: GlobalOptions): () => void {
  // With --json, stdout carries only the final state; the running commentary goes to stderr.
  const out = opts.json ? process.stderr : process.stdout;
  const printed = new Map<PreflightCheck['id'], string>();
  let streaming = false;
  let notesShown = 0;
  const offs: (() => void)[] = [];

  const onState = (state: BuildState) => {
    for (const c of state.checks) {
      if (c.status === 'pending' || c.status === 'running' || printed.get(c.id) === c.status) continue;
      printed.set(c.id, c.status);
      out.write(checkLine(c) + '\n');
      if (c.status === 'failed' && c.output) out.write(c.output.replace(/\n?$/, '\n'));
    }
    const terminal = session.terminal;
    if (!streaming && terminal) {
      streaming = true;
      out.write(`$ ${session.command}\n`);
      stream(terminal, out, offs);
    }
    const notes = state.notes ?? [];
    for (; notesShown < notes.length; notesShown++) out.write(`paw-tui: ${notes[notesShown]}\n`);
  };
  offs.push(session.subscribe(onState));
  return () => offs.forEach((off) => off());
}

/** Packer's output as it comes: raw on a terminal (its colours), plain lines otherwise. */
function stream(terminal: NonNullable<BuildSession['terminal']>, out: NodeJS.WriteStream, offs: (() => void)[]): void {
  if (out.isTTY && !process.env.NO_COLOR) {
    offs.push(terminal.onData((chunk) => out.write(chunk)));
    // Packer draws for the pty's width: keep it the width of the terminal it is shown in.
    const onResize = () => terminal.resize(out.columns || terminal.cols, out.rows || terminal.rows);
    out.on('resize', onResize);
    offs.push(() => out.off('resize', onResize));
    return;
  }
  const splitter = new LineSplitter((line) => out.write(line + '\n'));
  offs.push(terminal.onData((chunk) => splitter.push(chunk)));
  offs.push(terminal.onExit(() => splitter.end()));
}

/**
 * Ctrl-C, SIGTERM or SIGHUP during a build: the first asks Packer to stop (it cleans up:
 * terminates the instance, deletes temporary keys), the second kills it at once, leaving the
 * instance to the user. Returns the signal that interrupted, once one has.
 */
function handleSignals(session: BuildSession, out: NodeJS.WriteStream): { restore: () => void; signal: () => InterruptSignal | null } {
  let first: InterruptSignal | null = null;
  const restore = onInterruptSignals((signal, count) => {
    first ??= signal;
    const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (session.terminal?.exit) {
      out.write('\npaw-tui: Packer has finished; no longer waiting for the new AMI (it can be recorded later)\n');
      session.interrupt();
    } else if (count === 1) {
      out.write(`\npaw-tui: ${name}: interrupting Packer; it cleans up before it exits (again to stop it at once)\n`);
      session.interrupt();
    } else {
      const id = session.state.instanceId;
      out.write(`\npaw-tui: stopping Packer at once${id ? `; instance ${id} may be left running` : ''}\n`);
      session.forceStop();
    }
  });
  return { restore, signal: () => first };
}

/** Keys typed on a terminal reach Packer's `-on-error=ask` prompt (line by line). */
function forwardAnswers(session: BuildSession): () => void {
  if (!process.stdin.isTTY) return () => {};
  const onData = (data: Buffer) => session.terminal?.write(data.toString('utf8').replace(/\n/g, '\r'));
  process.stdin.on('data', onData);
  return () => {
    process.stdin.off('data', onData);
    process.stdin.pause();
  };
}

/**
 * Output piped into a reader that goes away (`| head`) must not kill a build mid-way: the
 * instance would be left behind. The log file keeps everything; writes after that are dropped.
 */
export function keepBuildingWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') === 0) stream.on('error', () => undefined);
  }
}

/** Runs one build (or dry run) without the app, printing as it goes; throws on failure. */
export async function runHeadless(
  opts: GlobalOptions,
  stepId: string,
  options: BuildOptions & { validateOnly?: boolean },
): Promise<{ state: BuildState; command: string | null }> {
  const workflow = await loadWorkflowFor(opts);
  const { findStep } = await import('../workflow/load.js');
  const step = findStep(workflow, stepId);
  if (step.manual) {
    throw new PawError(`step ${step.id} is a manual step (it has no templates/)`, { hint: `use: paw-tui manual ${step.id}` });
  }
  keepBuildingWhenOutputCloses();
  return withCloud(opts, workflow, (cloud) => buildOne(opts, cloud, workflow, step, options));
}

/** One build of a step with an open cloud, printing as it goes; throws on failure. */
export async function buildOne(
  opts: GlobalOptions,
  cloud: Cloud,
  workflow: Workflow,
  step: Step,
  options: BuildOptions & { validateOnly?: boolean },
): Promise<{ state: BuildState; command: string | null }> {
  const out = opts.json ? process.stderr : process.stdout;
  const stealLock =
    options.stealLock === true &&
    (await confirmed(opts, `taking the lock of step ${step.id}`, `Take the lock of step ${step.id} from the run holding it? Only if that run is gone.`));
  if (options.stealLock && !stealLock) throw new PawError('the lock was left to the run holding it');
  const session = startBuild({
    stealLock,
    cloud,
    workflow,
    step,
    onError: options.onError,
    dryRun: options.dryRun,
    validateOnly: options.validateOnly,
    notify: options.notify,
    cols: process.stdout.columns || 120,
    rows: process.stdout.rows || 40,
    tableConsent: { yes: opts.yes },
    replaceConsent: { force: options.force === true },
  });
  const stopPrinting = printer(session, opts);
  const signals = handleSignals(session, out);
  const stopAnswers = options.onError === 'ask' && !options.dryRun ? forwardAnswers(session) : () => {};
  let state: BuildState;
  try {
    state = await session.done;
  } finally {
    signals.restore();
    stopAnswers();
    session.dispose();
  }
  stopPrinting();
  if (options.dryRun && !options.validateOnly && session.command) out.write(`build command:\n  ${session.command}\n`);
  if (!options.dryRun) for (const line of summaryLines(state)) out.write(line + '\n');
  if (state.status === 'interrupted') {
    throw new InterruptedError(state.error ?? 'build interrupted', undefined, SIGNAL_EXIT_CODE[signals.signal() ?? 'SIGINT']);
  }
  if (state.status !== 'succeeded') throw new PawError(state.error ?? 'the build failed');
  return { state, command: session.command };
}
