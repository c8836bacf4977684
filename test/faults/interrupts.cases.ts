import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { cliEnv, cliPath, expectFailure, runCli, tempWorkflow, type FaultCase } from './harness.js';
import { expectCloudAccountedFor, liveInstances, runJournals, sandboxState, statePath } from './ledger.js';
import { firstBuiltStep, stepsOf } from './workflow-files.js';

const WORKFLOW_ID = 'paw-example';

/**
 * Runs a sandbox build and, shortly after Packer printed the build instance (the time paw-tui
 * has to journal it), does `act` to it.
 */
async function buildInterrupted(dir: string, stepId: string, act: (child: ChildProcess) => void) {
  let acted = false;
  return runCli(['build', stepId, '--workflow', dir, '--sandbox'], {
    // Slow enough that the build is still running when it is interrupted.
    env: { PAW_FAKE_PACKER_SPEED: '3' },
    timeoutMs: 90_000,
    onStart(child) {
      child.stdout!.on('data', (d: Buffer) => {
        if (!acted && /Instance ID: i-/.test(d.toString())) {
          acted = true;
          setTimeout(() => act(child), 500);
        }
      });
    },
  });
}

/** Processes whose working folder is inside `dir` (an orphaned Packer of a killed paw-tui). */
async function processesIn(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const p of await readdir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const { readlinkSync } = await import('node:fs');
      if (readlinkSync(`/proc/${p}/cwd`).startsWith(dir)) pids.push(Number(p));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

/** Mounts a tiny tmpfs on `dir`; false (with the reason printed) where that is not allowed. */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch (e) {
    console.log(`skipped: cannot mount a tmpfs (${(e as Error).message.split('\n')[0]}); the disk-full case needs root`);
    return false;
  }
}

/** Fills the file system under `dir` to the last byte. */
function fill(dir: string): void {
  mkdirSync(path.join(dir, 'filler'), { recursive: true });
  try {
    for (let i = 0; ; i++) writeFileSync(path.join(dir, 'filler', String(i)), Buffer.alloc(4096));
  } catch {
    // Full.
  }
}

/** A headless build ended by a signal (CI cancel, docker stop, a closed ssh session). */
function signalCase(signal: 'SIGTERM' | 'SIGHUP', code: number): FaultCase {
  return {
    name: `${signal} during a build: Packer cleans up, the instance is terminated, exit ${code}`,
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const r = await buildInterrupted(dir, step.id, (child) => child.kill(signal));
      expectFailure(r, code, /^paw-tui: build interrupted/);
      expect(r.stdout).toContain(`${signal}: interrupting Packer`);
      expect(r.stdout).toMatch(/Terminating the source AWS instance/);
      const s = await expectCloudAccountedFor(dir, WORKFLOW_ID);
      expect(liveInstances(s)).toEqual([]);
      const [run] = await runJournals(step.dir);
      expect(run).toMatchObject({ status: 'interrupted' });
    },
  };
}

export const interruptsCases: FaultCase[] = [
  signalCase('SIGTERM', 143),
  signalCase('SIGHUP', 129),
  {
    name: 'SIGTERM while RunInstances is in flight (manual launch): the answer is awaited and journaled, exit 143',
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const manual = (await stepsOf(dir)).find((s) => !s.hasTemplates)!;
      for (const s of await stepsOf(dir)) {
        if (s.id === manual.id) break;
        expect((await runCli(['build', s.id, '--workflow', dir, '--sandbox'], { timeoutMs: 120_000 })).code).toBe(0);
      }
      let sent = false;
      const r = await runCli(['manual', manual.id, 'launch', '--workflow', dir, '--sandbox'], {
        // Each EC2 call takes a while: the signal lands while RunInstances is on its way.
        env: { PAW_SANDBOX_LATENCY_MS: '1500' },
        onStart(child) {
          child.stdout!.on('data', (d: Buffer) => {
            if (!sent && /launch requested/.test(d.toString())) {
              sent = true;
              setTimeout(() => child.kill('SIGTERM'), 300);
            }
          });
        },
      });
      expectFailure(r, 143, /^paw-tui: interrupted \(SIGTERM\)/);
      const journal = JSON.parse(readFileSync(path.join(manual.dir, '.paw', 'manual.json'), 'utf8'));
      const live = liveInstances(await sandboxState(dir));
      expect(live).toHaveLength(1);
      expect(journal.instanceId).toBe(live[0]!.id);
    },
  },
  {
    name: 'disk full mid-build: one line naming the instance, Packer cleans up, the instance is terminated or named by runs',
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const paw = path.join(step.dir, '.paw');
      mkdirSync(paw, { recursive: true });
      if (!mountTmpfs(paw, '2m')) return;
      try {
        const r = await runCli(['build', step.id, '--workflow', dir, '--sandbox'], {
          env: { PAW_FAKE_PACKER_SPEED: '3' },
          timeoutMs: 90_000,
          onStart(child) {
            let filled = false;
            child.stdout!.on('data', (d: Buffer) => {
              if (!filled && /Instance ID: i-/.test(d.toString())) {
                filled = true;
                fill(paw);
              }
            });
          },
        });
        const line = expectFailure(r, 1, /^paw-tui: build stopped: cannot write .*ENOSPC/);
        const instanceId = /instance (i-[0-9a-f]+)/.exec(line)?.[1];
        expect(instanceId, line).toBeDefined();
        const s = await sandboxState(dir);
        const instance = s.instances[instanceId!];
        expect(instance, `${instanceId} in the sandbox`).toBeDefined();
        if (instance!.state !== 'terminated') {
          // Still there: the run journal (written in its kept room) names it to runs.
          const runs = await runCli(['runs', '--workflow', dir, '--sandbox']);
          expect(runs.stdout).toContain(instanceId);
        }
        expect(r.stdout + r.stderr).toMatch(/Terminating the source AWS instance/);
      } finally {
        execFileSync('umount', ['-l', paw]);
      }
    },
  },
  {
    name: 'Ctrl-C (SIGINT) during a build: Packer cleans up, exit 130, the instance is terminated, the run says interrupted',
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const r = await buildInterrupted(dir, step.id, (child) => child.kill('SIGINT'));
      expectFailure(r, 130, /^paw-tui: build interrupted/);
      const [run] = await runJournals(step.dir);
      expect(run).toMatchObject({ status: 'interrupted' });
      const s = await expectCloudAccountedFor(dir, WORKFLOW_ID);
      expect(liveInstances(s)).toEqual([]);
    },
  },
  {
    name: 'paw-tui killed (SIGKILL) mid-build: the run journal already names the running instance, and home shows it',
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const r = await buildInterrupted(dir, step.id, (child) => child.kill('SIGKILL'));
      expect(r.signal).toBe('SIGKILL');
      // The orphaned Packer would go on and finish; stop it where paw-tui died.
      for (const pid of await processesIn(step.dir)) process.kill(pid, 'SIGKILL');
      const [run] = await runJournals(step.dir);
      const s = await expectCloudAccountedFor(dir, WORKFLOW_ID);
      const live = liveInstances(s);
      expect(live).toHaveLength(1);
      expect(run).toMatchObject({ status: 'running', instanceId: live[0]!.id });

      // The next start of the app finds the run and says which instance may still cost money.
      const pty = (await import('node-pty')).default;
      const env = cliEnv({ NO_COLOR: undefined });
      const app = pty.spawn(process.execPath, [cliPath, '--sandbox', '--workflow', dir], {
        cols: 120,
        rows: 40,
        cwd: path.dirname(dir),
        env: env as Record<string, string>,
      });
      let screen = '';
      const shown = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 30_000);
        app.onData((d) => {
          screen += d;
          if (screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').includes(`build interrupted — ${live[0]!.id} may be running`)) {
            clearTimeout(timer);
            resolve(true);
          }
        });
      });
      app.kill('SIGKILL');
      expect(shown, screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').slice(-1500)).toBe(true);
    },
  },
  {
    name: 'stdout closed mid-build (piped into head): no stack trace, and the AMI made is not lost track of',
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const r = await runCli(['build', step.id, '--workflow', dir, '--sandbox'], {
        onStart: (child) => child.stdout!.once('data', () => child.stdout!.destroy()),
      });
      expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      // Whatever paw-tui did, Packer's process must have ended or been waited for by it.
      for (let waited = 0; (await processesIn(step.dir)).length > 0 && waited < 60_000; waited += 500) await new Promise((w) => setTimeout(w, 500));
      const s = await expectCloudAccountedFor(dir, WORKFLOW_ID);
      expect(liveInstances(s)).toEqual([]);
    },
  },
  {
    name: 'a run journal that is not JSON does not stop a build, and is left for the user to read',
    timeoutMs: 90_000,
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.join(step.dir, '.paw', 'runs'), { recursive: true });
      const broken = path.join(step.dir, '.paw', 'runs', 'base-19700101T000000Z.json');
      await writeFile(broken, '{"runId": "base-1970');
      const r = await runCli(['build', step.id, '--workflow', dir, '--sandbox']);
      expect(r.code, r.stderr).toBe(0);
      expect(await readFile(broken, 'utf8')).toBe('{"runId": "base-1970');
    },
  },
  {
    name: 'a sandbox state file that is not JSON: one line naming it and how to start afresh, file kept',
    async run() {
      const dir = await tempWorkflow();
      const first = await runCli(['amis', 'list', '--workflow', dir, '--sandbox']);
      expect(first.code, first.stderr).toBe(0);
      await writeFile(statePath(dir), '{"version": 1, "imag');
      const r = await runCli(['amis', 'list', '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, /sandbox state .*state\.json is not valid JSON — delete it to start the sandbox afresh/);
      expect(readFileSync(statePath(dir), 'utf8')).toBe('{"version": 1, "imag');
    },
  },
  {
    name: 'a manual journal that is not JSON: one line naming the file, nothing launched',
    async run() {
      const dir = await tempWorkflow();
      const manual = (await stepsOf(dir)).find((s) => !s.hasTemplates)!;
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.join(manual.dir, '.paw'), { recursive: true });
      await writeFile(path.join(manual.dir, '.paw', 'manual.json'), '{"version": 1, "state": ');
      const r = await runCli(['manual', manual.id, 'status', '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, new RegExp(`${manual.folder}/\\.paw/manual\\.json`));
      if (existsSync(statePath(dir))) expect(liveInstances(await sandboxState(dir))).toEqual([]);
    },
  },
  {
    name: 'params set killed at any moment leaves workflow_param.json whole: the old bytes or the new ones',
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const file = path.join(dir, 'workflow_param.json');
      const original = await readFile(file, 'utf8');
      for (let i = 0; i < 12; i++) {
        const value = `subnet-${i}`;
        const before = await readFile(file, 'utf8');
        await runCli(['params', 'set', 'subnet_name', value, '--workflow', dir], {
          onStart: (child) => setTimeout(() => child.kill('SIGKILL'), 60 + i * 25),
        });
        const after = await readFile(file, 'utf8');
        const expected = before.replace(/("subnet_name"\s*:\s*)"[^"]*"/, `$1"${value}"`);
        expect([before, expected]).toContain(after);
      }
      // Comments and every other byte survive the edits that landed.
      expect((await readFile(file, 'utf8')).replace(/("subnet_name"\s*:\s*)"[^"]*"/, '')).toBe(original.replace(/("subnet_name"\s*:\s*)"[^"]*"/, ''));
      const leftovers = (await readdir(dir)).filter((f) => f !== 'workflow_param.json' && f.startsWith('workflow_param.json'));
      expect(leftovers, 'temporary files of interrupted writes').toEqual([]);
    },
  },
];
