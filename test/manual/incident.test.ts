// A failed headless manual step opens an incident when the workflow names a response plan.
import { describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { PawError } from '../../src/errors.js';
import type { ManualJournal } from '../../src/manual/journal.js';
import { startManualIncident } from '../../src/manual/incident.js';
import type { Step, Workflow } from '../../src/workflow/types.js';

type Started = { responsePlanArn: string; title: string; impact: number; summary: string };

function cloudStarting(result: () => Promise<string>): { cloud: Cloud; started: Started[] } {
  const started: Started[] = [];
  const cloud = {
    incidents: {
      start: async (input: Started) => {
        started.push(input);
        return result();
      },
    },
  } as unknown as Cloud;
  return { cloud, started };
}

const step = { id: 'hardening' } as Step;
const workflow = (plan?: string) => ({ param: { workflow_id: 'paw-example', incident_response_plan_arn: plan } }) as unknown as Workflow;
const journal = {
  history: Array.from({ length: 25 }, (_, i) => ({ at: `2026-12-01T00:00:${String(i).padStart(2, '0')}Z`, from: 'a', to: 'b', event: `event ${i}` })),
} as unknown as ManualJournal;
const PLAN = 'arn:aws:ssm-incidents::123456789012:response-plan/golden';

describe('startManualIncident', () => {
  it('says why none was started when no response plan is named, and calls nothing', async () => {
    const { cloud, started } = cloudStarting(async () => 'arn:incident');
    expect(await startManualIncident(cloud, workflow(), step, new Error('x'), journal)).toBe(
      'no incident started: incident_response_plan_arn is not set in workflow_param.json',
    );
    expect(started).toEqual([]);
  });

  it('starts one with the failure and the last 20 journal events', async () => {
    const { cloud, started } = cloudStarting(async () => 'arn:aws:ssm-incidents::123456789012:incident-record/golden/1');
    const line = await startManualIncident(cloud, workflow(PLAN), step, new PawError('the instance stopped responding', { hint: 'look at it' }), journal);
    expect(line).toBe('incident started: arn:aws:ssm-incidents::123456789012:incident-record/golden/1');
    expect(started).toHaveLength(1);
    const input = started[0]!;
    expect(input.responsePlanArn).toBe(PLAN);
    expect(input.title).toBe('paw-tui: manual step hardening failed in workflow paw-example');
    expect(input.summary.split('\n')[0]).toContain('the instance stopped responding');
    expect(input.summary).toContain('event 24');
    expect(input.summary).toContain('event 5');
    expect(input.summary).not.toContain('event 4\n');
  });

  it('says in one line when the incident could not be started', async () => {
    const { cloud } = cloudStarting(async () => {
      throw new PawError('access denied to ssm-incidents:StartIncident');
    });
    const line = await startManualIncident(cloud, workflow(PLAN), step, new Error('x'), null);
    expect(line).toMatch(/^could not start the incident: .*access denied/);
    expect(line).not.toContain('\n');
  });
});
