import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tailDebugLog, type FollowedDebugLog } from './debug-tail.js';
import { commandLine } from './find.js';
import { packerLogEnv, RunLog, runLogPaths, type RunLogPaths } from './log.js';
import { manifestPath } from './manifest.js';
import { PackerOutput } from './output.js';
import { currentProcess, processAlive } from '../locks/process.js';
import { JournalWriteError, newRunId, RunJournal } from './runs.js';
import { startTerminal } from './terminal.js';
import type { PackerBinary, RawOutput, TerminalSession } from './types.js';

export interface PackerRunOptions {
  packer: PackerBinary;
  workflowId: string;
  stepId: string;
  stepDir: string;
  /** Packer's arguments (`build ...`). */
  args: string[];
  cols: number;
  rows: number;
  scrollback?: number;
  now?: () => Date;
  /** Added to Packer's environment (the AWS identity paw-tui checked); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** The run's id, when the caller made it earlier (the step's lock names it). */
  runId?: string;
  /** The cloud the run builds in, as `runCloudName` names it; kept in the journal. */
  cloud?: string;
  /**
   * The run's journal or log could not be written (disk full...): the run must stop before
   * Packer makes another cloud call. Called once, after Packer was interrupted.
   */
  onStorageFailure?: (failure: StorageFailure) => void;
}

export interface StorageFailure {
  /** What could not be written and why. */
  reason: string;
  /** The journal file, and whether it still holds the latest record (written in its kept room). */
  journalFile: string;
  journalSaved: boolean;
}

export interface PackerExit {
  exitCode: number;
  signal?: number;
}

/**
 * One `packer build` in a pseudo-terminal with everything a run leaves behind: its journal in
 * `.paw/runs/` (written before Packer starts), its log in `.paw/logs/`, Packer's debug log,
 * and what its output says (phases, instance id, AMIs). No preflight, no cloud: that is the
 * build session's job.
 */
export interface PackerRun {
  readonly runId: string;
  readonly startedAt: Date;
  readonly terminal: TerminalSession & RawOutput;
  readonly output: PackerOutput;
  readonly journal: RunJournal;
  readonly paths: RunLogPaths;
  /** Packer's debug log as it grows, redacted (and copied redacted to `paths.debugLog`). */
  readonly debug: FollowedDebugLog;
  readonly manifestFile: string;
  readonly command: string;
  /** Notes a line of paw-tui's own in the run's log. */
  note(line: string): void;
  /** Resolves once Packer has exited and its output is read to the end. */
  readonly exited: Promise<PackerExit>;
  /** Ends the log (after the last note) and the debug log's copy; removes Packer's own. */
  closeLogs(): Promise<void>;
}

const RAW_LOG_PREFIX = 'paw-packer-log-';

/**
 * Removes the private folders of Packer's raw debug logs that runs of a paw-tui now dead left in
 * the temporary folder (a killed paw-tui never reached its clean-up): they hold unredacted lines.
 * A folder is another's while the process named in its `owner.json` lives (pid and start time).
 */
export async function sweepRawLogDirs(dir = tmpdir()): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith(RAW_LOG_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const folder = path.join(dir, name);
    try {
      if ((await stat(folder)).uid !== process.getuid?.()) continue;
      const owner = JSON.parse(await readFile(path.join(folder, 'owner.json'), 'utf8')) as { pid?: unknown; pidStart?: unknown };
      if (typeof owner.pid !== 'number') continue;
      if (processAlive({ pid: owner.pid, pidStart: typeof owner.pidStart === 'string' ? owner.pidStart : null })) continue;
    } catch {
      // No owner to judge by (or gone meanwhile): not ours to remove.
      continue;
    }
    await rm(folder, { recursive: true, force: true });
    removed.push(folder);
  }
  return removed;
}

export async function startPackerRun(options: PackerRunOptions): Promise<PackerRun> {
  const startedAt = options.now?.() ?? new Date();
  const runId = options.runId ?? newRunId(options.stepId, startedAt);
  const paths = runLogPaths(options.stepDir, runId);
  const manifestFile = manifestPath(options.stepDir);
  const command = commandLine('packer', options.args);
  // A manifest left by an earlier run must not be taken for this run's.
  await rm(manifestFile, { force: true });
  const log = await RunLog.open(paths.log, `$ ${command}    (in ${options.stepDir})`);
  // Packer writes its debug log unredacted: it goes to a private folder outside the workflow,
  // and only redacted lines reach `.paw/logs/`, as they are written.
  await sweepRawLogDirs();
  const rawDir = await mkdtemp(path.join(tmpdir(), RAW_LOG_PREFIX));
  const me = currentProcess();
  await writeFile(path.join(rawDir, 'owner.json'), JSON.stringify({ pid: me.pid, pidStart: me.start }) + '\n', { mode: 0o600 });
  const rawDebugLog = path.join(rawDir, 'packer.log');
  await writeFile(rawDebugLog, '', { mode: 0o600, flag: 'a' });
  await writeFile(paths.debugLog, '', { mode: 0o600, flag: 'a' });
  const debug = tailDebugLog(rawDebugLog, { copyTo: paths.debugLog });
  const journal = await RunJournal.create(options.stepDir, {
    runId,
    workflowId: options.workflowId,
    stepId: options.stepId,
    pid: process.pid,
    pidStart: currentProcess().start,
    startedAt: startedAt.toISOString(),
    status: 'running',
    logPath: paths.log,
    ...(options.cloud ? { cloud: options.cloud } : {}),
  });

  const terminal = startTerminal({
    file: options.packer.path,
    args: [...options.packer.args, ...options.args],
    cwd: options.stepDir,
    env: { ...options.env, ...packerLogEnv(rawDebugLog), CHECKPOINT_DISABLE: '1' },
    redact: true,
    cols: options.cols,
    rows: options.rows,
    scrollback: options.scrollback,
  });
  const output = new PackerOutput();
  // Written as the ids appear; every update holds the whole record, so one failed write is
  // made good by the next.
  let storageFailed = false;
  const stopForStorage = (reason: string, journalSaved: boolean) => {
    if (storageFailed) return;
    storageFailed = true;
    // Packer must not go on making cloud calls nobody could find again: interrupt it now, so
    // its clean-up terminates what it made.
    terminal.kill('SIGINT');
    options.onStorageFailure?.({ reason, journalFile: journal.file, journalSaved });
  };
  log.onError = (e) => stopForStorage(`cannot write ${paths.log}: ${e.message}`, true);
  const remember = (change: Parameters<RunJournal['update']>[0]) =>
    journal.update(change).catch((e: unknown) => {
      const saved = e instanceof JournalWriteError && e.saved;
      stopForStorage(e instanceof Error ? e.message : String(e), saved);
    });
  // If paw-tui dies, Packer may go on alone: the next start must be able to find and stop it.
  void remember({ packerPid: terminal.pid });
  // The log takes the lines as the output reader made them (colours gone, `\r` resolved),
  // rather than splitting and cleaning the same chunk a second time.
  output.onText((text, redacted) => log.writeText(text, redacted));
  output.on((event) => {
    if (event.kind === 'instance') void remember({ instanceId: event.instanceId });
    else if (event.kind === 'ami') void remember({ amiId: output.amiId() });
  });
  terminal.onData((chunk, plain) => output.push(chunk, plain));

  const exited = new Promise<PackerExit>((resolve) => {
    terminal.onExit((exit) => {
      output.end();
      const code = exit.signal ? 128 + exit.signal : exit.exitCode;
      log.note(`packer exited with code ${code}`);
      resolve(exit);
    });
  });
  let closing: Promise<void> | undefined;

  return {
    runId,
    startedAt,
    terminal,
    output,
    journal,
    paths,
    debug,
    manifestFile,
    command,
    note: (line) => log.note(line),
    exited,
    closeLogs() {
      closing ??= (async () => {
        await log.close();
        await debug.finish();
        debug.dispose();
        await rm(rawDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
