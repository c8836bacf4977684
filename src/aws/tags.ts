import { outputAmiName } from '../workflow/names.js';
import type { Step, Workflow } from '../workflow/types.js';
import type { AmiImage, Cloud } from './ports.js';

/**
 * The tags of SPEC §4 for a step's AMI and its snapshots. The user's `aws_tags` come last so
 * they win over paw-tui's own (the Python library lets them override `Name` too).
 */
export function amiTags(workflow: Workflow, step: Step, source: { sourceAmiId: string; sourceAmiName: string; fingerprint?: string }): Record<string, string> {
  return {
    Name: outputAmiName(workflow, step),
    'packer:base_ami_id': source.sourceAmiId,
    'packer:base_ami_name': source.sourceAmiName,
    'packer:root_base_ami_id': workflow.param.root_base_ami_id,
    'packer:root_base_ami_name': workflow.param.root_base_ami_name,
    'paw:workflow_id': workflow.param.workflow_id,
    'paw:step_id': step.id,
    ...(source.fingerprint ? { 'paw:fingerprint': source.fingerprint } : {}),
    ...workflow.param.aws_tags,
  };
}

/** Tags an image and every snapshot behind it with the tags of SPEC §4. */
export async function tagAmi(
  cloud: Cloud,
  workflow: Workflow,
  step: Step,
  image: AmiImage,
  source: { sourceAmiId: string; sourceAmiName: string; fingerprint?: string },
): Promise<Record<string, string>> {
  const tags = amiTags(workflow, step, source);
  await cloud.images.tag([image.id, ...image.snapshotIds], tags);
  return tags;
}
