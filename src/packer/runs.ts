import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Cloud } from '../aws/ports.js';
import { writeFileAtomic } from '../workflow/atomic.js';
import type { Step, Workflow } from '../workflow/types.js';

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
 * One run's journal file. Updates are written one after another in call order (an instance
 * id and an exit arriving together must not overwrite each other).
 */
export class RunJournal {
  private queue: Promise<void> = Promise.resolve();
  private constructor(
    readonly file: string,
    private record: RunRecord,
  ) {}

  /** Writes the first record; resolves once it is on disk. */
  static async create(stepDir: string, record: Omit<RunRecord, 'updatedAt'>): Promise<RunJournal> {
    await mkdir(runsDir(stepDir), { recursive: true });
    const journal = new RunJournal(runFile(stepDir, record.runId), { ...record, updatedAt: new Date().toISOString() });
    await journal.update({});
    return journal;
  }

  get current(): RunRecord {
    return this.record;
  }

  update(change: Partial<Omit<RunRecord, 'runId' | 'updatedAt'>>): Promise<void> {
    this.record = { ...this.record, ...change, updatedAt: new Date().toISOString() };
    const text = JSON.stringify(this.record, null, 2) + '\n';
    // One failed write (reported to its caller) must not stop the later ones.
    const write = this.queue.catch(() => undefined).then(() => writeFileAtomic(this.file, text));
    this.queue = write;
    return write;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readRuns(step: Step): Promise<{ file: string; run: RunRecord }[]> {
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
      if (parsed.success) runs.push({ file, run: parsed.data });
    } catch {
      // A file that is not a run record is not ours to judge.
    }
  }
  return runs;
}

export interface InterruptedRun extends RunRecord {
  file: string;
  stepDir: string;
  /** Packer outlived the paw-tui that started it and is still building. */
  packerRunning: boolean;
}

/** Whether any process of the group the terminal's process led is still there. */
function groupAlive(leader: number | undefined): boolean {
  if (leader === undefined) return false;
  try {
    process.kill(-leader, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  for (const start = Date.now(); Date.now() - start < waitMs; ) {
    if (!groupAlive(leader)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return !groupAlive(leader);
}

/**
 * Runs whose instance may be left behind, newest first: left `running` by a paw-tui process
 * that is gone, or stopped by force before Packer's clean-up.
 */
export async function findInterruptedRuns(workflow: Workflow): Promise<InterruptedRun[]> {
  const found: InterruptedRun[] = [];
  for (const step of workflow.steps) {
    for (const { file, run } of await readRuns(step)) {
      const unfinished = run.status === 'running' || run.status === 'interrupting' || (run.status === 'interrupted' && run.cleanupSkipped);
      if (unfinished && !alive(run.pid)) {
        found.push({ ...run, file, stepDir: step.dir, packerRunning: groupAlive(run.packerPid) });
      }
    }
  }
  return found.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

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
