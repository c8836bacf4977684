import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PawError } from '../errors.js';
import { writeFileAtomic } from '../workflow/atomic.js';
import type { Step } from '../workflow/types.js';
import { MANUAL_STATES, type ManualState } from './machine.js';
import { makePawDir } from '../paw-dir.js';

/**
 * `<step dir>/.paw/manual.json`: the manual path's memory. Every change is one atomic write, so
 * the file always holds a whole journal. The order of writes is what makes the path survive a
 * crash: an intent before each cloud call, the instance id the moment RunInstances answers.
 */

const stateSchema = z.enum(MANUAL_STATES);

const historySchema = z.object({
  at: z.string(),
  from: stateSchema,
  to: stateSchema,
  /** What happened, in the user's words ("stop requested", "instance i-… is running"). */
  event: z.string(),
});

const journalSchema = z.object({
  version: z.literal(1),
  workflowId: z.string(),
  stepId: z.string(),
  state: stateSchema,
  /**
   * The cloud call about to be made in `state`, written before it is made. Present on reopening
   * means the call may or may not have happened: the guide checks EC2 before going on.
   */
  requested: z.object({ action: z.string(), at: z.string(), call: z.string().optional() }).nullable(),
  /** RunInstances' idempotency token: repeating a launch whose answer was lost finds the same instance. */
  launchToken: z.string().nullable(),
  /** The attempt's run id, tagged on its instance (`paw:run_id`). */
  runId: z.string().nullable().default(null),
  instanceId: z.string().nullable(),
  /** The instance was not launched by paw-tui (`manual <step> image --instance`): terminated only if the user agrees. */
  adopted: z.boolean().default(false),
  instanceType: z.string().nullable(),
  keyName: z.string().nullable(),
  /** The private key, when paw-tui created the key pair (mode 0600 beside this file). */
  pemPath: z.string().nullable(),
  sourceAmiId: z.string().nullable(),
  sourceAmiName: z.string().nullable(),
  launchedAt: z.string().nullable(),
  imageId: z.string().nullable(),
  imageName: z.string().nullable(),
  history: z.array(historySchema),
});

export type ManualJournal = z.infer<typeof journalSchema>;
export type JournalEntry = z.infer<typeof historySchema>;

export function journalPath(step: Step): string {
  return path.join(step.dir, '.paw', 'manual.json');
}

export function emptyJournal(workflowId: string, stepId: string): ManualJournal {
  return {
    version: 1,
    workflowId,
    stepId,
    state: 'launch',
    requested: null,
    launchToken: null,
    runId: null,
    instanceId: null,
    adopted: false,
    instanceType: null,
    keyName: null,
    pemPath: null,
    sourceAmiId: null,
    sourceAmiName: null,
    launchedAt: null,
    imageId: null,
    imageName: null,
    history: [],
  };
}

/** The step's journal, or null when the manual path was never started for it. */
export async function readJournal(step: Step): Promise<ManualJournal | null> {
  const file = journalPath(step);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PawError(`${file}: not valid JSON (${(e as Error).message})`, {
      hint: 'fix or move the file; it records the manual instance of this step',
    });
  }
  const parsed = journalSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PawError(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`, {
      hint: 'fix or move the file; it records the manual instance of this step',
    });
  }
  return parsed.data;
}

export async function writeJournal(step: Step, journal: ManualJournal): Promise<void> {
  const file = journalPath(step);
  await makePawDir(path.dirname(file));
  await writeFileAtomic(file, JSON.stringify(journal, null, 2) + '\n');
}

/**
 * The one way the journal changes: apply `change`, add a history line when the state moves or
 * an event is worth keeping, write atomically, return the new journal. Callers must await it
 * before making the next cloud call.
 */
export async function updateJournal(
  step: Step,
  journal: ManualJournal,
  change: Partial<Omit<ManualJournal, 'version' | 'workflowId' | 'stepId' | 'history'>>,
  event: string,
  now: Date = new Date(),
): Promise<ManualJournal> {
  const to: ManualState = change.state ?? journal.state;
  const next: ManualJournal = {
    ...journal,
    ...change,
    history: [...journal.history, { at: now.toISOString(), from: journal.state, to, event }],
  };
  await writeJournal(step, next);
  return next;
}
