// The two floors of the log-pane measure, each run as a process of its own so its peak memory is
// its own: the same bytes through the same kind of pseudo-terminal into
//   discard — a consumer that drops them (the cost of the pty itself);
//   xterm   — a bare @xterm/headless terminal (the cost of correct terminal emulation).
// Usage: node logpane-floor.mjs <discard|xterm> <log file> <stamps file> <cols> <rows> <scrollback>
// Prints one JSON line: { ms, endedAt, maxRssMB, lastLine } (endedAt: Date.now() at the end).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { END_MARKER } from './log-lines.mjs';

const [mode, logFile, stampsFile, cols, rows, scrollback] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const pty = (await import('node-pty')).default;
const xterm = mode === 'xterm' ? (await import('@xterm/headless')).default : null;
const term = xterm ? new xterm.Terminal({ cols: Number(cols), rows: Number(rows), scrollback: Number(scrollback), allowProposedApi: true }) : null;

const env = { ...process.env, TERM: 'xterm-256color' };
const start = performance.now();
const child = pty.spawn(process.execPath, [path.join(here, 'log-writer.mjs'), logFile, stampsFile], {
  name: 'xterm-256color',
  cols: Number(cols),
  rows: Number(rows),
  cwd: here,
  env,
});

// Done when the end of the log has arrived (and, for xterm, been parsed); then the writer is
// told to go.
let tail = '';
let ended = false;
child.onData((d) => {
  if (term) term.write(d);
  if (ended) return;
  tail = (tail + d).slice(-200);
  if (tail.includes(END_MARKER)) {
    ended = true;
    done();
  }
});

function done() {
  const finish = (lastLine) => {
    const ms = performance.now() - start;
    if (!lastLine.includes(END_MARKER)) {
      process.stderr.write(`the end of the log never arrived (last: ${JSON.stringify(lastLine)})\n`);
      process.exit(1);
    }
    process.stdout.write(JSON.stringify({ ms, endedAt: Date.now(), maxRssMB: process.resourceUsage().maxRSS / 1024, lastLine }) + '\n');
    child.write('done\r');
    child.onExit(() => process.exit(0));
  };
  if (!term) return finish(tail);
  // write('') calls back once the parser has worked through everything queued before it.
  term.write('', () => {
    const buf = term.buffer.active;
    let last = '';
    for (let y = buf.length - 1; y >= 0 && !last.trim(); y--) last = buf.getLine(y)?.translateToString(true) ?? '';
    finish(last);
  });
}
