import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { expectFailure, expectFilesUnchanged, filesOf, runCli, tempWorkflow, type FaultCase } from './harness.js';
import { expectCloudAccountedFor, liveInstances, sandboxState, workflowAmis } from './ledger.js';
import { editFile, firstBuiltStep, stepsOf } from './workflow-files.js';

const WORKFLOW_ID = 'paw-example';

/** A build refused before Packer starts: one line, no run journal, nothing launched. */
async function buildRefused(dir: string, stepId: string, message: RegExp): Promise<void> {
  const step = (await stepsOf(dir)).find((s) => s.id === stepId)!;
  const r = await runCli(['build', stepId, '--workflow', dir, '--sandbox']);
  expectFailure(r, 1, message);
  expect(existsSync(path.join(step.dir, '.paw', 'runs'))).toBe(false);
  if (existsSync(path.join(dir, '.paw', 'sandbox', 'state.json'))) expect(liveInstances(await sandboxState(dir))).toEqual([]);
}

export const namesCases: FaultCase[] = [
  {
    name: 'an output AMI name over 128 characters stops the build before Packer',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      await editFile(path.join(dir, 'workflow_param.json'), (t) => t.replace(/("root_base_ami_name"\s*:\s*)"([^"]*)"/, `$1"$2-${'w'.repeat(120)}"`));
      await buildRefused(dir, step.id, /output AMI name is \d+ characters, EC2 allows at most 128/);
    },
  },
  {
    name: 'an output AMI name with a character EC2 refuses stops the build before Packer',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      await editFile(path.join(dir, 'workflow_param.json'), (t) => t.replace(/("root_base_ami_name"\s*:\s*)"([^"]*)"/, '$1"$2#1"'));
      await buildRefused(dir, step.id, /output AMI name .* has characters EC2 does not allow: "#"/);
    },
  },
  {
    name: 'an output AMI name already taken by an AMI of the account stops the second build, naming that AMI',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const first = await runCli(['build', step.id, '--workflow', dir, '--sandbox']);
      expect(first.code, first.stderr).toBe(0);
      const [ami] = workflowAmis(await sandboxState(dir), WORKFLOW_ID);
      const r = await runCli(['build', step.id, '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, new RegExp(`already taken by ${ami!.id} — delete that AMI first`));
      const after = await expectCloudAccountedFor(dir, WORKFLOW_ID);
      expect(workflowAmis(after, WORKFLOW_ID).map((a) => a.id)).toEqual([ami!.id]);
    },
  },
  {
    name: 'step new with an id that is a path is a usage error and writes nothing',
    async run() {
      const dir = await tempWorkflow();
      const before = await filesOf(dir);
      const r = await runCli(['step', 'new', '../outside', '--workflow', dir]);
      expectFailure(r, 2, /\.\.\/outside/);
      await expectFilesUnchanged(dir, before);
      expect(existsSync(path.join(path.dirname(dir), 'outside'))).toBe(false);
    },
  },
  {
    name: 'step new with the id of an existing step is refused and writes nothing',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const before = await filesOf(dir);
      const r = await runCli(['step', 'new', step.id, '--folder', 'zz-copy', '--workflow', dir]);
      expectFailure(r, 1, new RegExp(`step "${step.id}" already exists \\(.*${step.folder}/step_param\\.json\\) — choose another id`));
      await expectFilesUnchanged(dir, before);
    },
  },
];
