import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The fault suite's tools: run the real built CLI on private copies of the example workflow,
 * read what it printed, and prove that a failure left the files and the sandbox's cloud as they
 * should be (nothing half-written, no resource that no journal knows about).
 */

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

export type Area = 'params files' | 'templates' | 'chain' | 'names' | 'packer' | 'aws errors' | 'interrupts and crashes' | 'usage';

export interface FaultCase {
  name: string;
  run: () => Promise<void>;
  timeoutMs?: number;
}

export function runCases(area: Area, cases: FaultCase[]): void {
  describe(area, () => {
    for (const c of cases) it(c.name, c.run, c.timeoutMs ?? 60_000);
  });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run: no AWS settings of this machine leak in, the sandbox runs fast. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') || k.startsWith('PAW_')) delete env[k];
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  env.AWS_EC2_METADATA_DISABLED = 'true';
  env.AWS_CONFIG_FILE = '/nonexistent/paw-faults/config';
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/paw-faults/credentials';
  env.PAW_SANDBOX_SPEED = '1000';
  env.PAW_FAKE_PACKER_SPEED = '50';
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `node dist/cli.js ...args` without a terminal; `onStart` sees the child (to interrupt it).
 * While someone rebuilds dist/ (it is removed and written again) a run can find it missing or
 * half there; such a run is tried again, as CI builds once before the tests.
 */
export async function runCli(args: string[], options: Parameters<typeof runCliOnce>[1] = {}): Promise<CliResult> {
  for (let attempt = 0; ; attempt++) {
    for (let waited = 0; !existsSync(cliPath) && waited < 60_000; waited += 200) await sleep(200);
    const r = await runCliOnce(args, options);
    const rebuilding = /Cannot find module '[^']*\/dist\/|ERR_MODULE_NOT_FOUND[\s\S]*\/dist\//.test(r.stderr);
    if (!rebuilding || attempt >= 3) return r;
    await sleep(2000);
  }
}

function runCliOnce(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    input?: string;
    timeoutMs?: number;
    onStart?: (child: import('node:child_process').ChildProcess) => void;
  } = {},
): Promise<CliResult> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? os.tmpdir(),
      env: cliEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`paw-tui ${args.join(' ')} did not finish in ${options.timeoutMs ?? 45_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
    options.onStart?.(child);
  });
}

/**
 * The failure is reported as SPEC §8 says: exactly one line `paw-tui: <message>` on stderr, no
 * stack trace, and the expected exit code.
 */
export function expectFailure(r: CliResult, code: number, message: RegExp): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  const context = `exit ${r.code}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}`;
  expect(lines.at(-1), context).toMatch(/^paw-tui: /);
  const errorLines = lines.filter((l) => l.startsWith('paw-tui: '));
  expect(errorLines, context).toHaveLength(1);
  expect(r.stderr, context).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(errorLines[0], context).toMatch(message);
  expect(r.code, context).toBe(code);
  return errorLines[0]!;
}

export async function tempDir(prefix = 'paw-fault-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A private copy of the example workflow/ (no .paw state), in a temp folder of its own. */
export async function tempWorkflow(): Promise<string> {
  const dir = path.join(await tempDir(), 'workflow');
  await cp(path.join(repoRoot, 'workflow'), dir, {
    recursive: true,
    filter: (src) => !src.split(path.sep).includes('.paw'),
  });
  return dir;
}

/** Every file of a folder (outside `.paw/`, which is paw-tui's own) with its bytes. */
export async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, file);
    if (rel.split(path.sep).includes('.paw')) continue;
    out.set(rel, await readFile(file));
  }
  return out;
}

/** Asserts that no file of the workflow changed, appeared or vanished (byte for byte). */
export async function expectFilesUnchanged(dir: string, before: Map<string, Buffer>): Promise<void> {
  const after = await filesOf(dir);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [rel, bytes] of before) expect(after.get(rel)?.equals(bytes), `${rel} changed`).toBe(true);
}

export function firstStepDir(workflowDir: string, folder: string): string {
  return path.join(workflowDir, folder);
}
