import { randomBytes } from 'node:crypto';
import { open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Cloud } from '../aws/ports.js';
import { writeFileAtomic } from '../workflow/atomic.js';
import type { Step, Workflow } from '../workflow/types.js';
import { groupAlive, processAlive } from '../locks/process.js';
import { fileTimestamp } from './log.js';
import { makePawDir } from '../paw-dir.js';

/**
 * The runs journal (SPEC §3): one file per build, written before Packer starts and again as
 * soon as the instance id or the AMI id shows, so that if paw-tui dies mid-build the next
 * start finds the run and its instance can be checked and terminated.
 */

const runSchema = z.object({
  runId: z.string(),
  workflowId: z.string(),
  stepId: z.string(),
  /** paw-tui's process: while it lives, the run is not orphaned. */
  pid: z.number().int(),
  /** The start time of paw-tui's process (Linux), so a later process with the same pid is not taken for it. */
  pidStart: z.string().nullable().optional(),
  packerPid: z.number().int().optional(),
  startedAt: z.string(),
  updatedAt: z.string(),
  status: z.enum(['running', 'interrupting', 'succeeded', 'failed', 'interrupted', 'resolved']),
  instanceId: z.string().optional(),
  amiId: z.string().optional(),
  exitCode: z.number().int().optional(),
  logPath: z.string().optional(),
  /** What was done about an orphaned run's instance (terminated, already gone...). */
  resolution: z.string().optional(),
  /** Packer was killed before its clean-up (a forced stop): its instance may still run. */
  cleanupSkipped: z.boolean().optional(),
  /** Which cloud the run built in (`runCloudName`); older journals do not say. */
  cloud: z.string().optional(),
});

export type RunRecord = z.infer<typeof runSchema>;
export type RunStatus = RunRecord['status'];

export function runsDir(stepDir: string): string {
  return path.join(stepDir, '.paw', 'runs');
}

export function runFile(stepDir: string, runId: string): string {
  return path.join(runsDir(stepDir), `${runId}.json`);
}

/**
 * A run id that two builds of one step started in the same second never share: the time (so
 * ids sort) and a random suffix.
 */
export function newRunId(stepId: string, startedAt: Date): string {
  return `${stepId}-${fileTimestamp(startedAt)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Room kept in a run's journal file from the start. When the disk fills up mid-build, a new
 * file cannot be written, but the bytes already given to this one can be rewritten in place:
 * the instance id still reaches the disk.
 */
export const RESERVED_BYTES = 8192;

function padded(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  // JSON ignores trailing blanks: the padding keeps the file's blocks without changing its meaning.
  return bytes.length >= RESERVED_BYTES ? bytes : Buffer.concat([bytes, Buffer.alloc(RESERVED_BYTES - bytes.length, 0x20)]);
}

/** Rewrites the reserved file in place and flushes it; fails only when the text outgrew the room. */
async function writeInPlace(file: string, bytes: Buffer): Promise<void> {
  if (bytes.length > RESERVED_BYTES) throw new Error(`the record outgrew the ${RESERVED_BYTES} bytes kept for it`);
  const handle = await open(file, 'r+');
  try {
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A run journal write that failed: the run must stop before any further cloud call. `saved`:
 * the record still reached the disk, written in place into the file's kept room.
 */
export class JournalWriteError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
    readonly saved: boolean,
  ) {
    super(`cannot write ${file}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'JournalWriteError';
  }
}

/**
 * One run's journal file. Updates are written one after another in call order (an instance
 * id and an exit arriving together must not overwrite each other). Each write is atomic and
 * flushed; when that fails (disk full), the text is written in place into the room the file was
 * created with, and the write still rejects (JournalWriteError, `saved`): the disk is full and
 * the run must stop.
 */
export class RunJournal {
  private queue: Promise<void> = Promise.resolve();
  private constructor(
    readonly file: string,
    private record: RunRecord,
  ) {}

  /** Writes the first record, with its reserved room; resolves once it is on disk. */
  static async create(stepDir: string, record: Omit<RunRecord, 'updatedAt'>): Promise<RunJournal> {
    await makePawDir(runsDir(stepDir));
    const journal = new RunJournal(runFile(stepDir, record.runId), { ...record, updatedAt: new Date().toISOString() });
    await writeFileAtomic(journal.file, padded(journal.text()), 0o600);
    return journal;
  }

  get current(): RunRecord {
    return this.record;
  }

  private text(): string {
    return JSON.stringify(this.record, null, 2) + '\n';
  }

  update(change: Partial<Omit<RunRecord, 'runId' | 'updatedAt'>>): Promise<void> {
    this.record = { ...this.record, ...change, updatedAt: new Date().toISOString() };
    const bytes = padded(this.text());
    const file = this.file;
    // One failed write (reported to its caller) must not stop the later ones.
    const write = this.queue
      .catch(() => undefined)
      .then(() =>
        writeFileAtomic(file, bytes).catch(async (failed: unknown) => {
          const saved = await writeInPlace(file, bytes).then(
            () => true,
            () => false,
          );
          throw new JournalWriteError(file, failed, saved);
        }),
      );
    this.queue = write;
    return write;
  }
}

/**
 * The name a run journal gives its cloud: `sandbox`, or `aws <account> <region>`. A run of
 * one cloud is never shown while the app runs against another: its instance is not there.
 */
export async function runCloudName(cloud: Cloud): Promise<string> {
  if (cloud.kind === 'sandbox') return 'sandbox';
  const account = await cloud.identity.whoAmI().then(
    (who) => who.account,
    () => 'unknown-account',
  );
  return `aws ${account} ${cloud.region}`;
}

/** A run belongs to this cloud, or its journal does not say (it is shown, marked "cloud unknown"). */
function ofCloud(run: RunRecord, cloudName: string | undefined): boolean {
  return cloudName === undefined || run.cloud === undefined || run.cloud === cloudName;
}

async function readRuns(step: Step, cloudName?: string): Promise<{ file: string; run: RunRecord }[]> {
  let names: string[];
  try {
    names = await readdir(runsDir(step.dir));
  } catch {
    return [];
  }
  const runs = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
    const file = path.join(runsDir(step.dir), name);
    try {
      const parsed = runSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success && ofCloud(parsed.data, cloudName)) runs.push({ file, run: parsed.data });
    } catch {
      // A file that is not a run record is not ours to judge.
    }
  }
  return runs;
}

/** Every run of a step, newest first (the step view lists them with their logs). */
export async function listRuns(step: Step, cloudName?: string): Promise<RunRecord[]> {
  return (await readRuns(step, cloudName)).map((r) => r.run).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** The step's build under way in a live paw-tui process, if there is one. */
export async function liveRun(step: Step): Promise<RunRecord | null> {
  const runs = await readRuns(step);
  return runs.map((r) => r.run).find((r) => (r.status === 'running' || r.status === 'interrupting') && processAlive(r)) ?? null;
}

export interface InterruptedRun extends RunRecord {
  file: string;
  stepDir: string;
  /** Packer outlived the paw-tui that started it and is still building. */
  packerRunning: boolean;
}

/** Whether the Packer a run started (its terminal's process group) is still there. */
export function packerAlive(run: RunRecord): boolean {
  return groupAlive(run.packerPid);
}

/**
 * Interrupts a Packer left running by a paw-tui that died, and waits for its clean-up (which
 * terminates its build instance), as Ctrl-C would have done.
 */
async function stopOrphanPacker(leader: number, waitMs: number): Promise<boolean> {
  try {
    process.kill(-leader, 'SIGINT');
  } catch {
    return true;
  }
  for (const start = Date.now(); Date.now() - start < waitMs;) {
    if (!groupAlive(leader)) return true;
    await sleep(200);
  }
  return !groupAlive(leader);
}

/**
 * Runs whose instance may be left behind, newest first (of `cloudName` and of no known cloud, when given): left `running` by a paw-tui process
 * that is gone, or stopped by force before Packer's clean-up.
 */
export async function findInterruptedRuns(workflow: Workflow, cloudName?: string): Promise<InterruptedRun[]> {
  const found: InterruptedRun[] = [];
  for (const step of workflow.steps) {
    for (const { file, run } of await readRuns(step, cloudName)) {
      const unfinished = run.status === 'running' || run.status === 'interrupting' || (run.status === 'interrupted' && run.cleanupSkipped);
      if (unfinished && !processAlive(run)) {
        found.push({ ...run, file, stepDir: step.dir, packerRunning: groupAlive(run.packerPid) });
      }
    }
  }
  return found.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export { currentInterruptions } from './interruptions.js';

/**
 * Deals with an orphaned run's build instance: terminates it unless EC2 says it is already
 * gone, then marks the run resolved so it is not reported again. Returns what was done.
 */
export async function terminateRunInstance(cloud: Cloud, run: InterruptedRun, options: { packerWaitMs?: number } = {}): Promise<string> {
  let resolution: string;
  const notes: string[] = [];
  if (run.packerRunning && run.packerPid !== undefined) {
    const stopped = await stopOrphanPacker(run.packerPid, options.packerWaitMs ?? 120_000);
    notes.push(stopped ? `interrupted the Packer left running (pid ${run.packerPid})` : `Packer (pid ${run.packerPid}) did not stop after an interrupt`);
  }
  if (!run.instanceId) {
    resolution = 'no instance had been launched';
  } else {
    const [instance] = await cloud.instances.describe([run.instanceId]);
    if (!instance || instance.state === 'terminated') {
      resolution = `instance ${run.instanceId} was already terminated`;
    } else if (instance.state === 'shutting-down') {
      resolution = `instance ${run.instanceId} was already shutting down`;
    } else {
      const was = instance.state;
      await cloud.instances.terminate(run.instanceId);
      resolution = `terminated instance ${run.instanceId} (was ${was})`;
    }
  }
  resolution = [...notes, resolution].join('; ');
  // Parsing drops the fields added for the caller (file, stepDir): the record as stored.
  const resolved: RunRecord = { ...runSchema.parse(run), status: 'resolved', resolution, updatedAt: new Date().toISOString() };
  await writeFileAtomic(run.file, JSON.stringify(resolved, null, 2) + '\n');
  return resolution;
}

/** The run records of a step, as stored (unreadable files left out). */
export async function readRunRecords(step: Step): Promise<RunRecord[]> {
  return (await readRuns(step)).map((r) => r.run);
}
