import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { emit, globalOptions, loadWorkflowFor } from './context.js';

interface NewStepOptions {
  previous?: string;
  scaffold: string;
  folder?: string;
  meta?: string[];
  dryRun?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--meta key=value` pairs into the step's metadata. */
function metadataOf(pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--meta "${pair}" is not key=value`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

export function register(program: Command): void {
  const step = program.command('step').description('work with steps (see: paw-tui step new --help)');
  step
    .command('new')
    .description('create a step from a scaffold, chained after --previous (default: the last step)')
    .argument('<id>', 'the new step id (letters, digits, - _ .)')
    .option('--previous <id>', 'the step it builds on (default: the last step of the chain)')
    .option('--scaffold <name>', 'step1 (Packer templates) or manual (built by hand)', 'step1')
    .option('--folder <name>', 'folder name in the workflow (default: the id)')
    .option('--meta <key=value>', "an entry of the step's metadata (repeatable)", collect)
    .option('--dry-run', 'list the files it would write, write nothing', false)
    .action(async (id: string, options: NewStepOptions, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { SCAFFOLDS, createStep, previewStep } = await import('../workflow/scaffold.js');
      if (!(SCAFFOLDS as readonly string[]).includes(options.scaffold)) {
        throw new UsageError(`unknown scaffold "${options.scaffold}"`, `use one of: ${SCAFFOLDS.join(', ')}`);
      }
      const workflow = await loadWorkflowFor(opts);
      const spec = {
        id,
        previous: options.previous,
        scaffold: options.scaffold as 'step1' | 'manual',
        folder: options.folder,
        metadata: metadataOf(options.meta),
      };
      const plan = options.dryRun ? await previewStep(workflow, spec) : await createStep(workflow, spec);
      const files = plan.files.map((f) => path.join(plan.dir, f.path));
      const where = path.relative(process.cwd(), plan.dir) || plan.dir;
      emit(opts, { id: plan.id, previous_step_id: plan.previous, dir: plan.dir, files, written: !options.dryRun }, () =>
        [
          `${options.dryRun ? 'would create' : 'created'} step ${plan.id} in ${where} (${
            plan.previous === null ? 'the first step' : `after ${plan.previous}`
          }, scaffold ${spec.scaffold})`,
          ...plan.files.map((f) => `  ${f.path}`),
        ].join('\n'),
      );
    });
}
