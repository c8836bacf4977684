import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Cloud } from '../../src/aws/ports.js';
import { findInterruptedRuns, JournalWriteError, listRuns, newRunId, RunJournal, runCloudName, terminateRunInstance } from '../../src/packer/runs.js';
import type { Step, Workflow } from '../../src/workflow/types.js';
import { memoryCloud } from './memory-cloud.js';

function workflowWith(stepDir: string): Workflow {
  const step = { id: 'step1', previousId: null, dir: stepDir, folderName: 'step1', paramPath: '', manual: false } as unknown as Step;
  return { dir: path.dirname(stepDir), paramPath: '', steps: [step] } as unknown as Workflow;
}

/** A process that is surely dead: started, then killed with SIGKILL. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  await new Promise((r) => child.once('spawn', r));
  const pid = child.pid!;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return pid;
}

describe('runs journal', () => {
  it('shows only the runs of the cloud the app runs against, and those whose journal does not say', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-runs-'));
    const pid = await deadPid();
    const base = { workflowId: 'wf', stepId: 'step1', startedAt: '2026-06-13T12:00:00.000Z', pid, status: 'running' as const };
    await RunJournal.create(dir, { ...base, runId: 'in-sandbox', cloud: 'sandbox', instanceId: 'i-0aaaaaaaaaaaaaaa1' });
    await RunJournal.create(dir, { ...base, runId: 'in-aws', cloud: 'aws 111122223333 eu-west-1', instanceId: 'i-0aaaaaaaaaaaaaaa2' });
    await RunJournal.create(dir, { ...base, runId: 'older' });
    const workflow = workflowWith(dir);
    const ids = (runs: { runId: string }[]) => runs.map((r) => r.runId).sort();

    expect(ids(await findInterruptedRuns(workflow, 'sandbox'))).toEqual(['in-sandbox', 'older']);
    expect(ids(await findInterruptedRuns(workflow, 'aws 111122223333 eu-west-1'))).toEqual(['in-aws', 'older']);
    expect(ids(await findInterruptedRuns(workflow, 'aws 111122223333 us-east-1'))).toEqual(['older']);
    expect(ids(await listRuns(workflow.steps[0]!, 'sandbox'))).toEqual(['in-sandbox', 'older']);

    const aws = { kind: 'aws', region: 'eu-west-1', identity: { whoAmI: () => Promise.resolve({ account: '111122223333', arn: 'arn' }) } } as unknown as Cloud;
    expect(await runCloudName(aws)).toBe('aws 111122223333 eu-west-1');
    expect(await runCloudName({ ...aws, kind: 'sandbox' } as Cloud)).toBe('sandbox');
  });

  it('writes the run before the build and each id as it appears, in order', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-runs-'));
    const journal = await RunJournal.create(dir, {
      runId: 'step1-20260613T120000Z',
      workflowId: 'wf',
      stepId: 'step1',
      pid: process.pid,
      startedAt: '2026-06-13T12:00:00.000Z',
      status: 'running',
    });
    expect(journal.file).toBe(path.join(dir, '.paw', 'runs', 'step1-20260613T120000Z.json'));
    expect(JSON.parse(await readFile(journal.file, 'utf8'))).toMatchObject({ status: 'running', pid: process.pid });
    void journal.update({ instanceId: 'i-0123456789abcdef0' });
    await journal.update({ status: 'succeeded', exitCode: 0, amiId: 'ami-0123456789abcdef0' });
    expect(JSON.parse(await readFile(journal.file, 'utf8'))).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      instanceId: 'i-0123456789abcdef0',
      amiId: 'ami-0123456789abcdef0',
    });
  });

  it('finds a run whose paw-tui died, and terminates its instance once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-runs-'));
    const pid = await deadPid();
    const base = { workflowId: 'wf', stepId: 'step1', startedAt: '2026-06-13T12:00:00.000Z' };
    await RunJournal.create(dir, { ...base, runId: 'dead', pid, status: 'running', instanceId: 'i-0aaaaaaaaaaaaaaa1' });
    await RunJournal.create(dir, { ...base, runId: 'alive', pid: process.pid, status: 'running' });
    await RunJournal.create(dir, { ...base, runId: 'done', pid, status: 'succeeded' });
    const workflow = workflowWith(dir);

    const found = await findInterruptedRuns(workflow);
    expect(found.map((r) => [r.runId, r.instanceId])).toEqual([['dead', 'i-0aaaaaaaaaaaaaaa1']]);

    const cloud = memoryCloud([], [{ id: 'i-0aaaaaaaaaaaaaaa1', state: 'running', imageId: 'ami-1', instanceType: 't3.micro', launchTime: '', tags: {} }]);
    expect(await terminateRunInstance(cloud, found[0]!)).toBe('terminated instance i-0aaaaaaaaaaaaaaa1 (was running)');
    expect(cloud.terminated).toEqual(['i-0aaaaaaaaaaaaaaa1']);
    const stored = JSON.parse(await readFile(found[0]!.file, 'utf8'));
    expect(stored).toMatchObject({ status: 'resolved', resolution: 'terminated instance i-0aaaaaaaaaaaaaaa1 (was running)' });
    expect(stored).not.toHaveProperty('file');
    expect(await findInterruptedRuns(workflow)).toEqual([]);
  });

  it('does not terminate an instance EC2 says is already gone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-runs-'));
    await RunJournal.create(dir, {
      runId: 'gone',
      workflowId: 'wf',
      stepId: 'step1',
      startedAt: '2026-06-13T12:00:00.000Z',
      pid: await deadPid(),
      status: 'interrupting',
      instanceId: 'i-0bbbbbbbbbbbbbbb1',
    });
    const [run] = await findInterruptedRuns(workflowWith(dir));
    const cloud = memoryCloud();
    expect(await terminateRunInstance(cloud, run!)).toBe('instance i-0bbbbbbbbbbbbbbb1 was already terminated');
    expect(cloud.terminated).toEqual([]);
  });

  it('gives two runs of one step started in the same second two ids', () => {
    const at = new Date('2026-06-13T12:00:00.000Z');
    const ids = new Set(Array.from({ length: 50 }, () => newRunId('step1', at)));
    expect(ids.size).toBe(50);
    expect([...ids][0]).toMatch(/^step1-20260613T120000Z-[0-9a-f]{6}$/);
  });

  it('a run whose pid was taken by a later process is still found as interrupted', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-runs-'));
    // This process's pid, but another start time: the process that wrote the run is gone.
    await RunJournal.create(dir, {
      runId: 'reused',
      workflowId: 'wf',
      stepId: 'step1',
      startedAt: '2026-06-13T12:00:00.000Z',
      pid: process.pid,
      pidStart: '1',
      status: 'running',
      instanceId: 'i-0ccccccccccccccc1',
    });
    expect((await findInterruptedRuns(workflowWith(dir))).map((r) => r.runId)).toEqual(['reused']);
  });

  it('on a full disk the record still reaches its file (in the room kept for it) and the write says so', async (ctx) => {
    const mount = await mkdtemp(path.join(tmpdir(), 'paw-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      console.log('skipped: cannot mount a tmpfs here (needs root)');
      ctx.skip();
      return;
    }
    try {
      const journal = await RunJournal.create(mount, {
        runId: 'full',
        workflowId: 'wf',
        stepId: 'step1',
        startedAt: '2026-06-13T12:00:00.000Z',
        pid: process.pid,
        status: 'running',
      });
      mkdirSync(path.join(mount, 'filler'));
      try {
        for (let i = 0; ; i++) writeFileSync(path.join(mount, 'filler', String(i)), Buffer.alloc(16 * 1024));
      } catch {
        // The disk is full.
      }
      const failed = await journal.update({ instanceId: 'i-0ddddddddddddddd1' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(JournalWriteError);
      expect((failed as JournalWriteError).saved).toBe(true);
      expect((failed as Error).message).toMatch(/ENOSPC/);
      expect(JSON.parse(await readFile(journal.file, 'utf8'))).toMatchObject({ instanceId: 'i-0ddddddddddddddd1' });
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});
