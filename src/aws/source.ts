import { PawError } from '../errors.js';
import type { Step, Workflow } from '../workflow/types.js';
import type { Cloud } from './ports.js';

/**
 * The AMI a step builds on (SPEC §2): the root base AMI for the first step, else the AMI the
 * catalog holds for the previous step of this workflow, which must still be available in EC2.
 */
export async function sourceAmi(cloud: Cloud, workflow: Workflow, step: Step): Promise<{ id: string; name: string }> {
  const p = workflow.param;
  if (step.previousId === null) {
    const [root] = await cloud.images.describe([p.root_base_ami_id]);
    if (!root) {
      throw new PawError(`root base AMI ${p.root_base_ami_id} does not exist in ${cloud.region}`, {
        hint: 'pick a current one with: paw-tui base-ami --write',
      });
    }
    if (root.state !== 'available') {
      throw new PawError(`root base AMI ${p.root_base_ami_id} is ${root.state}, not available`, {
        hint: 'pick a current one with: paw-tui base-ami --write',
      });
    }
    return { id: p.root_base_ami_id, name: p.root_base_ami_name };
  }
  const previous = step.previousId;
  const item = await cloud.catalog.get(p.workflow_id, previous);
  if (!item) {
    throw new PawError(`step ${previous} has no AMI recorded for workflow ${p.workflow_id}`, {
      hint: `build step ${previous} first (paw-tui build ${previous})`,
    });
  }
  const [image] = await cloud.images.describe([item.ami_id]);
  if (!image || image.state !== 'available') {
    throw new PawError(`the AMI of step ${previous} (${item.ami_id}) is ${image ? image.state : 'gone from EC2'}, not available`, {
      hint: `rebuild step ${previous} (paw-tui build ${previous})`,
    });
  }
  return { id: image.id, name: image.name };
}
