import path from 'node:path';
import { expectFailure, expectFilesUnchanged, filesOf, runCli, tempWorkflow, type FaultCase } from './harness.js';
import { editFile, firstBuiltStep, stepsOf, writeStepParam } from './workflow-files.js';

async function chainFails(plant: (workflowDir: string) => Promise<RegExp>): Promise<void> {
  const dir = await tempWorkflow();
  const expected = await plant(dir);
  const before = await filesOf(dir);
  const r = await runCli(['steps', '--workflow', dir], { cwd: path.dirname(dir) });
  expectFailure(r, 1, expected);
  await expectFilesUnchanged(dir, before);
}

export const chainCases: FaultCase[] = [
  {
    name: 'a previous_step_id that is no step names the file and lists the known steps',
    run: () =>
      chainFails(async (dir) => {
        await writeStepParam(path.join(dir, 'zz-orphan'), 'orphan', 'no-such-step');
        return /zz-orphan\/step_param\.json.*"no-such-step".*known steps: /;
      }),
  },
  {
    name: 'two steps with the same step_id: both files named',
    run: () =>
      chainFails(async (dir) => {
        const first = await firstBuiltStep(dir);
        await writeStepParam(path.join(dir, 'zz-twin'), first.id, null);
        return new RegExp(`two steps have the id "${first.id}": .*${first.folder}.*zz-twin|two steps have the id "${first.id}": .*zz-twin.*${first.folder}`);
      }),
  },
  {
    name: 'steps that form a cycle are named',
    run: () =>
      chainFails(async (dir) => {
        await writeStepParam(path.join(dir, 'zz-a'), 'cyc-a', 'cyc-b');
        await writeStepParam(path.join(dir, 'zz-b'), 'cyc-b', 'cyc-a');
        return /cycle: .*cyc-[ab].*zz-[ab]/;
      }),
  },
  {
    name: 'two steps following the same step (a fork): both named',
    run: () =>
      chainFails(async (dir) => {
        const steps = await stepsOf(dir);
        const last = steps.at(-1)!;
        await writeStepParam(path.join(dir, 'zz-left'), 'fork-left', last.id);
        await writeStepParam(path.join(dir, 'zz-right'), 'fork-right', last.id);
        return /"fork-left".*"fork-right".*both follow|"fork-right".*"fork-left".*both follow/;
      }),
  },
  {
    name: 'two first steps (previous_step_id null twice): both files named',
    run: () =>
      chainFails(async (dir) => {
        await writeStepParam(path.join(dir, 'zz-second-root'), 'second-root', null);
        return /more than one first step.*zz-second-root/;
      }),
  },
  {
    name: 'a step id with a path in it is refused at its file, line and column',
    run: () =>
      chainFails(async (dir) => {
        const first = await firstBuiltStep(dir);
        await editFile(first.paramPath, (t) => t.replace(/("step_id"\s*:\s*)"[^"]*"/, '$1"../escape"'));
        return new RegExp(`${first.folder}/step_param\\.json:\\d+:\\d+: step_id "\\.\\./escape"`);
      }),
  },
  {
    name: 'rendering a step that does not exist lists the steps there are',
    async run() {
      const dir = await tempWorkflow();
      const steps = await stepsOf(dir);
      const before = await filesOf(dir);
      const r = await runCli(['render', 'no-such-step', '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, new RegExp(`no step "no-such-step".*${steps.map((s) => s.id).join(', ')}`));
      await expectFilesUnchanged(dir, before);
    },
  },
];
