import type { Command } from 'commander';
import { runHeadless } from './build.js';
import { emit, globalOptions } from './context.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description("render the step's templates and run `packer validate` (with the preflight checks of a build)")
    .argument('<step>', 'the step id')
    .action(async (stepId: string, _options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { state } = await runHeadless(opts, stepId, { dryRun: true, validateOnly: true, onError: 'cleanup', notify: false });
      emit(opts, state, () => `step ${stepId}: the Packer configuration is valid`);
    });
}
