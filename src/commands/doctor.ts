import type { Command } from 'commander';
import { doctorChecks } from '../doctor.js';
import type { Workflow } from '../workflow/types.js';
import { emit, globalOptions, loadWorkflowFor, openCloudFor, type GlobalOptions } from './context.js';

/** A cloud for the checks: the workflow's settings when it loads, else only the command line's. */
async function openForDoctor(opts: GlobalOptions, workflow: Workflow | null) {
  if (workflow) return openCloudFor(opts, workflow);
  const { openCloud } = await import('../aws/open.js');
  return openCloud({
    sandbox: opts.sandbox,
    workflowDir: opts.workflow,
    region: opts.region ?? null,
    profile: opts.profile ?? null,
    credentials: null,
    table: opts.table ? { name: opts.table, source: '--table' } : null,
  });
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check Packer, the workflow chain, region, credentials, the catalog table and the root base AMI')
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const checks = await doctorChecks({
        sandbox: opts.sandbox,
        loadWorkflow: () => loadWorkflowFor(opts),
        openCloud: (workflow) => openForDoctor(opts, workflow),
      });
      emit(opts, checks, () => checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(13)}  ${c.detail}`).join('\n'));
      if (checks.some((c) => !c.ok)) process.exitCode = 1;
    });
}
