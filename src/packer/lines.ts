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

// What stays of a sequence strip-ansi does not read as one (an OSC never ended, an ESC alone):
// in a log shown with `cat` it would make the terminal swallow or redraw the lines after it.
const STRAY_INTRODUCERS = /[\x1b\x90-\x9f]/g;

/** Raw terminal output → plain text of one line: colours and cursor codes gone, `\r` resolved. */
export function plainLine(raw: string): string {
  // A pty ends lines with \r\n: that \r is not a rewrite.
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  return resolveCarriageReturns(stripAnsi(text).replace(STRAY_INTRODUCERS, ''));
}

// strip-ansi also reads the C1 introducers (one byte for ESC and the next) as sequences.
const C1_INTRODUCER = /[\x90-\x9f]/;

/** Whether `text` holds a C1 character (U+0080 to U+009F): none in text that is all ASCII. */
export function hasC1(text: string): boolean {
  // Counting UTF-8 bytes is several times quicker than any pattern over the text.
  return Buffer.byteLength(text) !== text.length && C1_INTRODUCER.test(text);
}

/**
 * The plain text of whole lines as one string: what plainLine gives each line of `block`
 * (split at \n), joined by \n; and whether it took the quick way with no line rewriting itself
 * (`simple`). Most of Packer's output holds no escape but colour codes, and every line ends with
 * the pty's \r\n: both go in one pass over the block, without a string per line; a line with a
 * \r of its own (a rewrite) is resolved alone, and a block with any other escape is read line
 * by line as strip-ansi reads it. `plainAlready`: the block came without escape sequences or C1
 * characters (the redaction's plain text): only its line ends are left to read. `rewritten`,
 * when given, is applied to each line a \r rewrote (resolved), whose text is new, and to every
 * line when the block is read the slow way.
 */
export function plainBlockOf(block: string, plainAlready = false, rewritten?: (line: string) => string): { text: string; simple: boolean } {
  const parts: string[] = [];
  let from = 0;
  let rewrites = false;
  let esc = block.indexOf('\x1b');
  let cr = block.indexOf('\r');
  while (esc !== -1 || cr !== -1) {
    if (cr !== -1 && (esc === -1 || cr < esc)) {
      // \r\n: the end of a line; a \r elsewhere rewrites the line (resolved below).
      if (cr + 1 === block.length || block.charCodeAt(cr + 1) === 10) {
        if (cr > from) parts.push(block.slice(from, cr));
        from = cr + 1;
      } else rewrites = true;
      cr = block.indexOf('\r', cr + 1);
      continue;
    }
    // A colour code: ESC [ digits and semicolons m. Anything else: the slow way.
    if (block.charCodeAt(esc + 1) !== 91) return { text: plainLines(block, rewritten), simple: false };
    let end = esc + 2;
    for (let c = block.charCodeAt(end); (c >= 48 && c <= 57) || c === 59; c = block.charCodeAt(++end));
    if (block.charCodeAt(end) !== 109) return { text: plainLines(block, rewritten), simple: false };
    if (esc > from) parts.push(block.slice(from, esc));
    from = end + 1;
    esc = block.indexOf('\x1b', from);
  }
  if (from < block.length) parts.push(block.slice(from));
  const text = parts.length === 1 ? parts[0]! : parts.join('');
  if (!plainAlready && hasC1(text)) return { text: plainLines(block, rewritten), simple: false };
  return rewrites ? { text: resolveRewrites(text, rewritten), simple: false } : { text, simple: true };
}

/** plainLine of each line of `block` (then `after`, when given), joined by \n. */
function plainLines(block: string, after?: (line: string) => string): string {
  const lines = block.split('\n').map(plainLine);
  return (after ? lines.map(after) : lines).join('\n');
}

/** The lines of `text` that hold a \r, resolved (a trailing \r was taken off before), then `after`. */
function resolveRewrites(text: string, after: (line: string) => string = (line) => line): string {
  const parts: string[] = [];
  let from = 0;
  for (let cr = text.indexOf('\r'); cr !== -1; cr = text.indexOf('\r', from)) {
    const start = text.lastIndexOf('\n', cr) + 1;
    let end = text.indexOf('\n', cr);
    if (end === -1) end = text.length;
    parts.push(text.slice(from, start), after(resolveCarriageReturns(text.slice(start, end))));
    from = end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/** A line still unfinished past this size is mostly `\r` rewrites (a progress bar): keep its last one. */
const MAX_PENDING = 256 * 1024;

/**
 * Splits a stream of chunks into complete lines (plainLine of each), keeping the unfinished end
 * of a chunk for the next one (a chunk often stops mid-line, or mid escape sequence): the lines
 * of BlockSplitter's texts, one at a time.
 */
export class LineSplitter {
  private readonly blocks: BlockSplitter;

  constructor(onLine: (line: string) => void) {
    this.blocks = new BlockSplitter((text) => {
      for (const line of text.split('\n')) onLine(line);
    });
  }

  push(chunk: string): void {
    this.blocks.push(chunk);
  }

  /** The last line when the output did not end with a newline. */
  end(): void {
    this.blocks.end();
  }
}

/**
 * Complete lines, a chunk's worth at a time: `onText` gets the complete lines of each
 * chunk as one plain text (plainBlockOf: lines joined by \n, no trailing one). `redacted`: every
 * piece of the text came redacted as plain text (each line read whole) and nothing in it was
 * changed since, so no secret can show in it that the redaction did not see. A line that a \r
 * rewrote reads as text the redaction never saw whole: `redactLine`, when given, reads each such
 * line of a redacted block again, and the block stays redacted; without it the block is not.
 */
export class BlockSplitter {
  private rest = '';
  /** Whether what is in `rest` came only from chunks pushed as redacted. */
  private restRedacted = true;

  constructor(
    private readonly onText: (text: string, redacted: boolean) => void,
    private readonly redactLine?: (line: string) => string,
  ) {}

  push(chunk: string, redacted = false): void {
    const lastBreak = chunk.lastIndexOf('\n');
    if (lastBreak === -1) {
      if (chunk) this.restRedacted &&= redacted;
      this.rest += chunk;
      if (this.rest.length > MAX_PENDING) {
        const cr = this.rest.lastIndexOf('\r');
        this.rest = cr > 0 ? this.rest.slice(cr) : this.rest.slice(-MAX_PENDING);
      }
      return;
    }
    const block = this.rest + chunk.slice(0, lastBreak);
    const blockRedacted = this.restRedacted && redacted;
    this.rest = chunk.slice(lastBreak + 1);
    this.restRedacted = this.rest === '' || redacted;
    const reread = blockRedacted ? this.redactLine : undefined;
    const { text, simple } = plainBlockOf(block, blockRedacted, reread);
    this.onText(text, blockRedacted && (simple || reread !== undefined));
  }

  /** The last line when the output did not end with a newline. */
  end(): void {
    if (this.rest) this.onText(plainLine(this.rest), false);
    this.rest = '';
    this.restRedacted = true;
  }
}
