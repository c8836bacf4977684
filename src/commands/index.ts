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
  init: () => import('./init.js'),
  steps: () => import('./steps.js'),
  step: () => import('./step.js'),
  params: () => import('./params.js'),
  render: () => import('./render.js'),
  'base-ami': () => import('./base-ami.js'),
  record: () => import('./record.js'),
  amis: () => import('./amis.js'),
  doctor: () => import('./doctor.js'),
  validate: () => import('./validate.js'),
  build: () => import('./build.js'),
  runs: () => import('./runs.js'),
  workflow: () => import('./workflow.js'),
  publish: () => import('./publish.js'),
};
