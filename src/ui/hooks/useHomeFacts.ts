import { useEffect, useState } from 'react';
import type { CatalogItem, Cloud } from '../../aws/ports.js';
import { PawError, errorLine } from '../../errors.js';
import type { LiveManualInstance } from '../../manual/live.js';
import type { StepStatus } from '../../layers/states.js';
import type { InterruptedRun } from '../../packer/runs.js';
import type { Workflow } from '../../workflow/types.js';
import { parseCreateAt } from '../../aws/create-at.js';

/** A problem `doctor` would report, with what to do about it. */
export interface Problem {
  what: string;
  fix: string;
}

/** What the home screen shows beside the workflow; each part arrives on its own. */
export interface HomeFacts {
  identity?: { account: string; arn: string } | { error: string; fix?: string };
  packer?: { version: string; path: string } | { error: string };
  /** Catalog item per step id; undefined while loading. */
  built?: Map<string, CatalogItem>;
  catalogError?: string;
  tableMissing?: boolean;
  /** The catalog's table, once settled (configured, or found in the account). */
  tableName?: string;
  /** What is wrong with the root base AMI (gone, not available); null when it is fine. */
  rootAmiProblem?: string | null;
  manual: LiveManualInstance[];
  interrupted: InterruptedRun[];
  /** The cloud could not open: nothing from it will come. */
  noCloud?: boolean;
  /** Up to date / stale and why, per step id (src/layers/states.ts); undefined while loading. */
  layers?: Map<string, StepStatus>;
}

function problemOf(e: unknown): string {
  return errorLine(e);
}

/** The checks of `doctor` that the home screen shows, read after the first frame. */
export function useHomeFacts(workflow: Workflow | null, cloud: Cloud | null, generation: number, cloudError: unknown = null): HomeFacts {
  const [facts, setFacts] = useState<HomeFacts>({ manual: [], interrupted: [] });
  useEffect(() => {
    let live = true;
    const set = (patch: Partial<HomeFacts>) => live && setFacts((f) => ({ ...f, ...patch }));
    // What the cloud said before is not the truth any more once it cannot be asked.
    if (!cloud) set({ identity: undefined, built: undefined, rootAmiProblem: undefined, catalogError: undefined, tableMissing: undefined, layers: undefined, noCloud: Boolean(cloudError) });
    else set({ noCloud: false });
    if (workflow) {
      void import('../../manual/live.js')
        .then((m) => m.liveManualInstances(workflow))
        .then((manual) => set({ manual }), () => undefined);
      void import('../../packer/runs.js')
        .then(async (m) => m.findInterruptedRuns(workflow, cloud ? await m.runCloudName(cloud) : undefined))
        .then((interrupted) => set({ interrupted }), () => undefined);
    }
    // The sandbox names its simulated packer when it opens, so look for Packer after that (or
    // when the cloud could not open: Packer is still worth knowing about).
    if (workflow && (cloud || cloudError)) {
      void import('../../packer/find.js')
        .then((m) => m.findPacker())
        .then((p) => set({ packer: { version: p.version, path: [p.path, ...p.args].join(' ') } }), (e) => set({ packer: { error: problemOf(e) } }));
    }
    if (workflow && cloud) {
      cloud.identity.whoAmI().then(
        (identity) => set({ identity }),
        (e) => set({ identity: e instanceof PawError ? { error: e.message, fix: e.hint } : { error: problemOf(e) } }),
      );
      const root = workflow.param.root_base_ami_id;
      cloud.images.describe([root]).then(
        ([image]) =>
          set({ rootAmiProblem: !image ? `root base AMI ${root} does not exist in ${cloud.region}` : image.state !== 'available' ? `root base AMI ${root} is ${image.state}` : null }),
        (e) => set({ rootAmiProblem: problemOf(e) }),
      );
      cloud.catalog
        .tableExists()
        .then(async (exists) => {
          if (!exists) return set({ tableMissing: true, tableName: cloud.catalog.tableName, built: new Map() });
          const items = await cloud.catalog.listWorkflow(workflow.param.workflow_id);
          set({ tableMissing: false, built: new Map(items.map((i) => [i.step_id, i])), catalogError: undefined });
          const { stepStates } = await import('../../layers/states.js');
          // Whether a step is stale is extra: the chain is drawn without it when it cannot be known.
          const states = await stepStates({ cloud, workflow }).catch(() => null);
          if (states) set({ layers: new Map(states.map((s) => [s.step, s])) });
        })
        .catch((e) => set({ catalogError: problemOf(e), built: new Map() }));
    }
    return () => {
      live = false;
    };
  }, [workflow, cloud, generation, cloudError]);
  return { ...facts, interrupted: currentInterruptions(facts.interrupted, facts.built) };
}

/**
 * The interrupted runs home still has to show: one older than the step's last success is
 * history (`paw-tui runs` lists it), not a state of the step.
 */
export function currentInterruptions(interrupted: InterruptedRun[], built: Map<string, CatalogItem> | undefined): InterruptedRun[] {
  return interrupted.filter((run) => {
    const item = built?.get(run.stepId);
    return !item || !(parseCreateAt(item.create_at) > parseCreateAt(run.startedAt));
  });
}

/** Doctor-style problems from what is known so far. */
export function problemsOf(facts: HomeFacts, workflow: Workflow | null, workflowError: unknown, cloudError: unknown): Problem[] {
  const out: Problem[] = [];
  const parts = (e: unknown, fix: string): Problem => (e instanceof PawError ? { what: e.message, fix: e.hint ?? fix } : { what: errorLine(e), fix });
  if (workflowError) out.push(parts(workflowError, 'fix the file, then press r'));
  if (cloudError) out.push(parts(cloudError, 'check region and credentials in workflow_param.json, then press r'));
  // Without credentials every other call to the cloud fails the same way: one cause, one problem.
  const noCredentials = Boolean(facts.identity && 'error' in facts.identity);
  if (facts.identity && 'error' in facts.identity) {
    out.push({
      what: facts.identity.error,
      fix: facts.identity.fix ?? 'run `aws sso login` or `aws configure`, set profile_name in workflow_param.json, or try --sandbox',
    });
  }
  if (facts.packer && 'error' in facts.packer) out.push({ what: facts.packer.error, fix: 'install Packer (https://developer.hashicorp.com/packer/install) or set PAW_PACKER' });
  if (facts.tableMissing && workflow) {
    out.push({ what: `the catalog table ${facts.tableName ?? 'paw_ami_catalog'} does not exist yet`, fix: 'the first build asks before creating it' });
  }
  if (facts.rootAmiProblem && !noCredentials) out.push({ what: facts.rootAmiProblem, fix: 'press a to pick a current Ubuntu AMI' });
  if (facts.catalogError && !noCredentials) out.push({ what: facts.catalogError, fix: 'check the table name and your permissions' });
  for (const run of facts.interrupted) {
    out.push({
      what: `build of ${run.stepId} was cut off${run.instanceId ? ` — instance ${run.instanceId} may still run` : ''}`,
      fix: `highlight ${run.stepId} and press t to check and terminate its instance`,
    });
  }
  return out;
}
