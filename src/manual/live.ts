import { errorLine } from '../errors.js';
import type { Workflow } from '../workflow/types.js';
import { journalPath, readJournal } from './journal.js';
import { instanceMayBeLive, type ManualState } from './machine.js';

export interface LiveManualInstance {
  stepId: string;
  instanceId: string;
  state: ManualState;
  instanceType: string | null;
  /** ISO-8601 time the instance was launched. */
  since: string | null;
}

/**
 * Steps whose manual instance may still be running up a bill, from the journals alone (no cloud
 * call, so the home screen can show them on its first frame). Opening the step reconciles.
 */
export async function liveManualInstances(workflow: Workflow): Promise<LiveManualInstance[]> {
  const journals = await Promise.all(workflow.steps.map((step) => readJournal(step).catch(() => null)));
  return journals.flatMap((j) =>
    j && j.instanceId && instanceMayBeLive(j.state)
      ? [{ stepId: j.stepId, instanceId: j.instanceId, state: j.state, instanceType: j.instanceType, since: j.launchedAt }]
      : [],
  );
}

/** A manual journal that exists and cannot be read: a live instance may be behind it. */
export interface UnreadableManualJournal {
  stepId: string;
  file: string;
  /** Why, in one line. */
  line: string;
}

/** What to do about an unreadable manual journal, in one line. */
export function unreadableJournalFix(j: UnreadableManualJournal): string {
  return `fix or move ${j.file} (it names the step's manual instance, which may still be running; paw-tui runs names instances by tag)`;
}

/** The steps whose `.paw/manual.json` exists but cannot be read (no cloud call). */
export async function unreadableManualJournals(workflow: Workflow): Promise<UnreadableManualJournal[]> {
  const out: UnreadableManualJournal[] = [];
  for (const step of workflow.steps) {
    try {
      await readJournal(step);
    } catch (e) {
      const file = journalPath(step);
      // The error names the file first: the line keeps what is wrong.
      const line = errorLine(e)
        .replace(/ — .*$/, '')
        .replace(`${file}: `, '');
      out.push({ stepId: step.id, file, line });
    }
  }
  return out;
}
