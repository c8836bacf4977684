import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const cli = path.join(repoRoot, 'dist', 'cli.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI (npm test builds first; a lone vitest run builds it once here). */
export function ensureBuilt(): void {
  if (existsSync(cli) && existsSync(path.join(repoRoot, 'dist', 'fake-packer.js'))) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
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
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(base)) if (k.startsWith('AWS_') || k.startsWith('PAW_')) delete base[k];
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
      },
    );
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
