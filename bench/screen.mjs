// The real build screen (issue 14): paw-tui --sandbox in a 120x40 pseudo-terminal, a build
// started with `b` on home, its Packer a flood of packer-like lines in front of the simulated
// packer (flood-packer.mjs) — title, checks, phases, help bar and the pane with its clipping,
// Packer's output parsed into phases and written to the build log on the main thread, as in the
// product. Read from outside as a person's terminal would get it: each piece of output is a
// frame, read for the newest stamp it shows. Against the same bytes through a pty into a bare
// @xterm/headless terminal, both timed from the first stamp to the end of the log.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { median, repoRoot, tempDir, workflowCopy } from './lib.mjs';
import { chunkLags } from './lag.mjs';
import { END_MARKER, writeLogFile } from './log-lines.mjs';
import { childEnv, lagRows, runConsumer } from './logpane.mjs';
import { HOME_MARKER } from './startup.mjs';

const COLS = 120;
const ROWS = 40;
const stampPattern = /t=(\d{13})/g;
const END_SYNC = '\x1b[?2026l';
const plain = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b\][^\x07]*\x07/g, '');

/** CPU time a live process used so far, all its threads (Linux), in ms. */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // utime and stime (fields 14 and 15, after the name in parentheses), in clock ticks of
    // 1/100 s (USER_HZ on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** Peak resident memory of a live process (Linux), in MB. */
function peakRssMB(pid) {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function runScreen(logFile, stampsFile) {
  const pty = (await import('node-pty')).default;
  const workflow = workflowCopy('screen');
  const env = {
    ...childEnv(),
    TERM: 'xterm-256color',
    FORCE_COLOR: '1',
    PAW_PACKER: path.join(repoRoot, 'bench', 'flood-packer.mjs'),
    PAW_BENCH_FAKE_PACKER: path.join(repoRoot, 'dist', 'fake-packer.js'),
    PAW_BENCH_FLOOD_LOG: logFile,
    PAW_BENCH_FLOOD_STAMPS: stampsFile,
    PAW_FAKE_PACKER_SPEED: '50',
  };
  delete env.NO_COLOR;
  // PAW_BENCH_PROFILE=<dir>: paw-tui writes a CPU profile there (node --cpu-prof).
  const profile = process.env.PAW_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.PAW_BENCH_PROFILE] : [];
  const child = pty.spawn(process.execPath, [...profile, path.join(repoRoot, 'dist', 'cli.js'), '--sandbox', '--workflow', workflow], {
    name: 'xterm-256color',
    cols: COLS,
    rows: ROWS,
    cwd: path.dirname(workflow),
    env,
  });
  return new Promise((resolve, reject) => {
    const frames = [];
    let phase = 'home';
    let tail = '';
    let syncs = 0;
    let endAt = 0;
    let rss = NaN;
    let cpu = NaN;
    let cpuAtStart = NaN;
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL');
        reject(new Error(`the build screen never showed the end of the log (${phase}; last: ${JSON.stringify(plain(tail).slice(-300))})`));
      },
      Number(process.env.PAW_BENCH_PANE_TIMEOUT_MS ?? 180_000),
    );
    child.onData((d) => {
      const t = Date.now();
      tail = (tail + d).slice(-4000);
      // Home, once its steps have loaded: the first is highlighted.
      if (phase === 'home' && HOME_MARKER.test(plain(tail)) && /○ not built/.test(plain(tail))) {
        phase = 'asked';
        tail = '';
        child.write('b');
        return;
      }
      // `b` asks before it builds.
      if (phase === 'asked' && /\[y\/n\] Build/.test(plain(tail))) {
        phase = 'build';
        tail = '';
        child.write('y');
        return;
      }
      if (phase !== 'build') return;
      let newest = 0;
      for (const m of d.matchAll(stampPattern)) newest = Math.max(newest, Number(m[1]));
      if (newest > 0) {
        if (frames.length === 0) cpuAtStart = cpuMs(child.pid);
        frames.push({ t, newest });
      }
      // A frame is longer than one read of the pty: its end mark often comes in a read of its
      // own, without a stamp. Every end mark counts once the log shows.
      if (frames.length) syncs += d.split(END_SYNC).length - 1;
      if (plain(tail).includes(END_MARKER)) {
        phase = 'ended';
        endAt = t;
        rss = peakRssMB(child.pid);
        cpu = cpuMs(child.pid) - cpuAtStart;
        clearTimeout(timer);
        // The simulated build goes on to make its AMI; it is not measured.
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }
    });
    child.onExit(() => {
      clearTimeout(timer);
      if (phase !== 'ended') return reject(new Error(`paw-tui exited during ${phase}: ${JSON.stringify(plain(tail).slice(-300))}`));
      const { stamps } = JSON.parse(readFileSync(stampsFile, 'utf8'));
      const drawn = frames.filter((f) => f.newest >= stamps[0]);
      const span = (drawn.at(-1).t - drawn[0].t) / 1000;
      resolve({
        writerMs: stamps.at(-1) - stamps[0],
        ms: endAt - stamps[0],
        lags: chunkLags(frames, stamps),
        maxRssMB: rss,
        cpuMs: cpu,
        frames: syncs || drawn.length,
        fps: span > 0 ? ((syncs || drawn.length) - 1) / span : NaN,
      });
    });
  });
}

export async function buildScreen({ runs, lines }) {
  const dir = tempDir('screen');
  const logFile = path.join(dir, 'packer.log');
  const bytes = writeLogFile(logFile, lines);
  const floorScript = path.join(repoRoot, 'bench', 'logpane-floor.mjs');
  const floor = [];
  const screen = [];
  for (let i = 0; i < runs; i++) {
    const stamps = path.join(dir, `stamps-floor-${i}.json`);
    // The pane's size on the 120x40 build screen (beside the phases).
    const f = await runConsumer(floorScript, ['xterm', logFile, stamps, '76', '30', '10000']);
    floor.push(f.endedAt - JSON.parse(readFileSync(stamps, 'utf8')).stamps[0]);
    screen.push(await runScreen(logFile, path.join(dir, `stamps-screen-${i}.json`)));
  }
  const b = median(floor);
  const c = median(screen.map((r) => r.ms));
  const size = `${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(1)} MB`;
  return [
    // How long Packer took to write it all: longer than the floor means paw-tui read it slower.
    {
      measure: `build screen vs bare xterm (${size})`,
      value: c,
      unit: 'ms',
      detail: `(Packer wrote for ${median(screen.map((r) => r.writerMs)).toFixed(0)} ms; paw-tui's CPU ${median(screen.map((r) => r.cpuMs)).toFixed(0)} ms)`,
      floor: b,
      floorName: 'pty → @xterm/headless',
      ratio: c / b,
      target: { ratio: 1.3 },
    },
    { measure: 'build screen: peak RSS', value: Math.max(...screen.map((r) => r.maxRssMB)), unit: 'MB', target: { max: 200 } },
    {
      measure: 'build screen: frames drawn per second',
      value: median(screen.map((r) => r.fps)),
      unit: '/s',
      detail: `(${median(screen.map((r) => r.frames))} frames)`,
      target: { max: 30 },
    },
    ...lagRows(
      'build screen',
      screen.flatMap((r) => r.lags),
    ),
  ];
}
