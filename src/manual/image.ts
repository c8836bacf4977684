import type { Cloud } from '../aws/ports.js';
import { amiTags } from '../aws/tags.js';
import { PawError } from '../errors.js';
import { checkOutputAmiName, outputAmiName } from '../workflow/names.js';
import type { Step, Workflow } from '../workflow/types.js';
import type { ManualJournal } from './journal.js';
import { imageFailure } from './reconcile.js';

/**
 * The output AMI name, checked and free. A failed image of that name (an earlier attempt) is
 * deregistered, since it can never be used and holds the name; any other image holding it is
 * the user's to delete, so it is refused with the way to do that. Returns the ids deregistered.
 */
export async function freeOutputName(cloud: Cloud, workflow: Workflow, step: Step): Promise<{ name: string; deregistered: string[] }> {
  const name = outputAmiName(workflow, step);
  checkOutputAmiName(name);
  const deregistered: string[] = [];
  for (const taken of await cloud.images.findOwnedByName(name)) {
    if (!imageFailure(taken, taken.id)) {
      throw new PawError(`output AMI name "${name}" is taken by ${taken.id} (${taken.state})`, {
        hint: `delete it (paw-tui amis delete ${taken.id}), then: paw-tui manual ${step.id} image`,
      });
    }
    await cloud.images.deregister(taken.id);
    deregistered.push(taken.id);
  }
  return { name, deregistered };
}

/** CreateImage's input: the instance, the output name, and the tags of SPEC §4 for the image and its snapshots. */
export function createImageInput(workflow: Workflow, step: Step, journal: ManualJournal, name: string) {
  return {
    instanceId: journal.instanceId!,
    name,
    description: `paw-tui manual build of ${workflow.param.workflow_id}/${step.id} from ${journal.sourceAmiId}`,
    tags: amiTags(workflow, step, { sourceAmiId: journal.sourceAmiId!, sourceAmiName: journal.sourceAmiName ?? '' }),
  };
}
