import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import stripAnsi from 'strip-ansi';
import { PawError } from '../errors.js';
import type { OnError, PackerBinary } from './types.js';

const INSTALL_HINT =
  'install it (Debian/Ubuntu: sudo apt-get install packer; elsewhere: https://developer.hashicorp.com/packer/install or https://releases.hashicorp.com/packer/) or point PAW_PACKER at the binary';

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `packer` on PATH, or null. */
async function onPath(env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'packer');
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

/**
 * A JavaScript file given as PAW_PACKER (the sandbox's simulated Packer) is run with this
 * Node, so it works whether or not its executable bit and shebang survived packaging.
 */
function launcher(file: string): { path: string; args: string[] } {
  if (/\.(c|m)?js$/.test(file)) return { path: process.execPath, args: [file] };
  return { path: file, args: [] };
}

/**
 * Packer's environment: this process's, with `extra` applied (the AWS identity paw-tui checked).
 * An undefined value removes the variable; none is ever passed as the text "undefined".
 */
export function packerEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function run(
  file: string,
  args: string[],
  cwd?: string,
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: packerEnv(env) }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error as Error);
      else resolve({ code: error ? Number(error.code) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** `Packer v1.6.6` (and the longer text of newer versions) → `1.6.6`. */
export function parsePackerVersion(text: string): string | null {
  const m = /\bv?(\d+\.\d+\.\d+(?:[-+][\w.]+)?)/.exec(text);
  return m ? m[1]! : null;
}

/** Finds Packer: PAW_PACKER when set, else `packer` on PATH, with its version. */
export async function findPacker(env: NodeJS.ProcessEnv = process.env): Promise<PackerBinary> {
  const configured = env.PAW_PACKER?.trim();
  let file: string;
  if (configured) {
    file = path.resolve(configured);
    if (!(await isExecutable(file))) {
      throw new PawError(`PAW_PACKER points at ${file}, which is not an executable file`, { hint: INSTALL_HINT });
    }
  } else {
    const found = await onPath(env);
    if (!found) throw new PawError('packer was not found on PATH', { hint: INSTALL_HINT });
    file = found;
  }
  const { path: exe, args } = launcher(file);
  let answer;
  try {
    answer = await run(exe, [...args, 'version']);
  } catch (e) {
    throw new PawError(`could not run ${file}: ${(e as Error).message}`, { hint: INSTALL_HINT, cause: e });
  }
  const version = parsePackerVersion(answer.stdout) ?? parsePackerVersion(answer.stderr);
  if (answer.code !== 0 || !version) {
    const said = (answer.stderr || answer.stdout).trim().split('\n')[0] ?? '';
    throw new PawError(`${file} did not answer \`packer version\`${said ? `: ${said}` : ''}`, { hint: INSTALL_HINT });
  }
  return { path: exe, args, version };
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  return a > major || (a === major && b >= minor);
}

/** `packer init` exists from 1.7 and is needed only when the template declares its plugins. */
export function needsInit(version: string, templateText: string): boolean {
  return atLeast(version, 1, 7) && /\brequired_plugins\s*\{/.test(templateText);
}

/** Var-file paths as Packer sees them from the step folder (its working directory). */
function varFileArgs(stepDir: string, varFiles: string[]): string[] {
  return varFiles.map((f) => {
    const rel = path.relative(stepDir, path.resolve(stepDir, f));
    return `-var-file=${rel.startsWith('..') ? path.resolve(stepDir, f) : rel}`;
  });
}

export function initArgs(): string[] {
  return ['init', '.'];
}

export function validateArgs(stepDir: string, varFiles: string[]): string[] {
  return ['validate', ...varFileArgs(stepDir, varFiles), '.'];
}

/**
 * SPEC §3's build command; never `-debug` (it stops at every step and waits for a key). The run id
 * goes to the template's `paw_run_id` variable (tagged on the build instance) when it declares one:
 * Packer refuses a -var for a variable nobody declared.
 */
export function buildArgs(stepDir: string, varFiles: string[], onError: OnError, runId?: string): string[] {
  const run = runId ? [`-var=${RUN_ID_VARIABLE}=${runId}`] : [];
  return ['build', '-color=true', `-on-error=${onError}`, ...varFileArgs(stepDir, varFiles), ...run, '.'];
}

/** The Packer variable a template declares to receive paw-tui's run id. */
export const RUN_ID_VARIABLE = 'paw_run_id';

/** Whether a step folder's Packer files declare `variable "paw_run_id"`. */
export async function declaresRunId(stepDir: string): Promise<boolean> {
  const { readdir, readFile } = await import('node:fs/promises');
  const files = (await readdir(stepDir)).filter((f) => f.endsWith('.pkr.hcl'));
  const declared = new RegExp(`^\\s*variable\\s+"${RUN_ID_VARIABLE}"`, 'm');
  for (const f of files) if (declared.test(await readFile(path.join(stepDir, f), 'utf8'))) return true;
  return false;
}

/** A word as a POSIX shell reads it back. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line as a user would type it (for --dry-run and the log's first line). */
export function commandLine(file: string, args: string[]): string {
  return [file, ...args].map(shellQuote).join(' ');
}

/**
 * Runs a short Packer command (validate, init) to its end, output captured, with the same AWS
 * environment as `packer build` (`env`, the cloud's childEnv).
 */
export async function runPackerCommand(
  packer: PackerBinary,
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<{ code: number; output: string }> {
  const r = await run(packer.path, [...packer.args, ...args], cwd, env);
  return { code: r.code, output: stripAnsi(r.stdout + r.stderr).trim() };
}
