// Shared pieces of the benchmark: statistics, bundling of bench entries, pty timing, temp
// folders. Every measure is a ratio against a floor run in the same process tree, because the
// machines this runs on are noisy (SPEC §10).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function median(values) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1];
}

/** A fresh temp folder, removed when the bench process ends. */
const tempDirs = [];
export function tempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `paw-bench-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}
// The SDK's notice about future Node versions would be read as a failure of the child.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

process.on('exit', () => {
  if (process.env.PAW_BENCH_KEEP) return;
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A temp copy of the example workflow/ (without any .paw state from earlier runs). */
export function workflowCopy(prefix = 'wf') {
  const dir = path.join(tempDir(prefix), 'workflow');
  cpSync(path.join(repoRoot, 'workflow'), dir, {
    recursive: true,
    filter: (src) => !src.split(path.sep).includes('.paw'),
  });
  return dir;
}

/**
 * Bundles a bench entry (TypeScript/TSX, importing from src/) into one ESM file with the
 * product's esbuild settings (scripts/build.mjs). Native and CommonJS-heavy packages stay
 * external and resolve from the repository's node_modules: the bundle is written inside the
 * repository (bench/.out/<name>/, ignored) for that reason, unless `outdir` says otherwise (an
 * entry without external imports runs from anywhere). One file, no chunks: a dynamic
 * import() of a CommonJS package then keeps its named exports (a split chunk exports only a
 * default), and Ink's optional devtools import is stubbed out as the product never loads it.
 */
export async function bundle(entry, name, { outdir = path.join(repoRoot, 'bench', '.out', name) } = {}) {
  const { build } = await import('esbuild');
  rmSync(outdir, { recursive: true, force: true });
  const outfile = path.join(outdir, 'main.mjs');
  await build({
    entryPoints: [path.resolve(repoRoot, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    mainFields: ['module', 'main'],
    target: 'node20',
    jsx: 'automatic',
    logLevel: 'warning',
    external: ['node-pty', '@xterm/headless', 'dynalite', 'nunjucks', 'jsonc-parser'],
    plugins: [
      {
        name: 'no-devtools',
        setup(b) {
          b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
          b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default {};', loader: 'js' }));
        },
      },
    ],
    banner: {
      js: "import { createRequire as __pawCreateRequire } from 'node:module'; const require = __pawCreateRequire(import.meta.url);",
    },
    define: { 'process.env.DEV': '"false"', 'process.env.NODE_ENV': '"production"', __PAW_VERSION__: '"bench"' },
  });
  return outfile;
}

/** Runs a command to completion; resolves with wall time in ms (from spawn to exit). */
export function timeProcess(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`${path.basename(file)} ${args.map((a) => path.basename(a)).join(' ')} exited ${code}: ${err.trim().slice(-400)}`));
      else resolve({ ms, out, err });
    });
  });
}

const plainText = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b\][^\x07]*\x07/g, '');

/**
 * Starts a program in a pseudo-terminal of cols×rows and resolves with the time from spawn to the
 * first output whose text (colours and cursor moves left out) matches `marker`, a string or a
 * RegExp: the first frame that shows it. Then asks the program to
 * quit with `quitKeys` and, if it has not exited after a grace period, kills it.
 */
export async function ptyTimeToMarker(file, args, { marker, cols = 120, rows = 40, env = process.env, cwd = repoRoot, timeoutMs = 20000, quitKeys = 'q' }) {
  const pty = (await import('node-pty')).default;
  return new Promise((resolve, reject) => {
    let seen = '';
    let firstFrameMs = null;
    const start = performance.now();
    const child = pty.spawn(file, args, { name: 'xterm-256color', cols, rows, cwd, env });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "${marker}" within ${timeoutMs} ms; output was: ${JSON.stringify(seen.slice(-400))}`));
    }, timeoutMs);
    let killTimer;
    child.onData((d) => {
      if (firstFrameMs !== null) return;
      seen += d;
      const text = plainText(seen);
      if (typeof marker === 'string' ? text.includes(marker) : marker.test(text)) {
        firstFrameMs = performance.now() - start;
        clearTimeout(timer);
        if (quitKeys) child.write(quitKeys);
        killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      }
    });
    child.onExit(() => {
      clearTimeout(killTimer);
      if (firstFrameMs !== null) resolve(firstFrameMs);
      else {
        clearTimeout(timer);
        reject(new Error(`exited before "${marker}"; output was: ${JSON.stringify(seen.slice(-400))}`));
      }
    });
  });
}

/** Alternates the floor and the measured thing so that drifts in machine load hit both. */
export async function interleaved(runs, floorFn, measureFn) {
  const floor = [];
  const measured = [];
  for (let i = 0; i < runs; i++) {
    floor.push(await floorFn(i));
    measured.push(await measureFn(i));
  }
  return { floor, measured };
}
