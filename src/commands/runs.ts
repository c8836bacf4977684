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
    .description(
      'interrupted builds whose instance may be left running: list them, or terminate their instances',
    );

  runs
    .command('list', { isDefault: true })
    .description('interrupted runs, with their build instance and its state in EC2')
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findInterruptedRuns, runCloudName } = await import('../packer/runs.js');
      const { findLeftovers, leftoversText } = await import('../manual/leftovers.js');
      let leftovers: string[] = [];
      const rows = await withCloud(opts, workflow, async (cloud) => {
        const found = await findInterruptedRuns(workflow, await runCloudName(cloud));
        leftovers = leftoversText(await findLeftovers(cloud, workflow));
        if (found.length === 0) return [];
        const ids = found.flatMap((r) => (r.instanceId ? [r.instanceId] : []));
        const states = new Map(
          (ids.length ? await cloud.instances.describe(ids) : []).map((i) => [i.id, i.state]),
        );
        return found.map((r) => ({
          runId: r.runId,
          stepId: r.stepId,
          startedAt: r.startedAt,
          status: r.status,
          packerRunning: r.packerRunning,
          instanceId: r.instanceId ?? null,
          instanceState: r.instanceId ? (states.get(r.instanceId) ?? 'not found') : null,
          cloud: r.cloud ?? null,
        }));
      });
      // JSON: one row per interrupted run, then one per thing left behind.
      emit(opts, [...rows, ...leftovers.map((l) => ({ leftBehind: l }))], () =>
        rows.length === 0 && leftovers.length === 0
          ? 'no interrupted runs'
          : [
              ...leftovers.map((l) => `left behind: ${l}`),
              ...rows.map(
                (r) =>
                  `${r.stepId}  run ${r.runId}  started ${r.startedAt}  ${r.instanceId ? `instance ${r.instanceId} (${r.instanceState})` : 'no instance launched'}${r.packerRunning ? '  Packer still running' : ''}${r.cloud ? '' : '  (cloud unknown)'}`,
              ),
              'stop them and terminate their instances with: paw-tui runs terminate',
            ].join('\n'),
      );
    });

  runs
    .command('terminate')
    .description(
      'interrupt a Packer left running, terminate the build instances of interrupted runs, mark the runs resolved',
    )
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findInterruptedRuns, runCloudName, terminateRunInstance } = await import('../packer/runs.js');
      const { cleanLeftovers, findLeftovers } = await import('../manual/leftovers.js');
      await withCloud(opts, workflow, async (cloud) => {
        const found = await findInterruptedRuns(workflow, await runCloudName(cloud));
        const leftovers = await findLeftovers(cloud, workflow);
        if (
          found.length === 0 &&
          leftovers.instances.length === 0 &&
          leftovers.keyPairs.length === 0
        ) {
          emit(opts, [], () => 'no interrupted runs');
          return;
        }
        const named = [
          ...found.map((r) => r.instanceId ?? `(run ${r.runId}, no instance)`),
          ...leftovers.instances.map((i) => i.id),
          ...leftovers.keyPairs.map((k) => `key pair ${k}`),
        ].join(', ');
        if (!(await confirmed(opts, `terminating ${named}`, `Terminate ${named}?`))) return;
        const out: { runId: string | null; stepId: string | null; resolution: string }[] = [];
        for (const run of found)
          out.push({
            runId: run.runId,
            stepId: run.stepId,
            resolution: await terminateRunInstance(cloud, run),
          });
        for (const line of await cleanLeftovers(cloud, leftovers))
          out.push({ runId: null, stepId: null, resolution: line });
        emit(opts, out, () =>
          out
            .map((d) =>
              d.runId
                ? `${d.stepId}  run ${d.runId}: ${d.resolution}`
                : `left behind: ${d.resolution}`,
            )
            .join('\n'),
        );
      });
    });
}
