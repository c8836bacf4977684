import { useEffect, useState } from 'react';
import type { CatalogItem, Cloud } from '../../aws/ports.js';
import { checkSpecs, type Check } from '../../doctor.js';
import type { LiveManualInstance, UnreadableManualJournal } from '../../manual/live.js';
import type { NewerBase } from '../../layers/newer-base.js';
import type { StepStatus } from '../../layers/states.js';
import { currentInterruptions } from '../../packer/interruptions.js';
import type { InterruptedRun } from '../../packer/runs.js';
import type { Workflow } from '../../workflow/types.js';

/** A problem a check found, with what to do about it from home. */
export interface Problem {
  what: string;
  fix: string;
}

/** What the home screen shows beside the workflow; each part arrives on its own. */
export interface HomeFacts {
  /** The checks of `paw-tui doctor` (src/doctor.ts) landed so far, in doctor's order. */
  checks: Check[];
  /** Catalog item per step id; undefined while loading. */
  built?: Map<string, CatalogItem>;
  manual: LiveManualInstance[];
  /** Manual journals that exist and cannot be read (a live instance may be behind one). */
  manualUnreadable?: UnreadableManualJournal[];
  interrupted: InterruptedRun[];
  /** The cloud could not open: nothing from it will come. */
  noCloud?: boolean;
  /**
   * Up to date / stale and why, per step id, as `steps` says it (src/layers/states.ts: a newer
   * Ubuntu makes every built step stale); undefined while loading.
   */
  layers?: Map<string, StepStatus>;
  /** A newer Ubuntu than the root base AMI; null when there is none. */
  newerBase?: NewerBase | null;
  /** Why the look for a newer Ubuntu failed (the steps are then judged without it). */
  newerBaseError?: string | null;
}

const specOrder = (check: Check) => checkSpecs.findIndex((s) => s.name === check.name);

/** The session as home holds it: the workflow and the cloud, each loaded or failed. */
export interface HomeSession {
  workflow: Workflow | null;
  workflowError: unknown;
  cloud: Cloud | null;
  cloudError: unknown;
  generation: number;
}

/** The doctor's checks and the chain's facts, read after the first frame. */
export function useHomeFacts(session: HomeSession, sandbox: boolean): HomeFacts {
  const { workflow, workflowError, cloud, cloudError, generation } = session;
  const [facts, setFacts] = useState<HomeFacts>({ checks: [], manual: [], interrupted: [] });
  useEffect(() => {
    let live = true;
    const set = (patch: Partial<HomeFacts> | ((f: HomeFacts) => Partial<HomeFacts>)) =>
      live && setFacts((f) => ({ ...f, ...(typeof patch === 'function' ? patch(f) : patch) }));
    // What the cloud said before is not the truth any more once it cannot be asked.
    // A reload keeps the last checks on screen until each is replaced.
    set(!cloud ? { checks: [], built: undefined, layers: undefined, newerBase: undefined, noCloud: Boolean(cloudError) } : { noCloud: false });
    if (workflow) {
      void import('../../manual/live.js')
        .then(async (m) => ({ manual: await m.liveManualInstances(workflow), manualUnreadable: await m.unreadableManualJournals(workflow) }))
        .then(set, () => undefined);
      void import('../../packer/runs.js')
        .then(async (m) => m.findInterruptedRuns(workflow, cloud ? await m.runCloudName(cloud) : undefined))
        .then(
          (interrupted) => set({ interrupted }),
          () => undefined,
        );
    }
    // The chain's builds first: they are what home is for.
    const chain: Promise<unknown> =
      workflow && cloud
        ? cloud.catalog
            .tableExists()
            .then(async (exists) => {
              if (!exists) return set({ built: new Map() });
              const items = await cloud.catalog.listWorkflow(workflow.param.workflow_id);
              set({ built: new Map(items.map((i) => [i.step_id, i])) });
              const { chainStates } = await import('../../layers/states.js');
              // Whether a step is stale is extra: the chain is drawn without it when it cannot be known.
              void chainStates(cloud, workflow)
                .then(({ states, newerBase, newerBaseError }) => set({ layers: new Map(states.map((s) => [s.step, s])), newerBase, newerBaseError }))
                .catch(() => undefined);
            })
            // The catalog check says why; the chain shows the steps without their builds.
            .catch(() => set({ built: new Map() }))
        : Promise.resolve();
    // The checks run once the session settled: the sandbox names its simulated packer when it
    // opens, so Packer is looked for after that.
    if ((workflow && (cloud || cloudError)) || workflowError) {
      void chain
        .then(() => import('../../doctor.js'))
        .then((m) =>
          m.healthChecks({ sandbox, workflow, workflowError, cloud, cloudError }, (check) =>
            set((f) => ({ checks: [...f.checks.filter((c) => c.name !== check.name), check].sort((a, b) => specOrder(a) - specOrder(b)) })),
          ),
        )
        .then(
          (checks) => set({ checks }),
          () => undefined,
        );
    }
    return () => {
      live = false;
    };
  }, [workflow, workflowError, cloud, cloudError, generation, sandbox]);
  return { ...facts, interrupted: currentInterruptions(facts.interrupted, facts.built) };
}

/** What to do about a failed check, said with home's own keys where home has one. */
const homeFix: Record<string, (check: Check, facts: HomeFacts) => string | undefined> = {
  workflow: (c) => c.problem?.fix ?? 'fix the file, then press r',
  region: (c) => c.problem?.fix ?? 'check region and credentials in workflow_param.json, then press r',
  credentials: (c) => c.problem?.fix ?? 'run `aws sso login` or `aws configure`, set profile_name in workflow_param.json, or try --sandbox',
  packer: (c) => c.problem?.fix ?? 'install Packer (https://developer.hashicorp.com/packer/install) or set PAW_PACKER',
  'root base AMI': () => 'press a to pick a current Ubuntu AMI',
  interrupted: (c, facts) =>
    facts.interrupted.length
      ? `highlight ${facts.interrupted.map((r) => r.stepId).join(', ')} and press t to check and terminate its instance`
      : c.problem?.fix,
};

/** The failed checks as home shows them; a check not run because another failed is no problem of its own. */
export function problemsOf(facts: HomeFacts): Problem[] {
  return facts.checks
    .filter((c) => !c.ok && !c.skipped)
    .map((c) => ({ what: c.problem?.what ?? c.detail, fix: homeFix[c.name]?.(c, facts) ?? c.problem?.fix ?? 'run paw-tui doctor for more' }));
}
