import type { Command } from 'commander';
import { emit, globalOptions, loadWorkflowFor } from './context.js';

export function register(program: Command): void {
  program
    .command('steps')
    .description('the chain of steps of the workflow, first step first')
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { outputAmiName } = await import('../workflow/names.js');
      const path = await import('node:path');
      const steps = workflow.steps.map((s) => ({
        id: s.id,
        previous_step_id: s.previousId,
        folder: s.folderName,
        dir: s.dir,
        kind: s.manual ? 'manual' : 'packer',
        output_ami_name: outputAmiName(workflow, s),
      }));
      emit(opts, { workflow_id: workflow.param.workflow_id, dir: workflow.dir, steps }, () => {
        const where = path.relative(process.cwd(), workflow.dir) || '.';
        if (steps.length === 0) return `workflow ${workflow.param.workflow_id} (${where}): no steps yet — add one with: paw-tui step new <id>`;
        const idWidth = Math.max(...steps.map((s) => s.id.length));
        const folderWidth = Math.max(...steps.map((s) => s.folder.length));
        const lines = steps.map(
          (s, i) =>
            `  ${String(i + 1).padStart(2)}. ${s.id.padEnd(idWidth)}  ${s.folder.padEnd(folderWidth)}  ${s.kind.padEnd(6)}  ${
              s.previous_step_id === null ? 'first step' : `after ${s.previous_step_id}`
            }`,
        );
        return [`workflow ${workflow.param.workflow_id} (${where}): ${steps.map((s) => s.id).join(' → ')}`, ...lines].join('\n');
      });
    });
}
