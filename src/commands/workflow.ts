import type { Command } from 'commander';
import { emit, globalOptions, loadWorkflowFor, withCloud } from './context.js';

export function register(program: Command): void {
  const workflow = program.command('workflow').description('the workflow as a whole');
  workflow
    .command('bump')
    .description('start a new workflow version (a new workflow_id), carrying over the AMIs of the steps that are up to date')
    .option('--prefix <prefix>', 'the new id is <prefix>-YYYY-MM-DD-HH-MM-SS (default: the current id without its timestamp)')
    .action(async (options: { prefix?: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const wf = await loadWorkflowFor(opts);
      const { bumpWorkflow } = await import('../layers/bump.js');
      const result = await withCloud(opts, wf, (cloud) => bumpWorkflow(cloud, wf, { prefix: options.prefix }));
      emit(opts, result, () =>
        [
          `workflow_id: ${result.from} → ${result.to}`,
          ...result.carried.map((c) => `  carried over  ${c.step} (${c.ami_id})`),
          ...result.to_build.map((b) => `  to build      ${b.step} (${b.state.replace(/_/g, ' ')})`),
          result.to_build.length ? 'next: paw-tui build --all' : 'every step carried over: nothing to build',
        ].join('\n'),
      );
    });
}
