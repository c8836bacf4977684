import { type AmiCopy } from '../aws/copies.js';
import type { AmiImage, Cloud } from '../aws/ports.js';
import { waitForAvailableAmi } from '../packer/manifest.js';
import type { Step, Workflow } from '../workflow/types.js';
import { distributionOf } from './step-settings.js';
import { formatDuration } from '../duration.js';

/**
 * After a good build: shares the AMI with the step's accounts, copies it to each of its regions
 * (tags copied), waits for each copy, shares it, and lists the copies in the catalog item. The
 * client token is the AMI and region, so running it again finds the copies already made.
 */
export async function distributeAfterBuild(cloud: Cloud, workflow: Workflow, step: Step, image: AmiImage, note: (line: string) => void): Promise<AmiCopy[]> {
  const distribution = distributionOf(step, cloud.region);
  if (!distribution) return [];
  const { regions, accounts } = distribution;
  if (accounts.length) {
    await cloud.images.share(image.id, image.snapshotIds, accounts);
    note(`shared ${image.id} with ${accounts.join(', ')}`);
  }
  const copies: AmiCopy[] = [];
  for (const [i, region] of regions.entries()) {
    const images = cloud.imagesIn(region);
    const copyId = await images.copyFrom({
      sourceImageId: image.id,
      sourceRegion: cloud.region,
      name: image.name,
      description: image.description || `copy of ${image.id} from ${cloud.region}`,
      clientToken: `paw-copy-${image.id}-${region}`,
    });
    note(`copying ${image.id} to ${region} as ${copyId} (${i + 1}/${regions.length})`);
    const copy = await waitForAvailableAmi({ ...cloud, region, images }, copyId, {
      onWait: (state, elapsedMs) => note(`waiting for ${copyId} in ${region} (${state}, ${formatDuration(elapsedMs)})`),
    });
    if (accounts.length) await images.share(copy.id, copy.snapshotIds, accounts);
    copies.push({ region, ami_id: copy.id });
    note(`${region}: ${copy.id} available${accounts.length ? `, shared with ${accounts.join(', ')}` : ''}`);
  }
  if (copies.length) {
    const item = await cloud.catalog.get(workflow.param.workflow_id, step.id);
    if (item?.ami_id === image.id) await cloud.catalog.put({ ...item, copies: JSON.stringify(copies) });
  }
  return copies;
}
