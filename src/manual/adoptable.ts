import type { Cloud, Instance } from '../aws/ports.js';
import { adoptedState } from './machine.js';

/** An instance the manual path could take over, as the app lists it. */
export interface AdoptableInstance {
  id: string;
  /** Its `Name` tag, or empty. */
  name: string;
  instanceType: string;
  state: string;
  launchTime: string;
}

/**
 * The instances of this account and region that could be adopted (the library's
 * `create_image_manually`): running or stopped, running ones first, newest first within each.
 */
export async function adoptableInstances(cloud: Cloud): Promise<AdoptableInstance[]> {
  const found = await cloud.instances.find({});
  return found
    .filter((i: Instance) => adoptedState(i.state) !== null)
    .sort((a, b) => rank(a) - rank(b) || Date.parse(b.launchTime) - Date.parse(a.launchTime))
    .map((i) => ({
      id: i.id,
      name: i.tags.Name ?? '',
      instanceType: i.instanceType,
      state: i.state,
      launchTime: i.launchTime,
    }));
}

/** Running (or about to: pending) before stopped, as adopting places them on the checklist. */
const rank = (i: Instance) => (adoptedState(i.state) === 'running' ? 0 : 1);
