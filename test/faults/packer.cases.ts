import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { expectFailure, runCli, tempWorkflow, type FaultCase } from './harness.js';
import { expectCloudAccountedFor, liveInstances, runJournals, sandboxState } from './ledger.js';
import { editFile, firstBuiltStep, stepsOf } from './workflow-files.js';

const WORKFLOW_ID = 'paw-example';

/**
 * A sandbox build whose simulated Packer fails at `stage`: one line pointing at the saved log,
 * exit 1, the run journal says failed, Packer's clean-up left no instance, nothing recorded.
 */
async function packerFails(stage: string, message: RegExp, logShows: RegExp): Promise<void> {
  const dir = await tempWorkflow();
  const step = await firstBuiltStep(dir);
  const r = await runCli(['build', step.id, '--workflow', dir, '--sandbox'], { env: { PAW_FAKE_PACKER_FAIL: stage } });
  const line = expectFailure(r, 1, message);
  const log = /see (\S+\.log)/.exec(line)?.[1];
  expect(log, 'the line points at the saved log').toBeDefined();
  expect(await readFile(log!, 'utf8')).toMatch(logShows);
  const [run] = await runJournals(step.dir);
  expect(run).toMatchObject({ status: 'failed', exitCode: 1 });
  const s = await expectCloudAccountedFor(dir, WORKFLOW_ID);
  expect(liveInstances(s)).toEqual([]);
}

export const packerCases: FaultCase[] = [
  {
    name: 'PAW_PACKER naming no program: how to install Packer, nothing started',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const r = await runCli(['build', step.id, '--workflow', dir, '--sandbox'], { env: { PAW_PACKER: '/nonexistent/packer' } });
      expectFailure(r, 1, /PAW_PACKER points at \/nonexistent\/packer.* — install it .*apt-get install packer/);
      expect(existsSync(path.join(step.dir, '.paw', 'runs'))).toBe(false);
      if (existsSync(path.join(dir, '.paw', 'sandbox', 'state.json'))) expect(liveInstances(await sandboxState(dir))).toEqual([]);
    },
  },
  {
    name: 'a provisioner exits non-zero: Packer’s error line, the log path, instance cleaned up',
    run: () => packerFails('provision', /packer build failed with exit code 1: .*non-zero exit status: 100.* — see \S+\.log/, /non-zero exit status: 100/),
  },
  {
    name: 'SSH never comes up: Packer’s timeout line, the log path, instance cleaned up',
    run: () => packerFails('ssh', /packer build failed with exit code 1: .*Timeout waiting for SSH.* — see \S+\.log/, /Timeout waiting for SSH/),
  },
  {
    name: 'the AMI never becomes available: Packer’s error line, nothing left untracked',
    run: () => packerFails('ami', /packer build failed with exit code 1: .*Error waiting for AMI.* — see \S+\.log/, /Error waiting for AMI/),
  },
  {
    name: 'packer validate refuses an unset variable: its error with file and line, exit 1',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      await editFile(path.join(step.dir, 'templates', '.variables.pkr.hcl'), (t) => t + 'variable "needs_value" { type = string }\n');
      const r = await runCli(['validate', step.id, '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, /packer validate failed: .*Unset variable "needs_value" \(on \S+\.variables\.pkr\.hcl line \d+\)/);
    },
  },
  {
    name: 'building a step whose previous step has no AMI says which step to build first',
    async run() {
      const dir = await tempWorkflow();
      const [first, second] = await stepsOf(dir);
      const r = await runCli(['build', second!.id, '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, new RegExp(`step ${first!.id} has no AMI recorded .* build step ${first!.id} first`));
      expect(existsSync(path.join(second!.dir, '.paw', 'runs'))).toBe(false);
    },
  },
];
