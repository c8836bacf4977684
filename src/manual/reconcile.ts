import type { AmiImage, Cloud, Instance } from '../aws/ports.js';
import type { Step } from '../workflow/types.js';
import { type ManualJournal, updateJournal } from './journal.js';
import { type InstanceCondition, MACHINE, type ManualState, stateAfter, stateOf, stateOnInstance } from './machine.js';

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

/** How far behind ours EC2's clock may be when it dates an image (its creationDate). */
export const IMAGE_CLOCK_SLACK_MS = 60_000;

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

const id = (j: ManualJournal) => j.instanceId;

/**
 * What EC2's answer means for the table: gone (terminated, or missing past the grace time after
 * launch), stopped, running; null while a just-launched instance is not listed yet.
 */
function instanceCondition(instance: Instance | null, launchedAt: string | null): InstanceCondition | null {
  if (!instance) return launchedAt && Date.now() - Date.parse(launchedAt) < MISSING_GRACE_MS ? null : 'gone';
  if (GONE.has(instance.state)) return 'gone';
  if (STOPPING.has(instance.state)) return 'stopped';
  return 'running';
}

/** Fields that describe one attempt; cleared when the path starts again at launch. */
export const FRESH_ATTEMPT = {
  state: 'launch' as ManualState,
  requested: null,
  launchToken: null,
  runId: null,
  instanceId: null,
  adopted: false,
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

  if (j.requested?.action === 'launch' && j.launchToken) {
    // RunInstances may have started the instance before paw-tui stopped: EC2 finds it by the token.
    const [launched] = await cloud.instances.find({ clientToken: j.launchToken });
    if (launched) {
      await move(
        { state: stateAfter('launch'), requested: null, instanceId: launched.id, launchedAt: launched.launchTime || new Date().toISOString() },
        `instance ${launched.id} was launched before paw-tui stopped (found by its client token)`,
      );
      return { journal: j, instance: launched, image, notes };
    }
    notes.push('a launch was requested but no instance has its client token; launching again cannot start a second one (same token)');
  } else if (j.requested?.action === 'create-key-pair') {
    notes.push(`key pair ${j.keyName} was requested but its .pem was not saved; launching again replaces it`);
  }

  // What EC2 says about the instance, against what the table expects in this state.
  if (j.instanceId) {
    const condition = instanceCondition(inst, j.launchedAt);
    const target = condition ? stateOnInstance(s, condition) : null;
    if (target && condition) {
      const id = j.instanceId;
      if (target === 'launch') {
        await move({ ...FRESH_ATTEMPT }, `${gone(inst, id, j.launchedAt)}; the path starts again at launch`);
        return { journal: j, instance: inst, image: null, notes };
      }
      const note =
        target === 'record'
          ? `instance ${id} is already ${inst ? inst.state : 'gone'}`
          : s === 'stop'
            ? `stop of ${id} was already done (EC2 says ${inst?.state ?? 'gone'})`
            : condition === 'stopped'
              ? `instance ${id} was stopped outside paw-tui; going on from stopped`
              : `instance ${id} was started again outside paw-tui; back to connect`;
      await move({ state: target, requested: null }, note);
    } else if (s === 'stop' && j.requested && inst?.state === 'running') {
      notes.push(`stop of ${id(j)} was requested but EC2 still says running; asking again is harmless`);
    }
  }

  const imageRequested = j.requested?.action === 'create-image' ? j.requested : null;
  if (imageRequested) {
    // Made since the request, by EC2's clock, which may be behind ours: an older image of the name is not this one.
    const since = Date.parse(imageRequested.at) - IMAGE_CLOCK_SLACK_MS;
    const [found] = (await cloud.images.findOwnedByName(imageName)).filter((i) => !IMAGE_FAILED.has(i.state) && Date.parse(i.creationDate) >= since);
    if (found) {
      image = found;
      await move(
        { state: stateAfter('create-image'), requested: null, imageId: found.id, imageName },
        `image ${found.id} was created before paw-tui stopped; waiting for it`,
      );
    }
  }

  if (MACHINE[j.state].action === 'wait-image' && j.imageId) {
    const failed = imageFailure(image, j.imageId);
    if (failed) {
      await move({ state: stateOf('create-image'), requested: null, imageId: null }, `${failed}; create the image again`);
      image = null;
    }
  }

  return { journal: j, instance: inst, image, notes };
}
