import type { Cloud } from '../aws/ports.js';
import { errorLine } from '../errors.js';
import type { Step, Workflow } from '../workflow/types.js';
import type { ManualJournal } from './journal.js';

/**
 * SPEC §6: a manual step that fails in headless mode with `--notify` opens an incident when the
 * workflow names a response plan. The summary is the failure and the journal's last events
 * (they hold ids and states, never credentials). Returns the line to print.
 */
export async function startManualIncident(cloud: Cloud, workflow: Workflow, step: Step, error: unknown, journal: ManualJournal | null): Promise<string> {
  const plan = workflow.param.incident_response_plan_arn;
  if (!plan) return 'no incident started: incident_response_plan_arn is not set in workflow_param.json';
  const events = (journal?.history ?? []).slice(-20).map((h) => `${h.at} ${h.from} → ${h.to}: ${h.event}`);
  try {
    const arn = await cloud.incidents.start({
      responsePlanArn: plan,
      title: `paw-tui: manual step ${step.id} failed in workflow ${workflow.param.workflow_id}`,
      impact: 3,
      summary: [errorLine(error), '', ...events].join('\n').slice(-4000),
    });
    return `incident started: ${arn}`;
  } catch (e) {
    return `could not start the incident: ${errorLine(e)}`;
  }
}
