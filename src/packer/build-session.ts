import path from 'node:path';
import type { Cloud } from '../aws/ports.js';
import type { TableConsent } from '../aws/record.js';
import type { ReplaceConsent } from '../workflow/render.js';
import { errorLine } from '../errors.js';
import type { Step, Workflow } from '../workflow/types.js';
import { finishBuild, startIncident } from './after-build.js';
import type { FollowedDebugLog } from './debug-tail.js';
import { buildArgs, commandLine, declaresRunId, shellQuote } from './find.js';
import type { AmiWaitOptions } from './manifest.js';
import { CHECK_LABELS, CheckFailed, preflightChecks, type Preflight } from './preflight.js';
import { lockStep, StepLockedError, type StepLock } from '../locks/step-lock.js';
import { startPackerRun, type PackerRun } from './run.js';
import { newRunId, runCloudName } from './runs.js';
import type { BuildSession, BuildState, OnError, PackerBinary, PreflightCheck } from './types.js';
import { makePawDir } from '../paw-dir.js';

export interface StartBuildOptions {
  cloud: Cloud;
  workflow: Workflow;
  step: Step;
  onError: OnError;
  /** Render, init and validate, then show the build command; nothing is written to AWS. */
  dryRun?: boolean;
  /** Only the checks up to `packer validate` matter (`paw-tui validate`); implies a dry run. */
  validateOnly?: boolean;
  /** Start an incident when the build fails (SPEC §6, headless `--notify`). */
  notify?: boolean;
  /** The pane's size: Packer runs in a pseudo-terminal of this size. */
  cols?: number;
  rows?: number;
  /** Packer found earlier (the home screen shows its version); found here when absent. */
  packer?: PackerBinary;
  /** May the catalog table be created when it is missing? */
  tableConsent?: TableConsent;
  /** May rendering replace files that differ from what the templates render now? */
  replaceConsent?: ReplaceConsent;
  /** How long to wait for the new AMI to become available. */
  amiWait?: AmiWaitOptions;
  /** Take the step's lock from whoever holds it (the user confirmed). */
  stealLock?: boolean;
}

/**
 * A build of one step as an object with state and events (STYLE.md): preflight checks, then
 * `packer build` in a pseudo-terminal, then the AMI is found, checked, tagged and recorded.
 * `state` is replaced on every change, so a subscriber can compare by reference.
 */
export function startBuild(options: StartBuildOptions): BuildSession {
  const { workflow, step } = options;
  const startedAt = Date.now();
  const listeners = new Set<(state: BuildState) => void>();
  const outputListeners = new Set<() => void>();
  let state: BuildState = {
    stepId: step.id,
    runId: '',
    status: 'preflight',
    checks: (Object.keys(CHECK_LABELS) as PreflightCheck['id'][]).map((id) => ({ id, label: CHECK_LABELS[id], status: 'pending' })),
    phases: [],
    builds: [],
    startedAt,
    notes: [],
  };
  let run: PackerRun | null = null;
  let lock: StepLock | null = null;
  let debug: FollowedDebugLog | undefined;
  let command: string | null = null;
  let interruptAsked = false;
  let forced = false;
  /** A run journal write failed: Packer was interrupted; this is the one line the user gets. */
  let journalFailure: string | null = null;
  // Interrupting after Packer exited stops the wait for the AMI to become available.
  const stopWaiting = new AbortController();

  const set = (change: Partial<BuildState>) => {
    state = { ...state, ...change };
    for (const l of listeners) l(state);
  };
  const note = (line: string) => {
    set({ notes: [...(state.notes ?? []), line] });
    run?.note(`paw-tui: ${line}`);
  };
  const setCheck = (id: PreflightCheck['id'], change: Partial<PreflightCheck>) =>
    set({ checks: state.checks.map((c) => (c.id === id ? { ...c, ...change } : c)) });

  async function preflight(): Promise<Preflight | null> {
    const found: Preflight = { varFiles: [] };
    const input = {
      cloud: options.cloud,
      workflow,
      step,
      dryRun: Boolean(options.dryRun || options.validateOnly),
      validateOnly: options.validateOnly,
      tableConsent: options.tableConsent ?? { yes: false },
      replaceConsent: options.replaceConsent ?? { force: false },
      packer: options.packer,
    };
    for (const [id, check] of preflightChecks(input, found)) {
      if (interruptAsked) return null;
      setCheck(id, { status: 'running' });
      try {
        const result = await check();
        setCheck(id, { status: result.status ?? 'ok', detail: result.detail });
      } catch (e) {
        const line = errorLine(e);
        setCheck(id, { status: 'failed', detail: line, output: e instanceof CheckFailed ? e.output : undefined });
        set({ error: line });
        return null;
      }
    }
    return found;
  }

  async function build(found: Preflight): Promise<void> {
    const runId = lock?.runId;
    const args = buildArgs(step.dir, found.varFiles, options.onError, runId && (await declaresRunId(step.dir)) ? runId : undefined);
    command = `cd ${shellQuote(step.dir)} && ${commandLine('packer', args)}`;
    if (options.validateOnly) {
      set({ status: 'succeeded', endedAt: Date.now(), commandExitCode: 0 });
      return;
    }
    if (options.dryRun) {
      set({ status: 'succeeded', endedAt: Date.now(), commandExitCode: 0 });
      note('dry run: rendered, validated; nothing was built and nothing was written to AWS');
      return;
    }
    await makePawDir(path.join(step.dir, '.paw'));
    // The inputs as they are when the build starts: an edit made during the build is a change.
    const { stepFingerprint } = await import('../layers/fingerprint.js');
    const fingerprint = await stepFingerprint(workflow, step, found.source!, options.cloud.region);
    run = await startPackerRun({
      runId: lock!.runId,
      cloud: await runCloudName(options.cloud),
      packer: found.packer!,
      workflowId: workflow.param.workflow_id,
      stepId: step.id,
      stepDir: step.dir,
      args,
      cols: options.cols ?? 120,
      rows: options.rows ?? 30,
      onStorageFailure(failure) {
        const instance = run?.output.instanceId;
        const where = failure.journalSaved ? `, recorded in ${failure.journalFile}` : '';
        journalFailure =
          `build stopped: ${failure.reason}; Packer was interrupted to terminate ` +
          (instance ? `instance ${instance}${where} (if it is still there: paw-tui runs terminate)` : 'what it launched');
        interruptAsked = true;
        set({ status: 'interrupting', error: journalFailure });
      },
      env: options.cloud.childEnv,
    });
    const current = run;
    debug = current.debug;
    for (const c of state.checks) current.note(`paw-tui: check ${c.label}: ${c.status}${c.detail ? ` — ${c.detail}` : ''}`);
    set({ status: interruptAsked ? 'interrupting' : 'running', runId: current.runId, logPath: current.paths.log, debugLogPath: current.paths.debugLog });
    if (interruptAsked) current.terminal.kill('SIGINT');
    current.terminal.onData(() => {
      for (const l of outputListeners) l();
    });
    current.output.on((event) => {
      if (event.kind === 'phase') set({ phases: [...current.output.phases] });
      else if (event.kind === 'build') set({ builds: [...current.output.builds] });
      else if (event.kind === 'instance') set({ instanceId: event.instanceId });
      else if (event.kind === 'ami') set({ amiId: current.output.amiId(options.cloud.region) });
    });

    // Once the disk is full, the last records of the run are best effort: its kept room holds them if it can.
    const record = (change: Parameters<typeof current.journal.update>[0]) => current.journal.update(change).catch(() => undefined);
    const exit = await current.exited;
    await debug.finish();
    const exitCode = exit.signal ? 128 + exit.signal : exit.exitCode;
    set({ exitCode, phases: [...current.output.phases] });

    if (journalFailure) {
      await record({ status: 'interrupted', exitCode, ...(current.output.instanceId ? { cleanupSkipped: true } : {}) });
      set({ status: 'failed', error: journalFailure, endedAt: Date.now(), commandExitCode: 1 });
      return;
    }
    if (interruptAsked || forced) {
      const instance = current.output.instanceId;
      const error = forced
        ? `build stopped by force: ${instance ? `instance ${instance} may be left running` : 'a build instance may be left running'} — check it in EC2 and terminate it (the home screen offers to)`
        : `build interrupted: Packer cleaned up and exited with code ${exitCode}`;
      // A forced stop skipped Packer's clean-up: the run stays listed until its instance is dealt with.
      await record({ status: 'interrupted', exitCode, ...(forced ? { cleanupSkipped: true } : {}) });
      set({ status: 'interrupted', error, endedAt: Date.now(), commandExitCode: 130 });
      return;
    }
    if (exitCode !== 0) {
      const why = current.output.errors[0] ?? current.output.lastLines(1)[0] ?? '';
      await record({ status: 'failed', exitCode });
      set({ error: `packer build failed with exit code ${exitCode}${why ? `: ${why}` : ''} — see ${current.paths.log}` });
      return;
    }
    try {
      const outcome = await finishBuild({
        cloud: options.cloud,
        workflow,
        step,
        run: current,
        source: found.source!,
        packerVersion: found.packer!.version,
        durationS: (Date.now() - current.startedAt.getTime()) / 1000,
        fingerprint,
        wait: { ...options.amiWait, signal: stopWaiting.signal },
        note,
      });
      await record({ status: 'succeeded', exitCode, amiId: outcome.amiId });
      set({ status: 'succeeded', amiId: outcome.amiId, recorded: true, endedAt: Date.now(), commandExitCode: 0 });
    } catch (e) {
      if (stopWaiting.signal.aborted) {
        await record({ status: 'interrupted', exitCode });
        set({ status: 'interrupted', error: errorLine(e), endedAt: Date.now(), commandExitCode: 130 });
        return;
      }
      await record({ status: 'failed', exitCode });
      set({ error: errorLine(e) });
    }
  }

  async function main(): Promise<BuildState> {
    try {
      // One build (or manual run) of a step at a time, on this machine and across machines,
      // taken before the checks so that the second comer is told who builds, not what they made.
      if (!options.dryRun && !options.validateOnly) {
        lock = await lockStep({ cloud: options.cloud, workflow, step, runId: newRunId(step.id, new Date()), command: 'build', steal: options.stealLock });
        if (lock.leaseSkipped) note(`no shared lock: ${lock.leaseSkipped}`);
      }
      const found = await preflight();
      if (found) await build(found);
      else if (interruptAsked && !state.error) set({ status: 'interrupted', error: 'build stopped before Packer started', commandExitCode: 130 });
    } catch (e) {
      set({ error: errorLine(e), lockedBy: e instanceof StepLockedError ? e.holder : undefined });
    }
    if (state.status !== 'succeeded' && state.status !== 'interrupted') {
      set({ status: 'failed', endedAt: Date.now(), commandExitCode: 1 });
      if (options.notify && !options.dryRun && !options.validateOnly) {
        const lines = run ? run.output.lastLines(30) : state.checks.filter((c) => c.status === 'failed').map((c) => `${c.label}: ${c.detail}`);
        await startIncident(options.cloud, workflow, step, state.error ?? 'build failed', lines, note);
      }
    }
    if (!state.endedAt) set({ endedAt: Date.now() });
    await run?.closeLogs();
    await lock?.release();
    return state;
  }

  const done = main();

  return {
    get state() {
      return state;
    },
    get terminal() {
      return run?.terminal ?? null;
    },
    get debugTerminal() {
      return debug;
    },
    get command() {
      return command;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    buildLines: (build) => run?.output.buildLines(build) ?? [],
    onOutput(listener) {
      outputListeners.add(listener);
      return () => outputListeners.delete(listener);
    },
    interrupt() {
      if (interruptAsked || state.endedAt) return;
      if (run?.terminal.exit) {
        stopWaiting.abort();
        return;
      }
      interruptAsked = true;
      if (run) {
        run.terminal.kill('SIGINT');
        void run.journal.update({ status: 'interrupting' }).catch(() => undefined);
        set({ status: 'interrupting' });
      }
    },
    forceStop() {
      if (state.endedAt) return;
      forced = true;
      interruptAsked = true;
      stopWaiting.abort();
      run?.terminal.kill('SIGKILL');
    },
    done,
    dispose() {
      run?.terminal.dispose();
      debug?.dispose();
      listeners.clear();
      outputListeners.clear();
    },
  };
}
