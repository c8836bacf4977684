import type { CatalogItem, Cloud } from '../aws/ports.js';
import { PawError } from '../errors.js';
import { setJsonValue } from '../workflow/edit.js';
import type { Workflow } from '../workflow/types.js';
import { stepStates, type StepStatus } from './states.js';

const TIMESTAMP = /-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/;
const pad = (n: number) => String(n).padStart(2, '0');

/** `<prefix>-YYYY-MM-DD-HH-MM-SS` in UTC, the Python library's style; the prefix is the current id without its timestamp. */
export function nextWorkflowId(current: string, now: Date, prefix?: string): string {
  const base = prefix ?? current.replace(TIMESTAMP, '');
  const stamp = `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}-${pad(now.getUTCHours())}-${pad(now.getUTCMinutes())}-${pad(now.getUTCSeconds())}`;
  return `${base}-${stamp}`;
}

export interface BumpResult {
  from: string;
  to: string;
  carried: { step: string; ami_id: string }[];
  /** Steps to build under the new id, with their state before the bump. */
  to_build: { step: string; state: string }[];
}

/** The steps a bump carries over: the up-to-date ones from the start of the chain, up to the first that is not. */
export function carriedSteps(states: Pick<StepStatus, 'step' | 'state'>[]): string[] {
  const stop = states.findIndex((s) => s.state !== 'up_to_date');
  return states.slice(0, stop < 0 ? states.length : stop).map((s) => s.step);
}

/**
 * A new workflow version (SPEC §10): every up-to-date step's AMI is recorded under the new id
 * (`carried_from` = the old id) before the new id is written, so a crash in between leaves the
 * old version as it was. A step after one that is not carried is never carried (its source changes).
 */
export async function bumpWorkflow(cloud: Cloud, workflow: Workflow, options: { now?: Date; prefix?: string } = {}): Promise<BumpResult> {
  const from = workflow.param.workflow_id;
  const to = nextWorkflowId(from, options.now ?? new Date(), options.prefix);
  if (to === from) throw new PawError(`the new workflow id would be the same as the current one (${from})`, { hint: 'wait a second and run it again' });
  if ((await cloud.catalog.listWorkflow(to)).length > 0) {
    throw new PawError(`the catalog already holds workflow ${to}`, { hint: 'wait a second and run it again, or pass another --prefix' });
  }
  const states = await stepStates({ cloud, workflow });
  const items = new Map((await cloud.catalog.listWorkflow(from)).map((i) => [i.step_id, i]));
  const result: BumpResult = { from, to, carried: [], to_build: [] };
  const carry = carriedSteps(states);
  let chainIntact = true;
  for (const s of states) {
    const item = items.get(s.step);
    if (chainIntact && carry.includes(s.step) && item) {
      const carried: CatalogItem = { ...item, workflow_id: to, carried_from: item.carried_from ?? from };
      await cloud.catalog.put(carried);
      result.carried.push({ step: s.step, ami_id: item.ami_id });
    } else {
      chainIntact = false;
      result.to_build.push({ step: s.step, state: s.state });
    }
  }
  await setJsonValue(workflow.paramPath, ['workflow_id'], to);
  return result;
}
