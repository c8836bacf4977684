import { publishedTo } from '../aws/published.js';
import { describeAmi } from '../aws/record.js';
import type { Cloud } from '../aws/ports.js';
import { PawError } from '../errors.js';
import type { Step, Workflow } from '../workflow/types.js';

/** What `publish` will do: the step's recorded AMI, the parameter, and what the parameter holds now. */
export interface PublishPlan {
  step: string;
  parameter: string;
  ami_id: string;
  ami_name: string;
  /** The parameter's value now; null when it does not exist yet. */
  previous: string | null;
}

export interface PublishResult extends PublishPlan {
  /** The parameter's version after the write; null when it already held the AMI. */
  version: number | null;
}

/** The step's AMI in this workflow version, which must be available, and the parameter as it is. */
export async function planPublish(cloud: Cloud, workflow: Workflow, step: Step, parameter: string): Promise<PublishPlan> {
  const item = (await cloud.catalog.tableExists()) ? await cloud.catalog.get(workflow.param.workflow_id, step.id) : null;
  if (!item) {
    throw new PawError(`${step.id} has no AMI recorded for workflow ${workflow.param.workflow_id}`, { hint: `build it first: paw-tui build ${step.id}` });
  }
  const image = await describeAmi(cloud, item.ami_id);
  if (image.state !== 'available') {
    throw new PawError(`${step.id}'s AMI ${image.id} is ${image.state}, not available`, { hint: 'publish an available AMI only; rebuild the step' });
  }
  const [now] = await cloud.parameterStore.get([parameter]);
  return { step: step.id, parameter, ami_id: image.id, ami_name: image.name, previous: now?.value ?? null };
}

/** The tags of a published parameter: which workflow version and step it comes from, then the user's. */
function parameterTags(workflow: Workflow, step: Step): Record<string, string> {
  return { 'paw:workflow_id': workflow.param.workflow_id, 'paw:step_id': step.id, ...workflow.param.aws_tags };
}

/** Writes the plan's AMI id to the parameter (nothing when it already holds it). */
export async function executePublish(cloud: Cloud, workflow: Workflow, step: Step, plan: PublishPlan): Promise<PublishResult> {
  const version =
    plan.previous === plan.ami_id
      ? null
      : await cloud.parameterStore.putImageId({
          name: plan.parameter,
          amiId: plan.ami_id,
          description: `${plan.ami_name} (paw-tui, step ${step.id})`.slice(0, 1024),
          tags: parameterTags(workflow, step),
        });
  await notePublished(cloud, workflow, step, plan);
  return { ...plan, version };
}

/**
 * Lists the parameter on the AMI's catalog item (`published_to`), so deleting or pruning the
 * AMI later knows to look at it even when DescribeImageReferences cannot answer.
 */
async function notePublished(cloud: Cloud, workflow: Workflow, step: Step, plan: PublishPlan): Promise<void> {
  const item = await cloud.catalog.get(workflow.param.workflow_id, step.id);
  if (item?.ami_id !== plan.ami_id) return;
  const names = publishedTo(item);
  if (names.includes(plan.parameter)) return;
  await cloud.catalog.put({ ...item, published_to: JSON.stringify([...names, plan.parameter]) });
}

/** One line for the user. */
export function publishLine(result: PublishResult): string {
  if (result.version === null) return `${result.parameter} already holds ${result.ami_id} (${result.ami_name})`;
  return `published ${result.ami_id} (${result.ami_name}) to ${result.parameter} (version ${result.version}${result.previous ? `, was ${result.previous}` : ''})`;
}
