import type { Cloud } from './aws/ports.js';
import { errorLine, PawError } from './errors.js';
import type { Workflow } from './workflow/types.js';

/**
 * The health checks of a workflow and its cloud: Packer, the chain, region, credentials, the
 * catalog table, the root base AMI (and a newer one), what was left behind, interrupted builds.
 * One place decides them; `paw-tui doctor` prints them.
 */

export interface Check {
  name: string;
  ok: boolean;
  /** What was found, or what is wrong and what to do. */
  detail: string;
}

async function check(name: string, run: () => Promise<string>): Promise<Check> {
  try {
    return { name, ok: true, detail: await run() };
  } catch (e) {
    return { name, ok: false, detail: errorLine(e) };
  }
}

const skipped = (name: string, why: string): Check => ({ name, ok: false, detail: `not checked: ${why}` });

/** How the face that asks opens what the checks look at; each failure becomes a check's line. */
export interface DoctorSources {
  /** The sandbox keeps its state inside the workflow folder: without one there is no cloud. */
  sandbox: boolean;
  loadWorkflow(): Promise<Workflow>;
  /** The cloud for the workflow's settings, or (null) only the command line's. */
  openCloud(workflow: Workflow | null): Promise<Cloud>;
}

/** Builds whose paw-tui died mid-run may have left an instance running (SPEC §3). */
async function interruptedRunsCheck(workflow: Workflow, cloud: Cloud | null): Promise<Check> {
  return check('interrupted', async () => {
    const { findInterruptedRuns, runCloudName } = await import('./packer/runs.js');
    const runs = await findInterruptedRuns(workflow, cloud ? await runCloudName(cloud) : undefined);
    if (runs.length === 0) return 'no interrupted builds';
    const named = runs.map((r) => `${r.stepId}${r.instanceId ? ` (${r.instanceId})` : ''}${r.cloud ? '' : ' (cloud unknown)'}`).join(', ');
    throw new PawError(`interrupted builds may have left instances running: ${named}`, {
      hint: 'check them with paw-tui runs, end them with paw-tui runs terminate',
    });
  });
}

/** The checks of `paw-tui doctor`, in order; the caller only prints them. */
export async function doctorChecks(sources: DoctorSources): Promise<Check[]> {
  let workflow: Workflow | null = null;
  const chain = await check('workflow', async () => {
    workflow = await sources.loadWorkflow();
    const w: Workflow = workflow;
    const steps = w.steps.map((s) => s.id).join(' → ') || 'no steps yet (paw-tui step new)';
    return `${w.param.workflow_id}: ${steps}`;
  });

  let cloud: Cloud | null = null;
  // The sandbox keeps its state inside the workflow folder: without one there is nothing to open.
  const region = !workflow && sources.sandbox ? skipped('region', 'the sandbox needs a workflow folder') : await check('region', async () => {
    cloud = await sources.openCloud(workflow);
    const c: Cloud = cloud;
    return `${c.region}${c.profile ? ` (profile ${c.profile})` : ''}${c.kind === 'sandbox' ? ' — sandbox, offline' : ''}`;
  });
  // Opening the sandbox points PAW_PACKER at its simulated packer, so Packer is looked for after.
  const packer = await check('packer', async () => {
    const { findPacker } = await import('./packer/find.js');
    const p = await findPacker();
    return `${p.version} (${[p.path, ...p.args].join(' ')})`;
  });

  const checks = [packer, chain, region];
  // Last, after the cloud checks: interrupted builds, for a workflow that loaded.
  const withRuns = async (list: Check[]): Promise<Check[]> => {
    const w = workflow as Workflow | null;
    return w ? [...list, await interruptedRunsCheck(w, cloud as Cloud | null)] : list;
  };
  const c = cloud as Cloud | null;
  if (!c) {
    checks.push(skipped('credentials', 'no region'), skipped('catalog table', 'no region'));
    return withRuns(checks);
  }
  try {
    const identity = await check('credentials', async () => {
      const who = await c.identity.whoAmI();
      return `${who.arn} (account ${who.account})`;
    });
    checks.push(identity);
    if (!identity.ok) {
      checks.push(skipped('catalog table', 'no credentials'));
      return withRuns(checks);
    }
    checks.push(
      await check('catalog table', async () => {
        if (await c.catalog.tableExists()) return `${c.catalog.tableName} exists`;
        throw new PawError(`${c.catalog.tableName} does not exist in ${c.region}`, {
          hint: 'it is created on the first record after you agree (paw-tui record <step> --ami <id> --yes)',
        });
      }),
    );
    const w = workflow as Workflow | null;
    if (w) {
      checks.push(
        await check('root base AMI', async () => {
          const [image] = await c.images.describe([w.param.root_base_ami_id]);
          if (!image) {
            throw new PawError(`${w.param.root_base_ami_id} does not exist in ${c.region}`, { hint: 'pick one with: paw-tui base-ami --write' });
          }
          if (image.state !== 'available') throw new PawError(`${image.id} is ${image.state}`, { hint: 'pick one with: paw-tui base-ami --write' });
          // A newer Ubuntu is a notice, not a failure: the same words and the same check as `steps`.
          const [{ newerBase }, { reasonText }] = await Promise.all([import('./layers/newer-base.js'), import('./layers/words.js')]);
          const newer = await newerBase(c, w);
          return `${image.id} ${image.name}${newer ? `; ${reasonText({ kind: 'newer_base', ...newer })} (paw-tui base-ami --write)` : ''}`;
        }),
      );
      // Found by tag, not by journal: what paw-tui launched and no journal owns any more.
      checks.push(
        await check('left behind', async () => {
          const { findLeftovers, leftoversText } = await import('./manual/leftovers.js');
          const lines = leftoversText(await findLeftovers(c, w));
          if (lines.length === 0) return 'nothing tagged for this workflow is unaccounted for';
          throw new PawError(lines.join('; '), { hint: 'end them with paw-tui runs terminate' });
        }),
      );
    }
    return withRuns(checks);
  } finally {
    await c.close();
  }
}
