import { existsSync } from 'node:fs';
import type { Cloud, Instance } from '../aws/ports.js';
import { readRunRecords } from '../packer/runs.js';
import type { Workflow } from '../workflow/types.js';
import { readJournal } from './journal.js';
import { pemPathFor } from './launch.js';

/**
 * Cloud resources carrying this workflow's tags that no journal owns: an instance whose journal
 * was lost or is unreadable, a key pair paw-tui created whose private key never reached the
 * disk. Found by tag, not by journal, so nothing paw-tui launched is ever lost track of.
 */
export interface Leftovers {
  instances: Instance[];
  keyPairs: string[];
}

/** Instance ids and key names the journals still account for. */
async function owned(
  workflow: Workflow,
): Promise<{ instances: Set<string>; unreadable: string[] }> {
  const instances = new Set<string>();
  const unreadable: string[] = [];
  for (const step of workflow.steps) {
    try {
      const j = await readJournal(step);
      if (j?.instanceId) instances.add(j.instanceId);
    } catch {
      unreadable.push(step.id);
    }
    for (const run of await readRunRecords(step)) {
      // A run not yet resolved owns its instance (an orphaned one is dealt with by `runs` itself).
      if (run.instanceId && run.status !== 'resolved') instances.add(run.instanceId);
    }
  }
  return { instances, unreadable };
}

export async function findLeftovers(cloud: Cloud, workflow: Workflow): Promise<Leftovers> {
  const workflowId = workflow.param.workflow_id;
  const [tagged, keyPairs, journals] = await Promise.all([
    cloud.instances.find({ tags: { 'paw:workflow_id': workflowId } }),
    cloud.instances.keyPairs(),
    owned(workflow),
  ]);
  const instances = tagged.filter(
    (i) => i.state !== 'terminated' && i.state !== 'shutting-down' && !journals.instances.has(i.id),
  );
  const leakedKeys = keyPairs
    .filter((k) => k.tags?.['paw:workflow_id'] === workflowId)
    .filter((k) => {
      const step = workflow.steps.find((s) => s.id === k.tags?.['paw:step_id']);
      return !step || !existsSync(pemPathFor(step, k.name));
    })
    .map((k) => k.name);
  return { instances, keyPairs: leakedKeys };
}

/** Terminates the instances and deletes the key pairs found; returns what was done, one line each. */
export async function cleanLeftovers(cloud: Cloud, found: Leftovers): Promise<string[]> {
  const done: string[] = [];
  for (const i of found.instances) {
    await cloud.instances.terminate(i.id);
    done.push(
      `terminated instance ${i.id} (was ${i.state}; tagged for step ${i.tags['paw:step_id'] ?? '?'}, in no journal)`,
    );
  }
  for (const k of found.keyPairs) {
    await cloud.instances.deleteKeyPair(k);
    done.push(`deleted key pair ${k} (its private key was never saved)`);
  }
  return done;
}

export function leftoversText(found: Leftovers): string[] {
  return [
    ...found.instances.map(
      (i) =>
        `instance ${i.id} (${i.state}) tagged for step ${i.tags['paw:step_id'] ?? '?'} is in no journal`,
    ),
    ...found.keyPairs.map(
      (k) => `key pair ${k} was made by paw-tui and its private key is not here`,
    ),
  ];
}
