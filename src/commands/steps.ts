import type { Command } from 'commander';
import { errorLine } from '../errors.js';
import type { NewerBase } from '../layers/newer-base.js';
import { newerBaseUnknown, STATE_SIGN, statusLine, type StepStatus } from '../layers/states.js';
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
      const { newerBaseAdvice } = await import('../layers/newer-base.js');
      const path = await import('node:path');
      let states: Map<string, StepStatus> | null = null;
      let newer: NewerBase | null = null;
      let newerError: string | null = null;
      let stateError: string | null = null;
      if (!options.offline && workflow.steps.length > 0) {
        try {
          const { chainStates } = await import('../layers/states.js');
          const chain = await withCloud(opts, workflow, (cloud) => chainStates(cloud, workflow));
          states = new Map(chain.states.map((s) => [s.step, s]));
          newer = chain.newerBase;
          newerError = chain.newerBaseError;
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
                stale_detail: st.stale_detail,
              }
            : options.offline
              ? {}
              : { state: 'unknown' }),
        };
      });
      const data = {
        workflow_id: workflow.param.workflow_id,
        dir: workflow.dir,
        ...(states ? { newer_base: newer } : {}),
        ...(newerError ? { newer_base_error: newerError } : {}),
        steps,
        ...(stateError ? { state_error: stateError } : {}),
      };
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
        if (stateError) out.push(`state unknown: ${stateError}`);
        if (states) out.push(...[...states.values()].map((s) => `  ${STATE_SIGN[s.state]} ${statusLine(s)}`));
        if (newer) out.push(newerBaseAdvice(newer, workflow.param.root_base_ami_name));
        if (newerError) out.push(newerBaseUnknown(newerError));
        return out.join('\n');
      });
    });
}
