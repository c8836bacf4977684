import type { Command } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

/**
 * Every subcommand, loaded only when named (or for --help), so one command never pays for the
 * imports of another.
 */
export const commandModules: Record<string, () => Promise<CommandModule>> = {
  manual: () => import('./manual.js'),
};
