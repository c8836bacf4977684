import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

/** The headless commands are tested as a user runs them: the built CLI (`npm test` builds first). */
export function requireBuiltCli(): void {
  if (!existsSync(CLI) || !existsSync(path.join(ROOT, 'dist', 'fake-packer.js'))) {
    throw new Error('dist/cli.js or dist/fake-packer.js is missing: run `npm run build` first (npm test does)');
  }
}

export async function copyOf(dir: string): Promise<string> {
  const target = await mkdtemp(path.join(tmpdir(), 'paw-cli-'));
  await cp(dir, target, { recursive: true });
  return target;
}

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

export function startCli(args: string[], env: Record<string, string | undefined> = {}): CliRun {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  // Each test picks its own Packer; never the one a developer has exported.
  if (!('PAW_PACKER' in env)) delete merged.PAW_PACKER;
  delete merged.PAW_SANDBOX_STATE;
  const child = spawn(process.execPath, [CLI, ...args], { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Runs the CLI to its end; a run that hangs is killed and reported with what it printed. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000) {
  const run = startCli(args, env);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const code = await run.exit;
  clearTimeout(timer);
  if (code === null) {
    throw new Error(
      `paw-tui ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout:\n${run.stdout().slice(-2000)}\nstderr:\n${run.stderr().slice(-2000)}`,
    );
  }
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a run journal of the step (`.paw/runs/*.json`) holds `text` yet: written atomically, it is whole when read. */
/** The process group of the Packer the (only) run journal of a step names. */
export function runJournalPackerPid(stepDir: string): number {
  const dir = path.join(stepDir, '.paw', 'runs');
  const [file] = readdirSync(dir).filter((f) => f.endsWith('.json'));
  return (JSON.parse(readFileSync(path.join(dir, file!), 'utf8')) as { packerPid: number }).packerPid;
}

/** Whether a process of the group runs, read from /proc (a zombie, ended but not reaped, does not). */
export function packerGroupRuns(group: number): boolean {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .some((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return pgrp === String(group) && state !== 'Z' && state !== 'X';
      } catch {
        return false;
      }
    });
}

export function runJournalHolds(stepDir: string, text: string): boolean {
  const dir = path.join(stepDir, '.paw', 'runs');
  if (!existsSync(dir)) return false;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .some((f) => readFileSync(path.join(dir, f), 'utf8').includes(text));
}
