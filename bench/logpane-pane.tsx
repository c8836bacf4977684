// Consumer (c) of the log-pane measure: paw-tui's own terminal session (node-pty → headless
// xterm) with its TerminalPane rendered by Ink into a stream that discards the frames, as the
// build screen shows a build. Each frame is timed and read for the newest line stamp it shows,
// to find how far the pane fell behind the process.
// Usage: node <bundle> <log file> <stamps file> <cols> <rows> <scrollback>
// Prints one JSON line: { ms, maxRssMB, frames, fps, lagsMs, worstPaneLagMs, inkRenderMs, inkRenders }.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'ink';
import { startTerminal } from '../src/packer/terminal.js';
import { TerminalPane } from '../src/ui/components/TerminalPane.js';
import { END_MARKER } from './log-lines.mjs';
import { fakeKeyboard, fakeScreen, plain, type DrawnFrame } from './ink-io.js';
import { chunkLags, worstPaneLag, type Frame } from './lag.mjs';

const [logFile, stampsFile, colsArg, rowsArg, scrollbackArg] = process.argv.slice(2) as [string, string, string, string, string];
const cols = Number(colsArg);
const rows = Number(rowsArg);
// The bundle sits in bench/.out/<name>/; the writer beside this file's source.
const writer = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'log-writer.mjs');

const frames: Frame[] = [];
const renderTimes: number[] = [];
let sawEnd = -1;
let lastFrame = '';
const stampPattern = /t=(\d{13})/g;

function frameDrawn({ t, raw }: DrawnFrame): void {
  let newest = 0;
  for (const m of raw.matchAll(stampPattern)) newest = Math.max(newest, Number(m[1]));
  frames.push({ t, newest });
  lastFrame = raw;
  if (sawEnd < 0 && raw.includes(END_MARKER)) {
    sawEnd = performance.now();
    setImmediate(finish);
  }
}

const screen = fakeScreen(cols, rows + 10, frameDrawn);
const keyboard = fakeKeyboard();

const start = performance.now();
const session = startTerminal({
  file: process.execPath,
  args: [writer, logFile, stampsFile],
  cwd: process.cwd(),
  cols,
  rows,
  scrollback: Number(scrollbackArg),
});
// When each piece of output arrived from the pty: time and characters so far, flat.
const arrivals: number[] = [];
let received = 0;
session.onData((chunk) => {
  received += chunk.length;
  arrivals.push(Date.now(), received);
});
const app = render(<TerminalPane source={session} width={cols} height={rows + 1} active={false} />, {
  stdout: screen,
  stdin: keyboard,
  exitOnCtrlC: false,
  patchConsole: false,
  // Ink's own time per frame (layout and output), to tell the owner where a missed target goes.
  onRender: ({ renderTime }) => renderTimes.push(renderTime),
});

function finish() {
  const ms = sawEnd - start;
  app.unmount();
  const { stamps, ends } = JSON.parse(readFileSync(stampsFile, 'utf8')) as { stamps: number[]; ends: number[] };
  const drawn = frames.filter((f) => f.newest > 0);
  const span = (drawn.at(-1)!.t - drawn[0]!.t) / 1000;
  process.stdout.write(
    JSON.stringify({
      ms,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      frames: drawn.length,
      fps: span > 0 ? (drawn.length - 1) / span : drawn.length,
      lagsMs: chunkLags(frames, stamps),
      worstPaneLagMs: worstPaneLag(frames, stamps, ends, arrivals),
      inkRenderMs: renderTimes.reduce((a, b) => a + b, 0),
      inkRenders: renderTimes.length,
    }) + '\n',
  );
  session.write('done\r');
  session.onExit(() => process.exit(0));
}
setTimeout(
  () => {
    const shown = plain(lastFrame).trim().split('\n').slice(-3).join(' | ');
    process.stderr.write(
      `the pane never showed the end of the log (${frames.length} frames, exit ${JSON.stringify(session.exit)}; last frame ends: ${shown})\n`,
    );
    process.exit(1);
  },
  Number(process.env.PAW_BENCH_PANE_TIMEOUT_MS ?? 120_000),
).unref();
