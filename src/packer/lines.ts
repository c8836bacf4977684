import stripAnsi from 'strip-ansi';

/**
 * A line as a terminal would show it: each `\r` returns to the start of the line and the text
 * after it overwrites what was there (a shorter rewrite leaves the end of the longer text).
 */
export function resolveCarriageReturns(line: string): string {
  if (!line.includes('\r')) return line;
  const parts = line.split('\r');
  let shown = parts[0]!;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    shown = part + shown.slice(part.length);
  }
  return shown;
}

/** Raw terminal output → plain text of one line: colours and cursor codes gone, `\r` resolved. */
export function plainLine(raw: string): string {
  // A pty ends lines with \r\n: that \r is not a rewrite.
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  return resolveCarriageReturns(stripAnsi(text));
}

// Colour codes (SGR), the only escapes in most of Packer's output.
const COLOUR_CODES = /\x1b\[[0-9;]*m/g;
// What strip-ansi reads as the start of a sequence: ESC and the C1 introducers.
const INTRODUCER = /[\x1b\x90-\x9f]/;

/**
 * `text` with its colour codes removed, when they were its only escapes (each is then exactly
 * what strip-ansi would remove); null when it holds any other sequence.
 */
function withoutColours(text: string): string | null {
  if (!text.includes('\x1b') && !text.includes('\x9b')) return text;
  const plain = text.replace(COLOUR_CODES, '');
  return INTRODUCER.test(plain) ? null : plain;
}

/** A line still unfinished past this size is mostly `\r` rewrites (a progress bar): keep its last one. */
const MAX_PENDING = 256 * 1024;

/**
 * Splits a stream of chunks into complete lines (plainLine of each), keeping the unfinished end
 * of a chunk for the next one (a chunk often stops mid-line, or mid escape sequence). The lines
 * of a chunk are cleaned together: one pass over the chunk for its colour codes, not one a line.
 */
export class LineSplitter {
  private rest = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const lastBreak = chunk.lastIndexOf('\n');
    if (lastBreak === -1) {
      this.rest += chunk;
      if (this.rest.length > MAX_PENDING) {
        const cr = this.rest.lastIndexOf('\r');
        this.rest = cr > 0 ? this.rest.slice(cr) : this.rest.slice(-MAX_PENDING);
      }
      return;
    }
    const block = this.rest + chunk.slice(0, lastBreak);
    this.rest = chunk.slice(lastBreak + 1);
    // Colour codes hold no line break: the plain block has the same lines as the raw one.
    const plain = withoutColours(block);
    const text = plain ?? block;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const line = text.slice(start, nl === -1 ? text.length : nl);
      this.onLine(plain === null ? plainLine(line) : resolveCarriageReturns(line.endsWith('\r') ? line.slice(0, -1) : line));
      if (nl === -1) return;
      start = nl + 1;
    }
  }

  /** The last line when the output did not end with a newline. */
  end(): void {
    if (this.rest) this.onLine(plainLine(this.rest));
    this.rest = '';
  }
}
