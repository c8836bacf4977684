import type { Command } from 'commander';
import { runHeadless } from './build.js';
import { emit, globalOptions } from './context.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description("render the step's templates and run `packer validate` (with the preflight checks of a build)")
    .argument('<step>', 'the step id')
    .option('--force', 'replace rendered files that differ from what the templates render now (the old text is kept in .paw/replaced/)', false)
    .action(async (stepId: string, options: { force: boolean }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { state } = await runHeadless(opts, stepId, { dryRun: true, validateOnly: true, onError: 'cleanup', notify: false, force: options.force });
      emit(opts, state, () => `step ${stepId}: the Packer configuration is valid`);
    });
}
