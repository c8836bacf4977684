import type { Workflow } from '../workflow/types.js';
import { readJournal } from './journal.js';
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
