import type { Cloud } from './aws/ports.js';
import { errorLine, PawError } from './errors.js';
import type { Workflow } from './workflow/types.js';

/**
 * The health checks of a workflow and its cloud: Packer, the chain, region, credentials, the
 * catalog table, the root base AMI (and a newer one), what was left behind, interrupted builds.
 * One list decides them (`healthChecks`); `paw-tui doctor` prints them and home shows them.
 */

export interface Check {
  name: string;
  ok: boolean;
  /** What was found, or what is wrong and what to do. */
  detail: string;
  /** A failure apart: what is wrong, and what to do when the check knows it. */
  problem?: { what: string; fix?: string };
  /** Not run: a check it needs did not pass. */
  skipped?: boolean;
}

/** What the checks look at, already opened; the errors are what opening them said. */
export interface CheckTarget {
  /** The sandbox keeps its state inside the workflow folder: without one there is no cloud. */
  sandbox: boolean;
  workflow: Workflow | null;
  workflowError?: unknown;
  cloud: Cloud | null;
  cloudError?: unknown;
}

/** A check with what it needs: it runs only once each check named in `needs` passed. */
export interface CheckSpec {
  name: string;
  needs: string[];
  /** When a need did not pass: listed as not checked (`skip`), or left out (`omit`). */
  unmet: 'skip' | 'omit';
  /** What was found; throws what is wrong (a PawError with a hint says what to do). */
  run(target: CheckTarget): Promise<string>;
  /** Why the check cannot run at all in this target, or null. */
  notApplicable?(target: CheckTarget): string | null;
}

function failed(name: string, e: unknown): Check {
  const problem = e instanceof PawError ? { what: e.message, ...(e.hint ? { fix: e.hint } : {}) } : { what: errorLine(e) };
  return { name, ok: false, detail: errorLine(e), problem };
}

/** What opening said, as an error a check can fail with. */
const asError = (e: unknown): Error => (e instanceof Error ? e : new PawError(errorLine(e)));

const skipped = (name: string, why: string): Check => ({ name, ok: false, detail: `not checked: ${why}`, skipped: true });

/** The cloud of a target, for checks that only run once the region check passed. */
function cloudOf(target: CheckTarget): Cloud {
  if (!target.cloud) throw new Error('the cloud is needed');
  return target.cloud;
}

/** The workflow and cloud of a target, for checks that only run once both passed. */
function opened(target: CheckTarget): { workflow: Workflow; cloud: Cloud } {
  if (!target.workflow) throw new Error('the workflow is needed');
  return { workflow: target.workflow, cloud: cloudOf(target) };
}

/** Builds whose paw-tui died mid-run may have left an instance running (SPEC §3). */
async function interrupted(target: CheckTarget): Promise<string> {
  const workflow = target.workflow;
  if (!workflow) throw new Error('the workflow is needed');
  const { currentInterruptions, findInterruptedRuns, runCloudName } = await import('./packer/runs.js');
  const cloud = target.cloud;
  const found = await findInterruptedRuns(workflow, cloud ? await runCloudName(cloud) : undefined);
  // One older than the step's last success is history (`paw-tui runs` lists it), not a problem.
  const built = found.length && cloud ? await cloud.catalog.listWorkflow(workflow.param.workflow_id).catch(() => []) : [];
  const runs = currentInterruptions(found, new Map(built.map((i) => [i.step_id, i])));
  // A manual journal that cannot be read hides where its manual path stands, instance and all.
  const { unreadableManualJournals, unreadableJournalFix } = await import('./manual/live.js');
  const broken = await unreadableManualJournals(workflow);
  if (broken.length) {
    throw new PawError(broken.map((j) => `manual journal of ${j.stepId} unreadable: ${j.line}`).join('; '), {
      hint: broken.map(unreadableJournalFix).join('; '),
    });
  }
  if (runs.length === 0) return 'no interrupted builds';
  const named = runs.map((r) => `${r.stepId}${r.instanceId ? ` (${r.instanceId})` : ''}${r.cloud ? '' : ' (cloud unknown)'}`).join(', ');
  throw new PawError(`interrupted builds may have left instances running: ${named}`, {
    hint: 'check them with paw-tui runs, end them with paw-tui runs terminate',
  });
}

/** Every check, in the order both faces show them. Add a check here and both show it. */
export const checkSpecs: CheckSpec[] = [
  {
    name: 'packer',
    needs: [],
    unmet: 'skip',
    async run() {
      const { findPacker } = await import('./packer/find.js');
      const p = await findPacker();
      return `${p.version} (${[p.path, ...p.args].join(' ')})`;
    },
  },
  {
    name: 'workflow',
    needs: [],
    unmet: 'skip',
    run(target) {
      const w = target.workflow;
      if (!w) return Promise.reject(asError(target.workflowError ?? 'no workflow loaded'));
      const steps = w.steps.map((s) => s.id).join(' → ') || 'no steps yet (paw-tui step new)';
      return Promise.resolve(`${w.param.workflow_id}: ${steps}`);
    },
  },
  {
    name: 'region',
    needs: [],
    unmet: 'skip',
    notApplicable(target) {
      if (target.cloud || target.cloudError) return null;
      if (target.workflow) return 'the cloud was not opened';
      // The sandbox keeps its state inside the workflow folder: without one there is no cloud.
      return target.sandbox ? 'the sandbox needs a workflow folder' : 'the workflow did not load';
    },
    run(target) {
      const c = target.cloud;
      if (!c) return Promise.reject(asError(target.cloudError));
      return Promise.resolve(`${c.region}${c.profile ? ` (profile ${c.profile})` : ''}${c.kind === 'sandbox' ? ' — sandbox, offline' : ''}`);
    },
  },
  {
    name: 'credentials',
    needs: ['region'],
    unmet: 'skip',
    async run(target) {
      const who = await cloudOf(target).identity.whoAmI();
      return `${who.arn} (account ${who.account})`;
    },
  },
  {
    name: 'catalog table',
    needs: ['region', 'credentials'],
    unmet: 'skip',
    async run(target) {
      const c = cloudOf(target);
      if (!(await c.catalog.tableExists())) {
        throw new PawError(`the catalog table ${c.catalog.tableName} does not exist in ${c.region}`, {
          hint: 'it is created on the first record after you agree (paw-tui record <step> --ami <id> --yes)',
        });
      }
      // The workflow's records must be readable too: home draws the chain from them.
      if (target.workflow) await c.catalog.listWorkflow(target.workflow.param.workflow_id);
      return `${c.catalog.tableName} exists`;
    },
  },
  {
    name: 'root base AMI',
    needs: ['workflow', 'region', 'credentials'],
    unmet: 'omit',
    async run(target) {
      const { workflow: w, cloud: c } = opened(target);
      const id = w.param.root_base_ami_id;
      const [image] = await c.images.describe([id]);
      if (!image) throw new PawError(`root base AMI ${id} does not exist in ${c.region}`, { hint: 'pick one with: paw-tui base-ami --write' });
      if (image.state !== 'available') throw new PawError(`root base AMI ${image.id} is ${image.state}`, { hint: 'pick one with: paw-tui base-ami --write' });
      // A newer Ubuntu is a notice, not a failure: the same words and the same check as `steps`.
      const [{ newerBase, pickNewerBaseCommand }, { newerBaseText }] = await Promise.all([import('./layers/newer-base.js'), import('./layers/words.js')]);
      const newer = await newerBase(c, w);
      return `${image.id} ${image.name}${newer ? `; ${newerBaseText(newer)} (${pickNewerBaseCommand(w.param.root_base_ami_name)})` : ''}`;
    },
  },
  {
    // Found by tag, not by journal: what paw-tui launched and no journal owns any more.
    name: 'left behind',
    needs: ['workflow', 'region', 'credentials'],
    unmet: 'omit',
    async run(target) {
      const { workflow: w, cloud: c } = opened(target);
      const { findLeftovers, leftoversText } = await import('./manual/leftovers.js');
      const lines = leftoversText(await findLeftovers(c, w));
      if (lines.length === 0) return 'nothing tagged for this workflow is unaccounted for';
      throw new PawError(lines.join('; '), { hint: 'end them with paw-tui runs terminate' });
    },
  },
  { name: 'interrupted', needs: ['workflow'], unmet: 'omit', run: interrupted },
];

/**
 * Runs every check of `checkSpecs` against what is open, each as soon as what it needs passed;
 * `onCheck` hears each result as it lands. The result keeps the list's order.
 */
export async function healthChecks(target: CheckTarget, onCheck?: (check: Check) => void): Promise<Check[]> {
  const results = new Map<string, Promise<Check | null>>();
  for (const spec of checkSpecs) {
    const result = (async (): Promise<Check | null> => {
      for (const need of spec.needs) {
        const before = await results.get(need);
        if (before?.ok) continue;
        return spec.unmet === 'omit' ? null : skipped(spec.name, `no ${need}`);
      }
      const why = spec.notApplicable?.(target) ?? null;
      if (why) return skipped(spec.name, why);
      try {
        return { name: spec.name, ok: true, detail: await spec.run(target) };
      } catch (e) {
        return failed(spec.name, e);
      }
    })().then((check) => {
      if (check) onCheck?.(check);
      return check;
    });
    results.set(spec.name, result);
  }
  const all = await Promise.all(results.values());
  return all.filter((c): c is Check => c !== null);
}

/** How `paw-tui doctor` opens what the checks look at; each failure becomes a check's line. */
export interface DoctorSources {
  sandbox: boolean;
  loadWorkflow(): Promise<Workflow>;
  /** The cloud for the workflow's settings, or (null) only the command line's. */
  openCloud(workflow: Workflow | null): Promise<Cloud>;
}

/** The checks of `paw-tui doctor`, in order; opens the workflow and the cloud, and closes the cloud. */
export async function doctorChecks(sources: DoctorSources): Promise<Check[]> {
  const target: CheckTarget = { sandbox: sources.sandbox, workflow: null, cloud: null };
  try {
    target.workflow = await sources.loadWorkflow();
  } catch (e) {
    target.workflowError = e;
  }
  // The sandbox keeps its state inside the workflow folder: without one there is nothing to open.
  if (target.workflow || !sources.sandbox) {
    try {
      target.cloud = await sources.openCloud(target.workflow);
    } catch (e) {
      target.cloudError = e;
    }
  }
  try {
    // Opening the sandbox points PAW_PACKER at its simulated packer, so Packer is looked for after.
    return await healthChecks(target);
  } finally {
    await target.cloud?.close();
  }
}
