import type { Cloud } from '../aws/ports.js';
import { errorLine, PawError } from '../errors.js';
import { outputAmiName } from '../workflow/names.js';
import type { Step, Workflow } from '../workflow/types.js';
import { amiIdFromRun, waitForAvailableAmi, type AmiWaitOptions } from './manifest.js';
import { redactSecrets } from './redact.js';
import type { PackerRun } from './run.js';
import { formatDuration } from '../duration.js';

export interface FinishInput {
  cloud: Cloud;
  workflow: Workflow;
  step: Step;
  run: PackerRun;
  source: { id: string; name: string };
  packerVersion: string;
  durationS: number;
  /** The step's inputs as they were when the build started. */
  fingerprint?: { fingerprint: string; inputs: object; values?: object };
  wait?: AmiWaitOptions;
  note: (line: string) => void;
}

/**
 * After Packer exited 0: find the new AMI (manifest, output, name), wait until EC2 has it
 * available, tag it and its snapshots (SPEC §4), and record it in the catalog.
 */
export async function finishBuild(input: FinishInput): Promise<{ amiId: string }> {
  const { cloud, workflow, step, run, note } = input;
  const name = outputAmiName(workflow, step);
  const found = await amiIdFromRun({ cloud, manifestFile: run.manifestFile, outputAmis: run.output.amis, outputAmiName: name });
  if (!found) {
    throw new PawError(`Packer exited 0 but no AMI was found: no manifest, no AMI id in its output, and no AMI named ${name} in this account`, {
      hint: `check the template's post-processor "manifest" (output .paw/manifest.json) and the log ${run.paths.log}`,
    });
  }
  note(`AMI ${found.amiId} (from the ${found.from === 'name' ? 'AMI name' : found.from})`);
  await run.journal.update({ amiId: found.amiId });
  let lastWaitNote = 0;
  const image = await waitForAvailableAmi(cloud, found.amiId, {
    ...input.wait,
    onWait: (state, elapsedMs) => {
      input.wait?.onWait?.(state, elapsedMs);
      if (elapsedMs - lastWaitNote >= 60_000 || lastWaitNote === 0) {
        lastWaitNote = elapsedMs || 1;
        note(`waiting for ${found.amiId} to become available (${state}, ${formatDuration(elapsedMs)})`);
      }
    },
  });
  const { tagAmi } = await import('../aws/tags.js');
  await tagAmi(cloud, workflow, step, image, {
    sourceAmiId: input.source.id,
    sourceAmiName: input.source.name,
    fingerprint: input.fingerprint?.fingerprint,
  });
  note(`tagged ${image.id}${image.snapshotIds.length ? ` and ${image.snapshotIds.join(', ')}` : ''}`);
  const { recordAmi } = await import('../aws/record.js');
  await recordAmi(cloud, workflow, step, image.id, {
    baseAmiId: input.source.id,
    baseAmiName: input.source.name,
    buildMethod: 'packer',
    packerVersion: input.packerVersion,
    durationS: input.durationS,
    fingerprint: input.fingerprint,
    // Agreement to create a missing table was asked for before the build.
    yes: true,
  });
  note(`recorded ${image.id} in the catalog ${cloud.catalog.tableName}`);
  const { publishAfterBuild } = await import('../layers/after-build.js');
  await publishAfterBuild(cloud, workflow, step, note);
  const { distributeAfterBuild } = await import('../layers/distribute.js');
  await distributeAfterBuild(cloud, workflow, step, image, note);
  return { amiId: image.id };
}

/** SPEC §6: a failed build started with --notify opens an incident, when a response plan is set. */
export async function startIncident(
  cloud: Cloud,
  workflow: Workflow,
  step: Step,
  error: string,
  lastLines: string[],
  note: (line: string) => void,
): Promise<void> {
  const plan = workflow.param.incident_response_plan_arn;
  if (!plan) {
    note('no incident started: incident_response_plan_arn is not set in workflow_param.json');
    return;
  }
  const summary = redactSecrets([error, '', ...lastLines].join('\n')).slice(-4000);
  try {
    const arn = await cloud.incidents.start({
      responsePlanArn: plan,
      title: `paw-tui: build of step ${step.id} failed in workflow ${workflow.param.workflow_id}`,
      impact: 3,
      summary,
    });
    note(`incident started: ${arn}`);
  } catch (e) {
    note(`could not start the incident: ${errorLine(e)}`);
  }
}
