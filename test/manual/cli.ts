import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';

let copied: string | undefined;

/**
 * The built CLI (`npm run build`), as a user runs it; built once when missing. The test runs a
 * copy of dist/ taken at its start, because other tests rebuild dist/ while this one kills and
 * restarts the CLI for a minute. The copy sits under node_modules/.cache so the bundle still
 * finds its packages and paw-tui's package.json above it.
 */
export function cliPath(): string {
  if (copied) return copied;
  const root = packageRoot();
  const dist = path.join(root, 'dist');
  if (!existsSync(path.join(dist, 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  const copy = path.join(root, 'node_modules', '.cache', `paw-manual-dist-${process.pid}`);
  cpSync(dist, copy, { recursive: true });
  return (copied = path.join(copy, 'cli.js'));
}

export function removeCliCopy(): void {
  if (copied) rmSync(path.dirname(copied), { recursive: true, force: true });
  copied = undefined;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `node dist/cli.js --sandbox --workflow <dir> manual hardening <args>` (or another command), without a terminal. */
export function runManual(dir: string, args: string[], env: Record<string, string> = {}, command = ['manual', 'hardening']): CliRun {
  const child = spawn(process.execPath, [cliPath(), '--sandbox', '--workflow', dir, ...command, ...args], {
    env: { ...process.env, PAW_SANDBOX_SPEED: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}
