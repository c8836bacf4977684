import path from 'node:path';
import type { Command } from 'commander';
import { PawError, UsageError } from '../errors.js';
import type { Step, Workflow } from '../workflow/types.js';
import { type GlobalOptions, emit, globalOptions, loadWorkflowFor, withCloud } from './context.js';

interface RenderOptions {
  sourceAmiId?: string;
  sourceAmiName?: string;
  force?: boolean;
}

interface Source {
  id: string;
  name: string;
  region: string;
}

/** Region without asking AWS: --region, region_name, the environment, then the profile's region in ~/.aws/config. */
async function localRegion(opts: GlobalOptions, workflow: Workflow): Promise<string> {
  const { resolveRegion } = await import('../aws/profile.js');
  const region = resolveRegion({ explicit: opts.region ?? workflow.param.region_name, profile: opts.profile ?? workflow.param.profile_name });
  if (!region) {
    throw new UsageError('no AWS region known', 'set region_name in workflow_param.json, pass --region, or give the profile a region in ~/.aws/config');
  }
  return region;
}

/**
 * The source AMI: given on the command line; the root base AMI for the first step; else the
 * catalog's AMI of the previous step, which needs the cloud (AWS, or the sandbox).
 */
async function sourceOf(opts: GlobalOptions, workflow: Workflow, step: Step, options: RenderOptions): Promise<Source> {
  if (Boolean(options.sourceAmiId) !== Boolean(options.sourceAmiName)) {
    throw new UsageError('--source-ami-id and --source-ami-name go together');
  }
  if (options.sourceAmiId && options.sourceAmiName) {
    return { id: options.sourceAmiId, name: options.sourceAmiName, region: await localRegion(opts, workflow) };
  }
  if (step.previousId === null) {
    const p = workflow.param;
    if (!p.root_base_ami_id || !p.root_base_ami_name) {
      throw new PawError('workflow_param.json has no root base AMI yet', { hint: 'pick one with: paw-tui base-ami --write' });
    }
    return { id: p.root_base_ami_id, name: p.root_base_ami_name, region: await localRegion(opts, workflow) };
  }
  try {
    return await withCloud(opts, workflow, async (cloud) => {
      const { sourceAmi } = await import('../aws/source.js');
      return { ...(await sourceAmi(cloud, workflow, step)), region: cloud.region };
    });
  } catch (e) {
    if (!(e instanceof PawError) || e.hint?.includes('--source-ami-id')) throw e;
    throw new PawError(e.message, {
      hint: `${e.hint ? `${e.hint}, or ` : ''}give the AMI of step ${step.previousId}: --source-ami-id <ami-…> --source-ami-name <name>`,
      exitCode: e.exitCode,
      cause: e,
    });
  }
}

/** The Packer that will run the files, so templates can match it; rendering works without one. */
async function installedPackerVersion(): Promise<string | undefined> {
  const { findPacker } = await import('../packer/find.js');
  return findPacker().then(
    (p) => p.version,
    () => undefined,
  );
}

export function register(program: Command): void {
  program
    .command('render')
    .description("render a step's templates/ into <step_id>.pkr.hcl, <step_id>.pkrvars.hcl ... in its folder")
    .argument('<step>', 'the step id')
    .option('--source-ami-id <id>', 'the AMI to build on (default: root base AMI, or the catalog AMI of the previous step)')
    .option('--source-ami-name <name>', 'its name (with --source-ami-id)')
    .option('--force', 'replace rendered files that differ from what the templates render now (the old text is kept in .paw/replaced/)', false)
    .action(async (stepId: string, options: RenderOptions, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findStep } = await import('../workflow/load.js');
      const step = findStep(workflow, stepId);
      if (step.manual) {
        throw new PawError(`step "${step.id}" is a manual step: it has no templates to render`, { hint: `use: paw-tui manual ${step.id}` });
      }
      const source = await sourceOf(opts, workflow, step, options);
      const packerVersion = await installedPackerVersion();
      const { renderStep } = await import('../workflow/render.js');
      const { files, replaced } = await renderStep(
        workflow,
        step,
        { sourceAmiId: source.id, sourceAmiName: source.name, region: source.region, packerVersion },
        { force: options.force === true },
      );
      emit(opts, { step: step.id, source_ami_id: source.id, source_ami_name: source.name, region: source.region, files, replaced }, () =>
        [
          `rendered ${step.id} on ${source.id} (${source.name}), region ${source.region}:`,
          ...files.map((f) => `  ${path.relative(process.cwd(), f) || f}${replaced.includes(f) ? ' (replaced; the old text is in .paw/replaced/)' : ''}`),
        ].join('\n'),
      );
    });
}
