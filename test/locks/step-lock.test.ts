import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPath, locksReleased, lockStep, StepLockedError } from '../../src/locks/step-lock.js';
import { findStep } from '../../src/workflow/load.js';
import { manualWorkflow } from '../manual/fixture.js';

const opened: { close: () => Promise<void> }[] = [];
afterAll(async () => {
  for (const c of opened) await c.close();
});

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  await new Promise((r) => child.once('spawn', r));
  const pid = child.pid!;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return pid;
}

describe('the lock of a step', () => {
  it('lets one run in; the second is told who holds it and since when; released, it is free again', async () => {
    const { workflow, cloud } = await manualWorkflow();
    opened.push(cloud);
    const step = findStep(workflow, 'hardening');
    const first = await lockStep({ cloud, workflow, step, runId: 'hardening-1', command: 'manual launch' });
    expect(first.leaseSkipped).toBeNull();
    const second = await lockStep({ cloud, workflow, step, runId: 'hardening-2', command: 'manual launch' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(StepLockedError);
    expect((second as Error).message).toMatch(/^step hardening is locked by \S+@\S+ \(pid \d+, manual launch, run hardening-1\) since \d{4}-\d\d-\d\dT/);
    await first.release();
    const third = await lockStep({ cloud, workflow, step, runId: 'hardening-3', command: 'build' });
    await third.release();
  });

  it('says when this process holds no lock any more (the app waits for it before it ends)', async () => {
    const { workflow, cloud } = await manualWorkflow();
    opened.push(cloud);
    const step = findStep(workflow, 'hardening');
    expect(await locksReleased(0)).toBe(true);
    const lock = await lockStep({ cloud, workflow, step, runId: 'hardening-1', command: 'manual launch' });
    expect(await locksReleased(60)).toBe(false);
    const waiting = locksReleased(5000);
    setTimeout(() => void lock.release(), 100);
    expect(await waiting).toBe(true);
    expect(existsSync(lockPath(step))).toBe(false);
  });

  it('two machines sharing one table: the lease keeps the second out, and no reader of the catalog meets it', async () => {
    const { workflow, cloud } = await manualWorkflow();
    opened.push(cloud);
    const step = findStep(workflow, 'hardening');
    const a = await lockStep({ cloud, workflow, step, runId: 'on-a', command: 'build', host: 'machine-a' });
    // Machine b has its own folder (its own lock file) but the same table.
    const other = { ...step, dir: `${step.dir}-machine-b` };
    const b = await lockStep({ cloud, workflow, step: other, runId: 'on-b', command: 'build', host: 'machine-b' }).catch((e: unknown) => e);
    expect(b).toBeInstanceOf(StepLockedError);
    expect((b as Error).message).toMatch(/locked by \S+@machine-a \(pid \d+, build, run on-a\)/);
    expect((await cloud.catalog.listAll()).map((i) => i.workflow_id)).not.toContain(`paw-lock#${workflow.param.workflow_id}`);
    expect((await cloud.catalog.listStepVersions('hardening')).length).toBe(0);
    expect((await cloud.catalog.listWorkflow(workflow.param.workflow_id)).map((i) => i.step_id)).toEqual(['app']);
    // Stolen after a confirmation, from another machine.
    const stolen = await lockStep({ cloud, workflow, step: other, runId: 'on-b', command: 'build', host: 'machine-b', steal: true });
    await stolen.release();
    await a.release();
  });

  it('a lock whose holder died (pid gone, or the pid now another process) is taken over', async () => {
    const { workflow, cloud } = await manualWorkflow();
    opened.push(cloud);
    const step = findStep(workflow, 'hardening');
    // A killed holder left its file and its lease behind, naming a process that is gone.
    const os = await import('node:os');
    const { mkdir } = await import('node:fs/promises');
    const dead = {
      host: os.hostname(),
      user: 'someone',
      pid: await deadPid(),
      pidStart: null,
      runId: 'dies',
      command: 'build',
      since: '2026-06-13T12:00:00.000Z',
    };
    await cloud.leases!.acquire(workflow.param.workflow_id, step.id, dead, 60_000);
    await mkdir(`${step.dir}/.paw`, { recursive: true });
    const file = lockPath(step);
    await writeFile(file, JSON.stringify(dead));
    const next = await lockStep({ cloud, workflow, step, runId: 'next', command: 'build' });
    await next.release();
    // Same pid as a live process, but another start time: a reused pid.
    await writeFile(file, JSON.stringify({ ...dead, pid: process.pid, pidStart: '1' }));
    const after = await lockStep({ cloud, workflow, step, runId: 'after', command: 'build' });
    await after.release();
    // A holder alive on another machine is not judged by this machine's processes.
    await writeFile(file, JSON.stringify({ ...dead, host: 'elsewhere' }));
    await expect(lockStep({ cloud, workflow, step, runId: 'x', command: 'build' })).rejects.toThrow(/locked by someone@elsewhere/);
  });
});
