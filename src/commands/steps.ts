import type { Command } from 'commander';
import { errorLine } from '../errors.js';
import { noticeText, STATE_SIGN, statusLine, stepStates, type StepStatus } from '../layers/states.js';
import { emit, globalOptions, loadWorkflowFor, withCloud } from './context.js';

export function register(program: Command): void {
  program
    .command('steps')
    .description('the chain of steps of the workflow, first step first, with what is up to date and why the rest is stale')
    .option('--offline', 'only the chain from the files: no look at the catalog or EC2', false)
    .action(async (options: { offline: boolean }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { outputAmiName } = await import('../workflow/names.js');
      const path = await import('node:path');
      let states: Map<string, StepStatus> | null = null;
      let stateError: string | null = null;
      if (!options.offline && workflow.steps.length > 0) {
        try {
          const { newerBase } = await import('../layers/newer-base.js');
          const list = await withCloud(opts, workflow, async (cloud) =>
            stepStates({ cloud, workflow, newerBase: await newerBase(cloud, workflow).catch(() => null) }),
          );
          states = new Map(list.map((s) => [s.step, s]));
        } catch (e) {
          stateError = errorLine(e);
        }
      }
      const steps = workflow.steps.map((s) => {
        const st = states?.get(s.id);
        return {
          id: s.id,
          previous_step_id: s.previousId,
          folder: s.folderName,
          dir: s.dir,
          kind: s.manual ? 'manual' : 'packer',
          output_ami_name: outputAmiName(workflow, s),
          ...(st
            ? {
                state: st.state,
                stale_reasons: st.stale_reasons,
                ami_id: st.ami_id,
                age_days: st.age_days,
                fingerprint: st.fingerprint,
                recorded_fingerprint: st.recorded_fingerprint,
                carried_from: st.carried_from,
                notices: st.notices,
                stale_detail: st.stale_detail,
              }
            : options.offline
              ? {}
              : { state: 'unknown' }),
        };
      });
      const data = { workflow_id: workflow.param.workflow_id, dir: workflow.dir, steps, ...(stateError ? { state_error: stateError } : {}) };
      emit(opts, data, () => {
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
        const out = [`workflow ${workflow.param.workflow_id} (${where}): ${steps.map((s) => s.id).join(' → ')}`, ...lines];
        return out.join('\n') + (states ? '\n' + stateText([...states.values()]) : stateError ? `\nstate unknown: ${stateError}` : '');
      });
    });
}

/** One line per step: ● up to date / ◐ stale: why / ○ not built. */
export function stateText(states: StepStatus[]): string {
  return states.flatMap((s) => [`  ${STATE_SIGN[s.state]} ${statusLine(s)}`, ...s.notices.map((n) => `    ${noticeText(n)}`)]).join('\n');
}
