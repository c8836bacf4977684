import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { askYesNo, canAsk, emit, globalOptions, loadWorkflowFor, withCloud } from './context.js';

interface RecordOptions {
  ami: string;
  buildMethod?: string;
  /** false with --no-tag. */
  tag: boolean;
}

export function register(program: Command): void {
  program
    .command('record')
    .description('record an existing AMI as the output of a step in the catalog (DynamoDB); the AMI is described first')
    .argument('<step>', 'the step id')
    .requiredOption('--ami <id>', 'the AMI to record')
    .option('--build-method <method>', 'packer or manual (default: manual for a step without templates)')
    .option('--no-tag', 'do not tag the AMI and its snapshots first (the Python library tags them, then records)')
    .action(async (stepId: string, options: RecordOptions, cmd: Command) => {
      if (!/^ami-[0-9a-z]+$/.test(options.ami)) throw new UsageError(`"${options.ami}" is not an AMI id`, 'AMI ids look like ami-0123456789abcdef0');
      if (options.buildMethod !== undefined && options.buildMethod !== 'packer' && options.buildMethod !== 'manual') {
        throw new UsageError(`unknown --build-method "${options.buildMethod}"`, 'use packer or manual');
      }
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findStep } = await import('../workflow/load.js');
      const step = findStep(workflow, stepId);
      const { recordAmi } = await import('../aws/record.js');
      const { item, table } = await withCloud(opts, workflow, async (cloud) => ({
        item: await recordAmi(cloud, workflow, step, options.ami, {
          yes: opts.yes,
          ask: canAsk() ? askYesNo : undefined,
          buildMethod: (options.buildMethod as 'packer' | 'manual' | undefined) ?? (step.manual ? 'manual' : 'packer'),
          tag: options.tag,
        }),
        table: cloud.catalog.tableName,
      }));
      emit(opts, item, () =>
        [
          `recorded ${item.ami_id} as ${item.workflow_id}/${item.step_id} in ${table}${options.tag ? ' (AMI and snapshots tagged)' : ''}`,
          `  name     ${item.ami_name}`,
          `  base     ${item.base_ami_id} ${item.base_ami_name}`,
          `  at       ${item.create_at}`,
          `  console  ${item.aws_console_url}`,
        ].join('\n'),
      );
    });
}
