import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { currentProcess, groupAlive, processAlive } from '../../src/locks/process.js';

// A process that ended and is not reaped: its parent forks it into a group of its own, lets it
// exit and does not wait for it (as when a Packer died with the paw-tui that started it and
// nothing in the container reaps orphans).
const ZOMBIE_MAKER = ['-c', 'import os, time\np = os.fork()\nif p == 0:\n    os.setpgid(0, 0)\n    os._exit(0)\nprint(p, flush=True)\ntime.sleep(10)\n'];

const fields = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};
const state = (pid: number) => fields(pid)[0];

const children: { kill(): void }[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});

describe.skipIf(!existsSync('/proc/self/stat'))('whether a process or its group still runs', () => {
  it('counts this process and its group as running', () => {
    expect(processAlive(currentProcess())).toBe(true);
    expect(processAlive({ pid: process.pid, pidStart: '1' })).toBe(false);
    expect(groupAlive(Number(fields(process.pid)[2]))).toBe(true);
  });

  it('does not count a process that ended but was not reaped, nor a group of only such', async () => {
    const parent = spawn('python3', ZOMBIE_MAKER, { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(parent);
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    for (let i = 0; i < 100 && state(pid) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(state(pid)).toBe('Z');
    // It still answers signals, as a running one would.
    expect(() => process.kill(-pid, 0)).not.toThrow();
    expect(processAlive({ pid })).toBe(false);
    expect(groupAlive(pid)).toBe(false);
    expect(groupAlive(parent.pid)).toBe(false);
    expect(processAlive({ pid: parent.pid! })).toBe(true);
  });
});
