// Log pane (SPEC §10): the same 200,000 coloured lines through the same kind of pseudo-terminal
// into (a) a consumer that discards them, (b) a bare @xterm/headless terminal, and (c) paw-tui's
// terminal session with its TerminalPane rendered by Ink to a discarded stream. Each consumer is
// a process of its own, so peak memory is its own; runs are interleaved so load drifts hit all.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { bundle, median, percentile, repoRoot, tempDir } from './lib.mjs';
import { writeLogFile } from './log-lines.mjs';

// The build screen's pane in a 120x40 terminal: the header, phases and help bar take the rest.
const COLS = 120;
const ROWS = 30;
// As the build session keeps (src/packer/terminal.ts default).
const SCROLLBACK = 10_000;

export function childEnv() {
  const env = { ...process.env };
  // Ink draws only the last frame when it believes it runs in CI.
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID', 'GITHUB_ACTIONS']) delete env[k];
  return env;
}

// PAW_BENCH_PROFILE=<dir>: each consumer writes a CPU profile there (node --cpu-prof).
export function runConsumer(script, args) {
  const profile = process.env.PAW_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.PAW_BENCH_PROFILE] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profile, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(script)} ${args[0] ?? ''} failed (${code}): ${err.trim().slice(-300)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)));
      } catch {
        reject(new Error(`${path.basename(script)} printed no result: ${out.slice(-300)} ${err.slice(-300)}`));
      }
    });
  });
}

/**
 * Lag behind the process over every chunk of every run: p50/p95/p99 (a single worst value is
 * noise on a shared machine; it is shown without a target).
 */
export function lagRows(label, lags) {
  return [
    { measure: `${label}: lag behind the process, p50`, value: percentile(lags, 50), unit: 'ms', detail: `(${lags.length} chunks)` },
    { measure: `${label}: lag behind the process, p95`, value: percentile(lags, 95), unit: 'ms', target: { max: 60 } },
    { measure: `${label}: lag behind the process, p99`, value: percentile(lags, 99), unit: 'ms', target: { max: 100 } },
    { measure: `${label}: lag behind the process, worst`, value: Math.max(...lags), unit: 'ms' },
  ];
}

function paneLag(pane) {
  const lags = pane.map((r) => r.worstPaneLagMs);
  const measure = 'log pane: worst lag behind output received';
  if (lags.some((l) => l === null)) return { measure, missing: 'the characters received did not add up to those written' };
  return { measure, value: Math.max(...lags), unit: 'ms', target: { max: 100 } };
}

/** `target`: the ratio to bare xterm this size must hold, or none (null: sizes below the spec's). */
export async function logPane({ runs, lines, target = 1.15, scale = false }) {
  const dir = tempDir('log');
  const logFile = path.join(dir, 'packer.log');
  const bytes = writeLogFile(logFile, lines);
  const floorScript = path.join(repoRoot, 'bench', 'logpane-floor.mjs');
  const paneScript = await bundle('bench/logpane-pane.tsx', 'logpane-pane');
  const common = (i, mode) => [logFile, path.join(dir, `stamps-${mode}-${i}.json`), String(COLS), String(ROWS), String(SCROLLBACK)];

  const discard = [];
  const xterm = [];
  const pane = [];
  for (let i = 0; i < runs; i++) {
    discard.push(await runConsumer(floorScript, ['discard', ...common(i, 'a')]));
    xterm.push(await runConsumer(floorScript, ['xterm', ...common(i, 'b')]));
    pane.push(await runConsumer(paneScript, common(i, 'c')));
  }
  const a = median(discard.map((r) => r.ms));
  const b = median(xterm.map((r) => r.ms));
  const c = median(pane.map((r) => r.ms));
  const size = `${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(1)} MB`;
  const vsXterm = { measure: `log pane vs bare xterm (${size})`, value: c, unit: 'ms', floor: b, floorName: 'pty → @xterm/headless', ratio: c / b };
  if (target) vsXterm.target = { ratio: target };
  if (scale) return [vsXterm, { measure: `log pane: peak RSS (${size})`, value: Math.max(...pane.map((r) => r.maxRssMB)), unit: 'MB', target: { max: 200 } }];
  return [
    vsXterm,
    { measure: 'log pane vs discard', value: c, unit: 'ms', floor: a, floorName: 'pty → discard', ratio: c / a },
    {
      measure: 'log pane: peak RSS',
      value: Math.max(...pane.map((r) => r.maxRssMB)),
      unit: 'MB',
      floor: median(xterm.map((r) => r.maxRssMB)),
      floorName: 'bare xterm',
      target: { max: 200 },
    },
    {
      measure: 'log pane: frames drawn per second',
      value: Math.max(...pane.map((r) => r.fps)),
      unit: '/s',
      detail: `(${median(pane.map((r) => r.frames))} frames, Ink ${median(pane.map((r) => r.inkRenderMs / Math.max(1, r.inkRenders))).toFixed(1)} ms each)`,
      target: { max: 30 },
    },
    // From the process's write to the frame: includes output queued in the pty while the
    // consumer is busy, so under a flood it measures throughput as much as the pane.
    ...lagRows(
      'log pane',
      pane.flatMap((r) => r.lagsMs),
    ),
    // From the output's arrival in paw-tui to the frame: the pane's own delay.
    paneLag(pane),
  ];
}
