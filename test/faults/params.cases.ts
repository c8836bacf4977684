import path from 'node:path';
import { expectFailure, expectFilesUnchanged, filesOf, runCli, tempWorkflow, type FaultCase } from './harness.js';
import { editFile, firstBuiltStep, lineOf } from './workflow-files.js';

/** Plants a fault in a copy of the example workflow, runs `steps` on it, checks the one line. */
async function stepsFails(plant: (workflowDir: string) => Promise<RegExp>): Promise<void> {
  const dir = await tempWorkflow();
  const expected = await plant(dir);
  const before = await filesOf(dir);
  const r = await runCli(['steps', '--workflow', dir], { cwd: path.dirname(dir) });
  expectFailure(r, 1, expected);
  await expectFilesUnchanged(dir, before);
}

export const paramsCases: FaultCase[] = [
  {
    name: 'workflow_param.json that does not parse: its path, line and column',
    run: () =>
      stepsFails(async (dir) => {
        const text = await editFile(path.join(dir, 'workflow_param.json'), (t) => t.replace(/("vpc_name"\s*):/, '$1='));
        return new RegExp(`workflow_param\\.json:${lineOf(text, '"vpc_name"')}:\\d+: `);
      }),
  },
  {
    name: 'workflow_param.json without a required key names the key',
    run: () =>
      stepsFails(async (dir) => {
        await editFile(path.join(dir, 'workflow_param.json'), (t) => t.replace(/^\s*"subnet_name"\s*:.*\n/m, ''));
        return /workflow_param\.json.*subnet_name/;
      }),
  },
  {
    name: 'is_default_vpc that is neither true nor false is refused, naming the key',
    run: () =>
      stepsFails(async (dir) => {
        await editFile(path.join(dir, 'workflow_param.json'), (t) => t.replace(/("is_default_vpc"\s*:\s*)"(true|false)"/, '$1"maybe"'));
        return /workflow_param\.json.*is_default_vpc/;
      }),
  },
  {
    name: 'an empty workflow_param.json names the file',
    run: () =>
      stepsFails(async (dir) => {
        await editFile(path.join(dir, 'workflow_param.json'), () => '');
        return /workflow_param\.json/;
      }),
  },
  {
    name: 'step_param.json that does not parse: its path, line and column',
    run: () =>
      stepsFails(async (dir) => {
        const step = await firstBuiltStep(dir);
        const text = await editFile(step.paramPath, (t) => t.replace(/("previous_step_id"\s*:\s*[^,\n}]+)/, '$1 oops'));
        return new RegExp(`${step.folder}/step_param\\.json:${lineOf(text, 'oops')}:\\d+: `);
      }),
  },
  {
    name: 'step_param.json without step_id names the file and the key',
    run: () =>
      stepsFails(async (dir) => {
        const step = await firstBuiltStep(dir);
        await editFile(step.paramPath, (t) => t.replace(/"step_id"/, '"stepid"'));
        return new RegExp(`${step.folder}/step_param\\.json.*step_id`);
      }),
  },
  {
    name: 'params set of a value that breaks the schema is refused, file bytes unchanged',
    async run() {
      const dir = await tempWorkflow();
      const before = await filesOf(dir);
      const r = await runCli(['params', 'set', 'is_default_vpc', 'maybe', '--workflow', dir]);
      expectFailure(r, 2, /is_default_vpc/);
      await expectFilesUnchanged(dir, before);
    },
  },
  {
    name: 'params set on a file that does not parse is refused, file bytes unchanged',
    async run() {
      const dir = await tempWorkflow();
      await editFile(path.join(dir, 'workflow_param.json'), (t) => t.replace(/("vpc_name"\s*):/, '$1='));
      const before = await filesOf(dir);
      const r = await runCli(['params', 'set', 'subnet_name', 'other', '--workflow', dir]);
      expectFailure(r, 1, /workflow_param\.json:\d+:\d+: /);
      await expectFilesUnchanged(dir, before);
    },
  },
];
