import { expect } from 'vitest';
import { expectFailure, runCli, runCases, tempWorkflow } from './harness.js';
import { liveInstances, sandboxState } from './ledger.js';
import { firstBuiltStep, stepsOf } from './workflow-files.js';

/** Two runs of one step at once, as two terminals (or two CI jobs) would start them. */
runCases('interrupts and crashes', [
  {
    name: 'two builds of one step at once: one builds, the other says who holds the step and exits 1',
    timeoutMs: 150_000,
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      // Made once, so the two builds do not both start the sandbox's table.
      expect((await runCli(['amis', 'list', '--workflow', dir, '--sandbox'])).code).toBe(0);
      const build = (onStart?: (child: import('node:child_process').ChildProcess) => void) =>
        runCli(['build', step.id, '--workflow', dir, '--sandbox'], { env: { PAW_FAKE_PACKER_SPEED: '5' }, timeoutMs: 120_000, onStart });
      // The second starts while the first builds (its Packer has launched the instance).
      let building!: () => void;
      const instanceShown = new Promise<void>((resolve) => (building = resolve));
      const first = build((child) => child.stdout!.on('data', (d: Buffer) => /Instance ID: i-/.test(d.toString()) && building()));
      await instanceShown;
      const lost = await build();
      const won = await first;
      expect(won.code, won.stderr).toBe(0);
      expectFailure(
        lost,
        1,
        new RegExp(
          `^paw-tui: step ${step.id} is locked by \\S+@\\S+ \\(pid \\d+, build, run ${step.id}-\\d{8}T\\d{6}Z-[0-9a-f]{6}\\) since .* — wait for it to finish, or take the lock with --steal-lock`,
        ),
      );
      const s = await sandboxState(dir);
      const made = Object.values(s.images).filter((i) => i.tags['paw:step_id'] === step.id);
      expect(made).toHaveLength(1);
      expect(liveInstances(s)).toEqual([]);
    },
  },
  {
    name: 'two manual launches of one step at once: one instance, the other says who holds the step',
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const built = await firstBuiltStep(dir);
      const manual = (await stepsOf(dir)).find((s) => !s.hasTemplates)!;
      // The manual step needs its source AMI: build the chain before it.
      for (const s of await stepsOf(dir)) {
        if (s.id === manual.id) break;
        const r = await runCli(['build', s.id, '--workflow', dir, '--sandbox'], { timeoutMs: 120_000 });
        expect(r.code, `${built.id}: ${r.stderr}`).toBe(0);
      }
      const launch = () => runCli(['manual', manual.id, 'launch', '--workflow', dir, '--sandbox'], { timeoutMs: 60_000 });
      const [a, b] = await Promise.all([launch(), launch()]);
      const [won, lost] = a.code === 0 ? [a, b] : [b, a];
      expect(won.code, won.stderr).toBe(0);
      expectFailure(lost, 1, new RegExp(`^paw-tui: step ${manual.id} is locked by \\S+@\\S+ \\(pid \\d+, manual launch, run `));
      expect(liveInstances(await sandboxState(dir))).toHaveLength(1);
    },
  },
]);
