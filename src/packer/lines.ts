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

/**
 * Splits a stream of chunks into complete lines, keeping the unfinished end of a chunk for the
 * next one (a chunk often stops mid-line, or mid escape sequence).
 */
/** A line still unfinished past this size is mostly `\r` rewrites (a progress bar): keep its last one. */
const MAX_PENDING = 256 * 1024;

export class LineSplitter {
  private rest = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    let nl = chunk.indexOf('\n');
    if (nl === -1) {
      this.rest += chunk;
      if (this.rest.length > MAX_PENDING) {
        const cr = this.rest.lastIndexOf('\r');
        this.rest = cr > 0 ? this.rest.slice(cr) : this.rest.slice(-MAX_PENDING);
      }
      return;
    }
    this.onLine(plainLine(this.rest + chunk.slice(0, nl)));
    this.rest = '';
    let start = nl + 1;
    while ((nl = chunk.indexOf('\n', start)) !== -1) {
      this.onLine(plainLine(chunk.slice(start, nl)));
      start = nl + 1;
    }
    this.rest = chunk.slice(start);
  }

  /** The last line when the output did not end with a newline. */
  end(): void {
    if (this.rest) this.onLine(plainLine(this.rest));
    this.rest = '';
  }
}
