import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
let cli = '';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The built CLI (npm test builds first; a lone vitest run builds it here). Tests run a copy of
 * dist/ taken once, because other test files rebuild dist/ while these run; the copy sits under
 * node_modules/.cache so the bundle still finds its packages.
 */
export function ensureBuilt(): void {
  if (cli) return;
  const dist = path.join(repoRoot, 'dist');
  const complete = () => existsSync(path.join(dist, 'cli.js')) && existsSync(path.join(dist, 'fake-packer.js'));
  if (!complete()) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0 && !complete()) throw new Error(`build failed: ${r.stderr}`);
  }
  const copy = path.join(repoRoot, 'node_modules', '.cache', `paw-aws-dist-${process.pid}`);
  rmSync(copy, { recursive: true, force: true });
  cpSync(dist, copy, { recursive: true });
  cli = path.join(copy, 'cli.js');
}

/** The copied build's cli.js. */
export function builtCli(): string {
  return cli || fail();
}

/** The environment of a run: the caller's without any AWS or paw-tui setting, plus these. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_') && !k.startsWith('PAW_')) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** The simulated packer of the copied build. */
export function fakePacker(): string {
  return path.join(path.dirname(cli), 'fake-packer.js');
}

/** A fresh copy of the example workflow; returns the workflow folder. */
export function exampleWorkflow(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'paw-aws-cmd-'));
  cpSync(path.join(repoRoot, 'workflow'), path.join(dir, 'workflow'), { recursive: true });
  return path.join(dir, 'workflow');
}

/**
 * Runs `paw-tui ...args` as a user would: no terminal, and only the AWS settings given (none of
 * the caller's), so nothing reaches a real account.
 */
export function paw(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [builtCli(), ...args], { env: cleanEnv(env), timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** The one error line of a failed run (and nothing else on stderr). */
export function errorLineOf(r: CliRun): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${r.stderr}\nstdout:\n${r.stdout}`);
  return lines[0]!;
}

export function readParams(workflowDir: string): string {
  return readFileSync(path.join(workflowDir, 'workflow_param.json'), 'utf8');
}

function fail(): never {
  throw new Error('call ensureBuilt() first');
}

/** Removes the copied build. */
export function removeBuiltCopy(): void {
  if (cli) rmSync(path.dirname(cli), { recursive: true, force: true });
  cli = '';
}
