import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { confirmed, emit, globalOptions, loadWorkflowFor, withCloud } from './context.js';

export function register(program: Command): void {
  program
    .command('publish')
    .description("write a step's AMI id to an SSM parameter (data type aws:ec2:image), e.g. for launch templates to read")
    .argument('<step>', 'the step id')
    .option('--ssm-parameter <name>', 'the parameter (default: the step\'s metadata "paw_publish_ssm_parameter")')
    .action(async (stepId: string, options: { ssmParameter?: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findStep } = await import('../workflow/load.js');
      const step = findStep(workflow, stepId);
      const { publishParameterOf } = await import('../layers/step-settings.js');
      const parameter = options.ssmParameter ?? publishParameterOf(step);
      if (!parameter) {
        throw new UsageError(
          `no parameter to publish ${step.id} to`,
          `pass --ssm-parameter NAME, or set "paw_publish_ssm_parameter" in the metadata of ${step.paramPath}`,
        );
      }
      const { executePublish, planPublish, publishLine } = await import('../layers/publish.js');
      const result = await withCloud(opts, workflow, async (cloud) => {
        const plan = await planPublish(cloud, workflow, step, parameter);
        if (plan.previous && plan.previous !== plan.ami_id) {
          const what = `overwriting ${parameter} (${plan.previous})`;
          if (!(await confirmed(opts, what, `${parameter} holds ${plan.previous}; replace it with ${plan.ami_id} (${plan.ami_name})?`))) return null;
        }
        return executePublish(cloud, workflow, step, plan);
      });
      if (result) emit(opts, result, () => publishLine(result));
    });
}
