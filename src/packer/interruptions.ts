// Which interrupted runs still matter, without the run files' reader (and its schema library):
// home draws this on its first frames.
import { parseCreateAt } from '../aws/create-at.js';
import type { CatalogItem } from '../aws/ports.js';
import type { InterruptedRun } from './runs.js';

/**
 * The interrupted runs that still matter: one older than the step's last success is history
 * (`paw-tui runs` lists it), not a state of the step.
 */
export function currentInterruptions(interrupted: InterruptedRun[], built: Map<string, CatalogItem> | undefined): InterruptedRun[] {
  return interrupted.filter((run) => {
    const item = built?.get(run.stepId);
    return !item || !(parseCreateAt(item.create_at) > parseCreateAt(run.startedAt));
  });
}
