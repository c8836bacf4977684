import type { Cloud } from '../aws/ports.js';
import { errorLine, PawError } from '../errors.js';
import type { Step, Workflow } from '../workflow/types.js';
import { executePublish, planPublish, publishLine } from './publish.js';
import { publishParameterOf } from './step-settings.js';

/**
 * What the step's settings ask for once its new AMI is recorded: publishing it to its SSM
 * parameter. The settings are the agreement; nothing is asked. A failure leaves the AMI built
 * and recorded, and says how to finish by hand.
 */
export async function publishAfterBuild(cloud: Cloud, workflow: Workflow, step: Step, note: (line: string) => void): Promise<void> {
  const parameter = publishParameterOf(step);
  if (!parameter) return;
  try {
    note(publishLine(await executePublish(cloud, workflow, step, await planPublish(cloud, workflow, step, parameter))));
  } catch (e) {
    throw new PawError(`the AMI is built and recorded, but publishing it to ${parameter} failed: ${errorLine(e)}`, {
      hint: `publish it with: paw-tui publish ${step.id}`,
    });
  }
}
