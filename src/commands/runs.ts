import type { Command } from 'commander';
import { confirmed, emit, globalOptions, loadWorkflowFor, withCloud } from './context.js';

/**
 * Builds whose paw-tui process died (or that were stopped by force) may have left their build
 * instance running. `runs` lists them with the instance's real state; `runs terminate` ends
 * those instances and marks the runs resolved.
 */
export function register(program: Command): void {
  const runs = program
    .command('runs')
    .description('interrupted builds whose instance may be left running: list them, or terminate their instances');

  runs
    .command('list', { isDefault: true })
    .description('interrupted runs, with their build instance and its state in EC2')
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findInterruptedRuns } = await import('../packer/runs.js');
      const found = await findInterruptedRuns(workflow);
      const rows = found.length
        ? await withCloud(opts, workflow, async (cloud) => {
            const ids = found.flatMap((r) => (r.instanceId ? [r.instanceId] : []));
            const states = new Map((ids.length ? await cloud.instances.describe(ids) : []).map((i) => [i.id, i.state]));
            return found.map((r) => ({
              runId: r.runId,
              stepId: r.stepId,
              startedAt: r.startedAt,
              status: r.status,
              packerRunning: r.packerRunning,
              instanceId: r.instanceId ?? null,
              instanceState: r.instanceId ? (states.get(r.instanceId) ?? 'not found') : null,
            }));
          })
        : [];
      emit(opts, rows, () =>
        rows.length === 0
          ? 'no interrupted runs'
          : [
              ...rows.map(
                (r) =>
                  `${r.stepId}  run ${r.runId}  started ${r.startedAt}  ${r.instanceId ? `instance ${r.instanceId} (${r.instanceState})` : 'no instance launched'}${r.packerRunning ? '  Packer still running' : ''}`,
              ),
              'stop them and terminate their instances with: paw-tui runs terminate',
            ].join('\n'),
      );
    });

  runs
    .command('terminate')
    .description('interrupt a Packer left running, terminate the build instances of interrupted runs, mark the runs resolved')
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findInterruptedRuns, terminateRunInstance } = await import('../packer/runs.js');
      const found = await findInterruptedRuns(workflow);
      if (found.length === 0) {
        emit(opts, [], () => 'no interrupted runs');
        return;
      }
      const named = found.map((r) => r.instanceId ?? `(run ${r.runId}, no instance)`).join(', ');
      if (!(await confirmed(opts, `terminating ${named}`, `Terminate ${named}?`))) return;
      const done = await withCloud(opts, workflow, async (cloud) => {
        const out: { runId: string; stepId: string; resolution: string }[] = [];
        for (const run of found) out.push({ runId: run.runId, stepId: run.stepId, resolution: await terminateRunInstance(cloud, run) });
        return out;
      });
      emit(opts, done, () => done.map((d) => `${d.stepId}  run ${d.runId}: ${d.resolution}`).join('\n'));
    });
}
