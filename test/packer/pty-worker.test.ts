import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawnOnThread, type PtyOptions, type ThreadPty } from '../../src/packer/pty-worker.js';
import { ptyEnv } from '../../src/packer/terminal.js';

const open: ThreadPty[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sh(script: string, cap?: number): ThreadPty {
  const p = spawnOnThread('/bin/sh', ['-c', script], { name: 'xterm-256color', cols: 80, rows: 24, cwd: tmpdir(), env: ptyEnv() }, cap);
  open.push(p);
  return p;
}

const exitOf = (p: ThreadPty) => new Promise<{ exitCode: number; signal?: number }>((resolve) => p.onExit(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` numbered lines of about 100 characters: their text as the pty gives it (\r\n). */
const LINE = 'x'.repeat(90);
const floodScript = (count: number) => `i=0; while [ $i -lt ${count} ]; do printf '%06d ${LINE}\\n' $i; i=$((i+1)); done`;
const floodText = (count: number) => Array.from({ length: count }, (_, i) => `${String(i).padStart(6, '0')} ${LINE}\r\n`).join('');

describe('spawnOnThread', () => {
  it('knows the pid at once and hands on every piece of a flood in order, then the exit', async () => {
    const p = sh(floodScript(20_000));
    expect(p.pid).toBeGreaterThan(1);
    const batches: string[] = [];
    let exitAfter = -1;
    p.onData((data) => {
      batches.push(data);
      p.more();
    });
    p.onExit(() => (exitAfter = batches.length));
    expect((await exitOf(p)).exitCode).toBe(0);
    // The exit comes after the last of the output, and nothing is lost or reordered.
    expect(exitAfter).toBe(batches.length);
    expect(batches.join('')).toBe(floodText(20_000));
  }, 30_000);

  it('stops reading while its output is not taken, so the process waits; takes it all when asked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'paw-pty-'));
    dirs.push(dir);
    const done = path.join(dir, 'done');
    // About 4 MB, far more than the pty, the batch limit and one batch hold together.
    const p = sh(`${floodScript(40_000)}; : > '${done}'`, 64 * 1024);
    const batches: string[] = [];
    p.onData((data) => batches.push(data));
    await sleep(1500);
    // One batch was handed on (the first is always wanted) and no more was asked for.
    expect(batches.length).toBe(1);
    expect(existsSync(done)).toBe(false);
    const exited = exitOf(p);
    p.onData(() => p.more());
    p.more();
    expect((await exited).exitCode).toBe(0);
    expect(existsSync(done)).toBe(true);
    expect(batches.join('')).toBe(floodText(40_000));
  }, 30_000);

  it('loses nothing when the output is taken long after the process ended', async () => {
    // From a few KB past the thread's limit (8 KB) to more than it and the pty hold together:
    // the process ends while its last output still waits in the pty, or waits to write it.
    for (const lines of [200, 250, 300, 350, 900]) {
      const p = sh(floodScript(lines), 8 * 1024);
      const batches: string[] = [];
      let exited = false;
      p.onData((data) => batches.push(data));
      p.onExit(() => (exited = true));
      // Longer than node-pty waits for the last output once the process is gone.
      await sleep(600);
      p.onData(() => p.more());
      p.more();
      await vi.waitFor(() => expect(exited).toBe(true), { timeout: 15_000 });
      expect(batches.join('').length, `${lines} lines`).toBe(floodText(lines).length);
      expect(batches.join(''), `${lines} lines`).toBe(floodText(lines));
    }
  }, 60_000);

  it('loses nothing either when keys were typed ahead that the process never read', async () => {
    const p = sh(`stty -echo; sleep 0.5; ${floodScript(300)}`, 8 * 1024);
    const batches: string[] = [];
    let exited = false;
    p.onData((data) => batches.push(data));
    p.onExit(() => (exited = true));
    // Once echo is off, while the script sleeps.
    await sleep(250);
    p.write('abc\r');
    await sleep(900);
    p.onData(() => p.more());
    p.more();
    await vi.waitFor(() => expect(exited).toBe(true), { timeout: 15_000 });
    expect(batches.join('')).toBe(floodText(300));
  }, 30_000);

  it('keeps its end mark out of the output, and the exit code of the process', async () => {
    // Text like the mark, without the terminal's own token, is output like any other.
    const p = sh(`printf 'a\\033]6973;paw-end-0123\\007b\\n'; printf 'tail\\033]69'; exit 3`);
    let out = '';
    p.onData((data) => {
      out += data;
      p.more();
    });
    expect((await exitOf(p)).exitCode).toBe(3);
    expect(out).toBe('a\x1b]6973;paw-end-0123\x07b\r\ntail\x1b]69');
  });

  it('hands on a piece that only looks like the start of its end mark after a moment', async () => {
    const p = sh(`printf 'a\\033'; sleep 1; printf 'b'`);
    let out = '';
    p.onData((data) => {
      out += data;
      p.more();
    });
    await vi.waitFor(() => expect(out).toBe('a\x1b'), { timeout: 600 });
    expect((await exitOf(p)).exitCode).toBe(0);
    expect(out).toBe('a\x1bb');
  });

  it('ends each thread on its own once its process has exited', async () => {
    // Ending a thread from outside while node-pty is in its native exit callback aborts the
    // whole process: the thread ends itself, and none is left behind.
    const threads = () => readdirSync('/proc/self/task').length;
    const before = threads();
    for (let i = 0; i < 30; i++) {
      const p = sh(i % 2 ? 'exit 0' : 'echo done');
      p.onData(() => p.more());
      expect((await exitOf(p)).exitCode).toBe(0);
    }
    await vi.waitFor(() => expect(threads()).toBeLessThanOrEqual(before + 1), { timeout: 10_000 });
  }, 60_000);

  it('sends keys and sizes to the process', async () => {
    const p = sh(`stty -echo; read line; stty size; echo "got $line"`);
    let out = '';
    p.onData((data) => {
      out += data;
      p.more();
    });
    p.resize(100, 30);
    await sleep(200);
    p.write('hello\r');
    await exitOf(p);
    expect(out).toContain('30 100');
    expect(out).toContain('got hello');
  });

  it('kills the process on dispose and still reports its exit', async () => {
    const p = sh('sleep 30');
    const exited = exitOf(p);
    p.dispose();
    const exit = await exited;
    expect(exit.signal).toBe(9);
    expect(() => process.kill(p.pid, 0)).toThrow();
  });

  it('fails at once when its thread ends before the process started', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'paw-pty-'));
    dirs.push(dir);
    // A node-pty that ends the thread as it loads.
    const broken = path.join(dir, 'pty.cjs');
    writeFileSync(broken, 'process.exit(0);\n');
    const started = Date.now();
    expect(() => spawnOnThread('/bin/true', [], { name: 'xterm-256color', cols: 80, rows: 24, cwd: tmpdir(), env: ptyEnv() }, undefined, broken)).toThrow(
      'the terminal for /bin/true did not start: its reading thread ended',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("throws node-pty's error when the process cannot be started", () => {
    const options = { name: 'xterm-256color', cols: 80, rows: 24, cwd: tmpdir(), env: ptyEnv(), encoding: 'no such encoding' };
    expect(() => spawnOnThread('/bin/true', [], options as PtyOptions)).toThrow(/Unknown encoding: no such encoding/);
  });
});
