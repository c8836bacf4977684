import type { AmiImage, Cloud, Instance } from '../aws/ports.js';
import type { Step } from '../workflow/types.js';
import { type ManualJournal, updateJournal } from './journal.js';
import { type ManualState, stateIndex } from './machine.js';

/**
 * Brings the journal in line with what EC2 really holds. Someone may have stopped or
 * terminated the instance by hand, an image may have failed, or paw-tui may have died between a
 * cloud call and its journal write (the `requested` intent says so). Every correction is a
 * journal entry and a note the user sees; nothing is launched, stopped or deleted here.
 */

export interface Reconciled {
  journal: ManualJournal;
  instance: Instance | null;
  image: AmiImage | null;
  notes: string[];
}

const GONE = new Set(['shutting-down', 'terminated']);
const STOPPING = new Set(['stopping', 'stopped']);
const IMAGE_FAILED = new Set(['failed', 'error', 'invalid', 'deregistered']);

export function imageFailure(image: AmiImage | null, imageId: string): string | null {
  if (!image) return `image ${imageId} no longer exists`;
  if (!IMAGE_FAILED.has(image.state)) return null;
  const reason = (image.raw.StateReason as { Message?: string } | undefined)?.Message;
  return `image ${imageId} ${image.state}${reason ? `: ${reason}` : ''}`;
}

/** EC2 may not list an instance for a short while after RunInstances answered. */
export const MISSING_GRACE_MS = 120_000;

function gone(instance: Instance | null, id: string, launchedAt: string | null): string | null {
  if (!instance) {
    if (launchedAt && Date.now() - Date.parse(launchedAt) < MISSING_GRACE_MS) return null;
    return `instance ${id} no longer exists in EC2`;
  }
  if (!GONE.has(instance.state)) return null;
  return `instance ${id} was terminated outside paw-tui${instance.stateReason ? ` (${instance.stateReason})` : ''}`;
}

/** Fields that describe one attempt; cleared when the path starts again at launch. */
export const FRESH_ATTEMPT = {
  state: 'launch' as ManualState,
  requested: null,
  launchToken: null,
  instanceId: null,
  launchedAt: null,
  imageId: null,
  imageName: null,
};

export async function reconcile(cloud: Cloud, step: Step, journal: ManualJournal, imageName: string): Promise<Reconciled> {
  let j = journal;
  const notes: string[] = [];
  const move = async (change: Partial<ManualJournal>, note: string) => {
    j = await updateJournal(step, j, change, note);
    notes.push(note);
  };

  const [instance] = j.instanceId ? await cloud.instances.describe([j.instanceId]) : [];
  let image: AmiImage | null = null;
  if (j.imageId) [image = null] = await cloud.images.describe([j.imageId]);
  const inst = instance ?? null;
  const s = j.state;

  if (s === 'launch' && j.requested) {
    notes.push('a launch was requested but its answer was not recorded; launching again finds the same instance (same client token)');
  }

  // The instance matters until the image is safe; after that, its end is expected.
  if (j.instanceId && stateIndex(s) >= stateIndex('running') && stateIndex(s) <= stateIndex('create-image')) {
    const lost = gone(inst, j.instanceId, j.launchedAt);
    if (lost) {
      await move({ ...FRESH_ATTEMPT }, `${lost}; the path starts again at launch`);
      return { journal: j, instance: inst, image: null, notes };
    }
  }

  if ((s === 'running' || s === 'connect') && inst && STOPPING.has(inst.state)) {
    await move({ state: 'stopped', requested: null }, `instance ${j.instanceId} was stopped outside paw-tui; going on from stopped`);
  } else if (s === 'stop' && inst && STOPPING.has(inst.state)) {
    await move({ state: 'stopped', requested: null }, `stop of ${j.instanceId} was already done (EC2 says ${inst.state})`);
  } else if (s === 'stop' && j.requested && inst?.state === 'running') {
    notes.push(`stop of ${j.instanceId} was requested but EC2 still says running; asking again is harmless`);
  } else if (s === 'stopped' && inst && (inst.state === 'running' || inst.state === 'pending')) {
    await move({ state: 'connect', requested: null }, `instance ${j.instanceId} was started again outside paw-tui; back to connect`);
  }

  if (j.state === 'create-image' && j.requested) {
    const [found] = (await cloud.images.findOwnedByName(imageName)).filter(
      (i) => !IMAGE_FAILED.has(i.state) && Date.parse(i.creationDate) >= Date.parse(j.requested!.at) - 60_000,
    );
    if (found) {
      image = found;
      await move(
        { state: 'image-available', requested: null, imageId: found.id, imageName },
        `image ${found.id} was created before paw-tui stopped; waiting for it`,
      );
    }
  }

  if (j.state === 'image-available' && j.imageId) {
    const failed = imageFailure(image, j.imageId);
    if (failed) {
      await move({ state: 'create-image', requested: null, imageId: null }, `${failed}; create the image again`);
      image = null;
    }
  }

  if (j.state === 'terminate' && j.instanceId && (!inst || GONE.has(inst.state))) {
    await move({ state: 'record', requested: null }, `instance ${j.instanceId} is already ${inst ? inst.state : 'gone'}`);
  }

  return { journal: j, instance: inst, image, notes };
}
