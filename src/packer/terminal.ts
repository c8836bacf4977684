import { createRequire } from 'node:module';
import { ByteBuffers } from './byte-buffers.js';
import { packerEnv } from './find.js';
import { spawnOnThread } from './pty-worker.js';
import { RedactingStream } from './redact.js';
import type { IBufferCell, IBufferLine, Terminal } from '@xterm/headless';
import { PALETTE_256, rgbHex } from './colors.js';
import type { RawOutput, StyledLine, StyledSpan, TerminalSession } from './types.js';

// CommonJS and heavy; loaded only when a terminal is started (never on the app's first frame).
// createRequire keeps it out of the bundle and works from src and dist alike.
const requireCjs = createRequire(import.meta.url);

export interface TerminalOptions {
  file: string;
  args: string[];
  cwd: string;
  /** Added to (a copy of) process.env; an undefined value removes the variable. */
  env?: Record<string, string | undefined>;
  cols: number;
  rows: number;
  /** Lines kept above the screen. */
  scrollback?: number;
  /** Masks secrets in the output before anyone sees it (the pane, stdout, the log). */
  redact?: boolean;
}

export type Exit = { exitCode: number; signal?: number };

/** The child's environment: never a key set to undefined (node-pty would pass "undefined"). */
export function ptyEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  return packerEnv({ TERM: 'xterm-256color', ...extra });
}

function colour(mode: 'fg' | 'bg', cell: IBufferCell): string | undefined {
  if (mode === 'fg') {
    if (cell.isFgDefault()) return undefined;
    return cell.isFgRGB() ? rgbHex(cell.getFgColor()) : PALETTE_256[cell.getFgColor()];
  }
  if (cell.isBgDefault()) return undefined;
  return cell.isBgRGB() ? rgbHex(cell.getBgColor()) : PALETTE_256[cell.getBgColor()];
}

// Colour mode (high bits) and colour (low 24 bits) fit in one number; compared as numbers, so
// reading a line allocates nothing per cell.
const fgKey = (cell: IBufferCell) => cell.getFgColorMode() | cell.getFgColor();
const bgKey = (cell: IBufferCell) => cell.getBgColorMode() | cell.getBgColor();
const flagKey = (cell: IBufferCell) =>
  (cell.isBold() ? 1 : 0) | (cell.isDim() ? 2 : 0) | (cell.isItalic() ? 4 : 0) | (cell.isUnderline() ? 8 : 0) | (cell.isInverse() ? 16 : 0);

function spanStyle(cell: IBufferCell): Omit<StyledSpan, 'text'> {
  const style: Omit<StyledSpan, 'text'> = {};
  const fg = colour('fg', cell);
  const bg = colour('bg', cell);
  if (fg) style.fg = fg;
  if (bg) style.bg = bg;
  if (cell.isBold()) style.bold = true;
  if (cell.isDim()) style.dim = true;
  if (cell.isItalic()) style.italic = true;
  if (cell.isUnderline()) style.underline = true;
  if (cell.isInverse()) style.inverse = true;
  return style;
}

/** A buffer line as runs of equal style; trailing blank cells without a background are dropped. */
export function styledLine(line: IBufferLine | undefined, cols: number, cell: IBufferCell): StyledLine {
  if (!line) return [];
  const spans: StyledLine = [];
  let text = '';
  let fg = -1;
  let bg = -1;
  let flags = -1;
  let style: Omit<StyledSpan, 'text'> = {};
  const end = Math.min(cols, line.length);
  for (let x = 0; x < end; x++) {
    line.getCell(x, cell);
    // The second half of a wide character has width 0: its glyph is already in the first half.
    if (cell.getWidth() === 0) continue;
    const f = fgKey(cell);
    const b = bgKey(cell);
    const fl = flagKey(cell);
    if (f !== fg || b !== bg || fl !== flags) {
      if (text) spans.push({ text, ...style });
      fg = f;
      bg = b;
      flags = fl;
      style = spanStyle(cell);
      text = '';
    }
    text += cell.getChars() || ' ';
  }
  if (text) spans.push({ text, ...style });
  while (spans.length) {
    const last = spans[spans.length - 1]!;
    if (last.bg || last.inverse || last.underline) break;
    const trimmed = last.text.trimEnd();
    if (trimmed) {
      last.text = trimmed;
      break;
    }
    spans.pop();
  }
  return spans;
}

/**
 * Starts a process in a pseudo-terminal whose output feeds a headless xterm. The output is read
 * on a thread of its own (spawnOnThread) and comes in batches, each handed to the emulator as it
 * arrives (the emulator parses in its own slices of time), so Packer at full speed costs little
 * more than the emulator itself.
 */
export function startTerminal(options: TerminalOptions): TerminalSession & RawOutput {
  const xterm = requireCjs('@xterm/headless') as typeof import('@xterm/headless');
  let cols = Math.max(2, Math.floor(options.cols));
  let rows = Math.max(1, Math.floor(options.rows));
  const term: Terminal = new xterm.Terminal({
    cols,
    rows,
    scrollback: options.scrollback ?? 10_000,
    allowProposedApi: true,
    convertEol: false,
  });
  const child = spawnOnThread(options.file, options.args, {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: options.cwd,
    env: ptyEnv(options.env),
  });
  const changeListeners = new Set<() => void>();
  const exitListeners = new Set<(exit: Exit) => void>();
  const dataListeners = new Set<(chunk: string, plain?: string) => void>();
  const cell = term.buffer.active.getNullCell();
  let exit: Exit | null = null;
  let running = true;
  let disposed = false;

  // Chunks handed to the emulator and not yet parsed; the exit is reported only once the
  // emulator has parsed everything written before it, so a view at exit shows the last line.
  let parsing = 0;
  let reportExit: (() => void) | null = null;
  const parsed = () => {
    parsing--;
    for (const l of changeListeners) l();
    if (parsing === 0 && reportExit) reportExit();
  };
  const changed = () => {
    for (const l of changeListeners) l();
  };

  // Redacted output goes to the emulator as UTF-8 bytes: its decoder of strings, once it has
  // met the sliced and joined strings that redaction hands on, reads each character through
  // V8's slow path (a third of the emulator's time under a flood). The strings of the pty are
  // whole: they go as they are.
  const bytes = new ByteBuffers(64 * 1024, 8);
  const deliver = (chunk: string, asBytes: boolean, plain?: string) => {
    for (const l of dataListeners) l(chunk, plain);
    if (disposed) return;
    parsing++;
    if (!asBytes) return term.write(chunk, parsed);
    const { data, release } = bytes.encode(chunk);
    term.write(data, () => {
      release();
      parsed();
    });
  };
  const redactor = options.redact ? new RedactingStream((text, plain) => deliver(text, true, plain)) : null;
  // The next batch is asked for while fewer than two wait for the emulator: one being parsed,
  // one ready after it. Output beyond that waits on the reading thread (which stops reading
  // when enough waits there), so the screen stays as near the process as the emulator allows.
  let batches = 0;
  let asked = true;
  const askMore = () => {
    if (asked || batches >= 2 || !running) return;
    asked = true;
    child.more();
  };
  const batchParsed = () => {
    batches--;
    askMore();
  };
  child.onData((chunk) => {
    asked = false;
    if (redactor) redactor.push(chunk);
    else deliver(chunk, false);
    if (disposed) return;
    batches++;
    term.write('', batchParsed);
    askMore();
  });
  child.onExit(({ exitCode, signal }) => {
    running = false;
    redactor?.end();
    reportExit = () => {
      reportExit = null;
      bytes.clear();
      exit = signal ? { exitCode, signal } : { exitCode };
      for (const l of exitListeners) l(exit);
    };
    if (disposed || parsing === 0) reportExit();
  });

  /**
   * Index of the last line with content: the cursor's line, or the one above an empty cursor
   * line. A full-screen program (vi, top, less) draws on the alternate buffer: all of its rows.
   */
  function lastLine(): number {
    const buffer = term.buffer.active;
    if (buffer.type === 'alternate') return rows - 1;
    let end = buffer.baseY + buffer.cursorY;
    if (end > 0 && buffer.cursorX === 0 && !buffer.getLine(end)?.translateToString(true)) end--;
    return end;
  }

  return {
    pid: child.pid,
    get cols() {
      return cols;
    },
    get rows() {
      return rows;
    },
    get length() {
      return lastLine() + 1;
    },
    get exit() {
      return exit;
    },
    view(fromBottom, height) {
      const buffer = term.buffer.active;
      const last = lastLine();
      // Scrolled past the top: the first page stays in view.
      const end = Math.max(Math.min(last, height - 1), last - Math.max(0, Math.floor(fromBottom)));
      const start = Math.max(0, end - height + 1);
      const lines: StyledLine[] = [];
      for (let i = start; i <= end; i++) lines.push(styledLine(buffer.getLine(i), cols, cell));
      return lines;
    },
    lineText(index) {
      return term.buffer.active.getLine(index)?.translateToString(true) ?? '';
    },
    write(data) {
      if (running) child.write(data);
    },
    resize(newCols, newRows) {
      cols = Math.max(2, Math.floor(newCols));
      rows = Math.max(1, Math.floor(newRows));
      if (running) {
        try {
          child.resize(cols, rows);
        } catch {
          // The process ended between the check and the call.
        }
      }
      if (!disposed) term.resize(cols, rows);
      changed();
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    onData(listener) {
      dataListeners.add(listener);
      return () => dataListeners.delete(listener);
    },
    kill(signal = 'SIGINT') {
      if (!running) return;
      // The terminal's process group, as Ctrl-C in a real terminal would: the process and the
      // plugins it started (Packer's builders and provisioners handle the interrupt too).
      try {
        process.kill(-child.pid, signal);
      } catch {
        try {
          process.kill(child.pid, signal);
        } catch {
          // Already gone.
        }
      }
    },
    dispose() {
      if (disposed) return;
      if (running) this.kill('SIGKILL');
      disposed = true;
      child.dispose();
      if (reportExit) reportExit();
      changeListeners.clear();
      term.dispose();
    },
  };
}
