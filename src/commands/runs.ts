import type { Command } from 'commander';
import { confirmed, emit, globalOptions, loadWorkflowFor, withCloud } from './context.js';

/**
 * Builds whose paw-tui process died (or that were stopped by force) may have left their build
 * instance running. `runs` lists them with the instance's real state; `runs terminate` ends
 * those instances and marks the runs resolved.
 */
export function register(program: Command): void {
  const runs = program.command('runs').description('interrupted builds whose instance may be left running: list them, or terminate their instances');

  runs
    .command('list', { isDefault: true })
    .description('interrupted runs, with their build instance and its state in EC2')
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findInterruptedRuns, runCloudName } = await import('../packer/runs.js');
      const { anyLeftovers, findLeftovers, leftoversText } = await import('../manual/leftovers.js');
      let leftovers: string[] = [];
      let endable = false;
      const rows = await withCloud(opts, workflow, async (cloud) => {
        const found = await findInterruptedRuns(workflow, await runCloudName(cloud));
        const leftBehind = await findLeftovers(cloud, workflow);
        leftovers = leftoversText(leftBehind);
        endable = anyLeftovers(leftBehind);
        if (found.length === 0) return [];
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
              ...(rows.length || endable ? ['stop them and terminate their instances with: paw-tui runs terminate'] : []),
            ].join('\n'),
      );
    });

  runs
    .command('terminate')
    .description('interrupt a Packer left running, terminate the build instances of interrupted runs, mark the runs resolved')
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findInterruptedRuns, runCloudName, terminateRunInstance } = await import('../packer/runs.js');
      const { anyLeftovers, cleanLeftovers, findLeftovers, leftoversText, packerTempLabel } = await import('../manual/leftovers.js');
      await withCloud(opts, workflow, async (cloud) => {
        const found = await findInterruptedRuns(workflow, await runCloudName(cloud));
        const leftovers = await findLeftovers(cloud, workflow);
        // AMIs are named, never deleted here: one may be wanted (record it) or not (amis delete).
        const amiLines = leftoversText({ instances: [], keyPairs: [], packerTemps: [], amis: leftovers.amis });
        if (found.length === 0 && !anyLeftovers(leftovers)) {
          emit(
            opts,
            amiLines.map((l) => ({ leftBehind: l })),
            () => (amiLines.length ? amiLines.map((l) => `left behind: ${l}`).join('\n') : 'no interrupted runs'),
          );
          return;
        }
        const named = [
          ...found.map((r) => r.instanceId ?? `(run ${r.runId}, no instance)`),
          ...leftovers.instances.map((i) => i.id),
          ...leftovers.keyPairs.map((k) => `key pair ${k}`),
        ].join(', ');
        const temps = leftovers.packerTemps.map(packerTempLabel).join(', ');
        const what = [named && `terminating ${named}`, temps && `deleting Packer's temporary ${temps}`].filter(Boolean).join(' and ');
        const ask = [named && `Terminate ${named}`, temps && `delete Packer's temporary ${temps}`].filter(Boolean).join(' and ');
        if (!(await confirmed(opts, what, `${ask.charAt(0).toUpperCase()}${ask.slice(1)}?`))) return;
        const out: { runId: string | null; stepId: string | null; resolution: string }[] = [];
        for (const run of found)
          out.push({
            runId: run.runId,
            stepId: run.stepId,
            resolution: await terminateRunInstance(cloud, run),
          });
        for (const line of await cleanLeftovers(cloud, leftovers)) out.push({ runId: null, stepId: null, resolution: line });
        for (const line of amiLines) out.push({ runId: null, stepId: null, resolution: line });
        emit(opts, out, () => out.map((d) => (d.runId ? `${d.stepId}  run ${d.runId}: ${d.resolution}` : `left behind: ${d.resolution}`)).join('\n'));
      });
    });
}
