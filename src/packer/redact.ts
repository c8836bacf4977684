import { hasC1 } from './lines.js';

/**
 * Credentials never reach the screen, stdout or a file: Packer prints its environment and AWS
 * requests in the debug log, and provisioners may echo anything. Two kinds of masking:
 * by value (every secret paw-tui knows: params, the environment, resolved credentials) and by
 * shape (access key ids, 40-character secret keys, GitHub and Slack tokens, `Bearer`,
 * `password=`, `TOKEN=` …) for the secrets it cannot know.
 */

export const REDACTED = '[redacted]';

/** A key whose value is a credential: `aws_secret_access_key`, `GITHUB_TOKEN`, `db_password` … */
const SECRET_WORDS = '(?:secret|token|passw(?:or)?d|private_?key|api_?key|access_?key|credential)';
const SECRET_NAME = new RegExp(SECRET_WORDS, 'i');
// Names that look secret but hold where a secret lives, not the secret.
const NOT_A_SECRET_NAME = /(_file|_path|_dir|_url|_arn|_name)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_A_SECRET_NAME.test(name);
}

/** A param's value to print: secret-named keys (nested ones too) show REDACTED, null stays null. */
export function maskSecretParams(value: unknown, name = '', depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (isSecretName(name)) return REDACTED;
  if (typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => maskSecretParams(v, '', depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecretParams(v, k, depth + 1)]));
}

// Shorter values are too common to mask without hiding ordinary output ("true", "admin").
const MIN_KNOWN_LENGTH = 6;
const known = new Set<string>();
let environmentRead = false;

/** Adds a value that must never be shown or written (and its URL-encoded form). */
export function rememberSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_KNOWN_LENGTH) return;
  known.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) known.add(encoded);
  const json = JSON.stringify(value).slice(1, -1);
  if (json !== value) known.add(json);
}

/** The values of the secret-named keys of an object (workflow params, an environment), nested ones too. */
export function rememberSecretsOf(values: object, depth = 0): void {
  for (const [name, value] of Object.entries(values)) {
    if (isSecretName(name)) rememberSecret(value);
    else if (value && typeof value === 'object' && depth < 8) rememberSecretsOf(value as object, depth + 1);
  }
}

/** Forgets every remembered value (tests), and reads the environment again at the next use. */
export function forgetSecrets(): void {
  known.clear();
  environmentRead = false;
}

function knownSecrets(): Set<string> {
  if (!environmentRead) {
    environmentRead = true;
    rememberSecretsOf(process.env);
  }
  return known;
}

type Range = [start: number, end: number];

interface Shape {
  pattern: RegExp;
  /** The capture group that holds the secret (0: the whole match). */
  group: number;
  /** Matches of the shape that are not secrets. */
  accept?: (secret: string) => boolean;
  /**
   * False when `text` cannot hold a match (a part every match contains is missing), so the
   * pattern is not run: most output holds no secret, and scanning it with every pattern costs
   * more than the rest of reading it. Checked on a block of lines, it holds for each line.
   */
  mayMatch: (text: string) => boolean;
  /** Every match holds one of the words of ANY_NAME (checked first, once for all such shapes). */
  named?: true;
}

const TOKEN_CHARS = 'A-Za-z0-9/+=%_.~-';
// Each is a part of the patterns below that use it, with the same flags.
const BEARER = /Bearer/i;
const SECRET_OR_TOKEN = /secret|token/i;
const TOKEN = /token/i;
// Every word that the shapes marked `named` look for: one pass over text that holds none. Read
// in lower case (quicker than a pattern that ignores case): it finds all that the
// case-insensitive words find, and, with a character such as the Kelvin sign, a little more.
const ANY_NAME = new RegExp(`${SECRET_WORDS.toLowerCase()}|bearer`);
const mayBeNamed = (text: string) => ANY_NAME.test(text.toLowerCase());

const SHAPES: Shape[] = [
  // AWS access key ids: the kind (AKIA long-term, ASIA temporary) stays visible.
  { pattern: /\b(?:AKIA|ASIA)([A-Z0-9]{16})\b/g, group: 1, mayMatch: (t) => t.includes('AKIA') || t.includes('ASIA') },
  // A secret access key: 40 characters of base64 in mixed case (a git hash is 40 hex digits).
  {
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    group: 0,
    accept: (s) => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9/+]/.test(s) && !/^[0-9a-fA-F]+$/.test(s),
    mayMatch: (t) => hasBase64Run(t, 40),
  },
  {
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
    group: 0,
    mayMatch: (t) => t.includes('_') && (t.includes('gh') || t.includes('github')),
  },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, group: 0, mayMatch: (t) => t.includes('xox') },
  { pattern: new RegExp(`\\bBearer\\s+([${TOKEN_CHARS}]{6,})`, 'gi'), group: 1, mayMatch: (t) => BEARER.test(t), named: true },
  // A value after a secret's name: `name=value`, `name: value`, `"name": "value"`, `export NAME=value`.
  {
    pattern: new RegExp(`\\b[A-Za-z0-9_-]*${SECRET_WORDS}[A-Za-z0-9_-]*["']?[ \\t]*[:=][ \\t]*["']?([^\\s"'&,;)}\\]]+)`, 'gi'),
    group: 1,
    // A state said of a secret (`credentials: ok`) is not the secret.
    // A value masked already (`[redacted`: the class stops at its `]`) is not masked again.
    accept: (s) =>
      s !== REDACTED &&
      s !== REDACTED.slice(0, -1) &&
      !s.startsWith('${') &&
      !/^(null|true|false|none|\*+|ok|found|missing|valid|invalid|expired|set|unset)$/i.test(s),
    mayMatch: (t) => SECRET_NAME.test(t),
    named: true,
  },
  // Names followed by a space, and the query parameter form (each holds `secret` or `token`).
  {
    pattern: new RegExp(`\\b(?:aws_secret_access_key|secret_access_key|aws_session_token|session_token|X-Amz-Security-Token)\\s+([${TOKEN_CHARS}]{8,})`, 'gi'),
    group: 1,
    mayMatch: (t) => SECRET_OR_TOKEN.test(t),
    named: true,
  },
  // A long base64 run (session tokens are several hundred characters) after a token's name
  // anywhere earlier on the line, e.g. `Token (redacted?): <token>`.
  {
    pattern: /(?:session[_ ]?token|security[_-]token)\b[^\n]*?(?<![A-Za-z0-9/+])([A-Za-z0-9/+][A-Za-z0-9/+=]{99,})/gi,
    group: 1,
    mayMatch: (t) => TOKEN.test(t),
    named: true,
  },
];

// 1 for the characters of [A-Za-z0-9/+] (all below 128): small enough to stay in the cache.
const BASE64_TABLE = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 47 || c === 43) BASE64_TABLE[c] = 1;
}
const isBase64 = (c: number) => c < 128 && BASE64_TABLE[c] === 1;

/**
 * Whether `text` has a run of at least `min` characters of [A-Za-z0-9/+]. The window of `min`
 * characters that ends at `end` is read backwards: where a character outside the class stops
 * it, no run can start at or before that character, so the next window ends `min` past it
 * (most windows of ordinary output are left after a few characters).
 */
export function hasBase64Run(text: string, min: number): boolean {
  const n = text.length;
  for (let end = min - 1; end < n;) {
    let at = end;
    while (at > end - min && isBase64(text.charCodeAt(at))) at--;
    if (at === end - min) return true;
    end = at + min;
  }
  return false;
}

/**
 * Where the secrets are in `text`: sorted, merged, half-open ranges. Escape sequences take no
 * room in what a terminal shows: a secret printed in colour, or with a highlight inside it
 * (`grep --color`), is looked for as it reads, and its range covers the sequences within it.
 */
export function secretRanges(text: string): Range[] {
  return readSecrets(text, shapesFor).ranges;
}

/**
 * The secrets of `text` read as a terminal shows it: their ranges in `text`, and the text read
 * without its escape sequences (`projection`: null when it had none, and `text` was read as it is).
 */
function readSecrets(text: string, shapes: (shown: string) => Shape[]): { ranges: Range[]; projection: Projection | null } {
  if (!text.includes('\x1b') && !text.includes('\x9b')) return { ranges: findRanges(text, knownSecrets(), shapes(text)), projection: null };
  const projection = withoutSequences(text);
  const { shown, at } = projection;
  const ranges: Range[] = findRanges(shown, knownSecrets(), shapes(shown)).map(([start, end]) => [at(start), at(end - 1) + 1]);
  return { ranges, projection };
}

// CSI (ESC [ or the one byte \x9b: parameters, intermediates, a final byte), OSC (ESC ] … BEL
// or ESC \), and the other two-byte sequences, as strip-ansi reads them; matched where a
// sequence may start.
const SEQUENCE_AT = /(?:\x1b\[|\x9b)[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/y;

/** The length of the colour code (ESC [ digits and semicolons m) at `i` of `text`, or 0. */
function colourCodeAt(text: string, i: number): number {
  if (text.charCodeAt(i) !== 27 || text.charCodeAt(i + 1) !== 91) return 0;
  let end = i + 2;
  for (let c = text.charCodeAt(end); (c >= 48 && c <= 57) || c === 59; c = text.charCodeAt(++end));
  return text.charCodeAt(end) === 109 ? end + 1 - i : 0;
}

function otherSequenceAt(text: string, i: number): number {
  SEQUENCE_AT.lastIndex = i;
  return SEQUENCE_AT.exec(text)?.[0].length ?? 0;
}

/**
 * `text` as a terminal shows it, without its escape sequences, and the way between the two:
 * the pieces of `text` that stay, in order (where each starts in both).
 */
interface Projection {
  shown: string;
  /** Where the character `index` of `shown` is in `text`. */
  at: (index: number) => number;
  /** Where in `shown` the text from `index` of `text` on begins. */
  inShown: (index: number) => number;
  /** Every sequence was a colour code (what plainBlock takes out on its quick way). */
  coloursOnly: boolean;
  /** Where a colour code still coming at the very end starts in `shown` (its length if none). */
  unfinished: number;
}

// A colour code, with the \r of a \r\n right after it (a coloured line's end).
const COLOUR_CODES = /\x1b\[[0-9;]*m(?:\r(?=\n))?/g;
// The start of a colour code and nothing after it.
const UNFINISHED_AT_END = /^\x1b(?:\[[0-9;]*)?$/;

/**
 * `text` as a terminal shows it (see Projection). Most output holds no escape but colour codes:
 * those go in one pass, and the way back to `text` is made only if it is asked for (where a
 * secret was found, or for a cut that is not at a line's end).
 */
function withoutSequences(text: string): Projection {
  if (text.includes('\x9b')) return sequencesProjection(text);
  const shown = text.replace(COLOUR_CODES, '');
  // An escape left is another sequence, unless it is one still coming at the very end (a
  // chunk that stopped inside a colour code), which stays as it is either way.
  const esc = shown.indexOf('\x1b');
  if (esc !== -1 && !UNFINISHED_AT_END.test(shown.slice(esc))) return sequencesProjection(text);
  let table: Projection | null = null;
  const full = () => (table ??= sequencesProjection(text));
  return {
    shown,
    at: (index) => full().at(index),
    inShown: (index) => {
      if (index >= text.length) return shown.length;
      // No code goes on past a line break: what follows it reads the same alone.
      const before = index > 0 ? text.charCodeAt(index - 1) : 0;
      if (before === 10 || before === 13) return shown.length - text.slice(index).replace(COLOUR_CODES, '').length;
      return full().inShown(index);
    },
    coloursOnly: !hasC1(shown),
    unfinished: esc === -1 ? shown.length : esc,
  };
}

/** withoutSequences for any text: each sequence read where it starts, as strip-ansi reads it. */
function sequencesProjection(text: string): Projection {
  const parts: string[] = [];
  const starts: number[] = [];
  const origins: number[] = [];
  let from = 0;
  let length = 0;
  let coloursOnly = true;
  // Where a sequence may start: ESC, and the one-byte CSI where the text has any.
  const c1 = text.includes('\x9b');
  // The \r of a pty's \r\n between two sequences (a coloured line's end) goes too: the line
  // ends the same without it, and the plain text wants none.
  const piece = (end: number) => {
    if (text.charCodeAt(from) === 13 && text.charCodeAt(from + 1) === 10) from++;
    if (end <= from) return;
    starts.push(length);
    origins.push(from);
    parts.push(text.slice(from, end));
    length += end - from;
  };
  if (c1) coloursOnly = false;
  const next = (i: number) => {
    const esc = text.indexOf('\x1b', i);
    if (!c1) return esc;
    const csi = text.indexOf('\x9b', i);
    return esc === -1 ? csi : csi === -1 ? esc : Math.min(esc, csi);
  };
  for (let i = next(0); i !== -1;) {
    let size = colourCodeAt(text, i);
    if (size === 0) {
      size = otherSequenceAt(text, i);
      // Anything but a colour code: plainBlock does not take its quick way either.
      coloursOnly = false;
    }
    if (size === 0) {
      i = next(i + 1);
      continue;
    }
    piece(i);
    from = i + size;
    i = next(from);
  }
  piece(text.length);
  if (starts.length === 0) {
    starts.push(0);
    origins.push(from);
    parts.push('');
  }
  // The last piece whose start (in `shown`, or in `text`) is at or before `index`.
  const pieceOf = (index: number, by: number[]) => {
    let lo = 0;
    let hi = by.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (by[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const shown = parts.length === 1 ? parts[0]! : parts.join('');
  return {
    shown,
    at: (index) => {
      const p = pieceOf(index, starts);
      return origins[p]! + (index - starts[p]!);
    },
    inShown: (index) => {
      const p = pieceOf(index, origins);
      const pieceEnd = (starts[p + 1] ?? length) - starts[p]!;
      return starts[p]! + Math.max(0, Math.min(index - origins[p]!, pieceEnd));
    },
    // plainBlock reads a text with a C1 character the slow way too.
    coloursOnly: coloursOnly && !hasC1(shown),
    unfinished: shown.length,
  };
}

/** The shapes `text` may hold. */
function shapesFor(text: string): Shape[] {
  const named = mayBeNamed(text);
  return SHAPES.filter((shape) => (named || !shape.named) && shape.mayMatch(text));
}

/** secretRanges with every pattern run on every text (tests prove the checks change nothing). */
export function secretRangesUnfiltered(text: string): Range[] {
  return readSecrets(text, () => SHAPES).ranges;
}

function findRanges(text: string, values: Iterable<string>, shapes: Shape[]): Range[] {
  const ranges: Range[] = [];
  for (const value of values) {
    for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) ranges.push([at, at + value.length]);
  }
  for (const shape of shapes) {
    shape.pattern.lastIndex = 0;
    for (const m of text.matchAll(shape.pattern)) {
      const secret = m[shape.group];
      if (!secret || (shape.accept && !shape.accept(secret))) continue;
      const start = m.index + (shape.group === 0 ? 0 : m[0].lastIndexOf(secret));
      ranges.push([start, start + secret.length]);
    }
  }
  if (ranges.length === 0) return ranges;
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** `text[from, to)` with every secret range replaced by one REDACTED. */
function mask(text: string, ranges: Range[], from = 0, to = text.length): string {
  let out = '';
  let at = from;
  for (const [start, end] of ranges) {
    if (end <= at || start >= to) continue;
    out += text.slice(at, Math.max(at, start));
    // A secret that began before `from` was masked already: its rest is dropped silently.
    if (start >= from) out += REDACTED;
    at = Math.min(end, to);
  }
  return out + text.slice(at, to);
}

export function redactSecrets(text: string): string {
  return mask(text, secretRanges(text));
}

/**
 * `block.split('\n').map(redactSecrets).join('\n')`, with the checks made once for the whole
 * block: a pattern or value the block cannot hold is in none of its lines, so most blocks come
 * back as they are (a build's log, a chunk of output at a time).
 */
export function redactBlock(block: string): string {
  // Escape sequences (none in a log's plain lines) are read through line by line.
  if (block.includes('\x1b') || block.includes('\x9b')) return block.split('\n').map(redactSecrets).join('\n');
  const shapes = shapesFor(block);
  const values = [...knownSecrets()].filter((value) => block.includes(value));
  if (shapes.length === 0 && values.length === 0) return block;
  return block
    .split('\n')
    .map((line) => mask(line, findRanges(line, values, shapes)))
    .join('\n');
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

/**
 * Redacts a stream that arrives in chunks (a pseudo-terminal's output) before any of it is
 * shown or written. A secret may be split across chunks, so the text after the last line break
 * is held back until its line ends; a line that stays unfinished (a prompt) is let through
 * after `idleMs` without new data, all but a trailing word at first, that word a moment later.
 * The part of a line already let through stays as context, so `TOKEN=` then a pause then the
 * value is still masked.
 */
export class RedactingStream {
  private shown = '';
  private held = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the held text last changed (the wait for more data counts from there). */
  private heldSince = 0;
  private timerDue = 0;
  private idleRounds = 0;

  /**
   * `deliver` gets each piece as it may be shown, and, where the piece starts a line and holds no
   * escape sequence but colour codes, the same piece without them (`plain`: what the output
   * reader and the log want, redacted in the same pass, each of its lines read whole).
   */
  constructor(
    private readonly deliver: (text: string, plain?: string) => void,
    private readonly idleMs = 120,
  ) {}

  push(chunk: string): void {
    if (!chunk) return;
    this.held += chunk;
    this.idleRounds = 0;
    const lastBreak = Math.max(this.held.lastIndexOf('\n'), this.held.lastIndexOf('\r'));
    // A line past this size is no longer held whole; its last 4 KB stay as the next context
    // (with the whole of a character that the cut would split in two UTF-16 halves).
    let cut = lastBreak >= 0 ? lastBreak + 1 : this.held.length > 64 * 1024 ? this.held.length - 4096 : 0;
    if (lastBreak < 0 && cut > 0 && isHighSurrogate(this.held.charCodeAt(cut - 1))) cut--;
    if (cut > 0) this.release(cut);
    this.schedule();
  }

  /** Lets everything through (the process exited). */
  end(): void {
    this.clearTimer();
    if (this.held) this.release(this.held.length);
    this.shown = '';
  }

  private release(cut: number): void {
    const text = this.shown + this.held;
    const from = this.shown.length;
    const to = from + cut;
    const { ranges, projection: p } = readSecrets(text, shapesFor);
    const out = mask(text, ranges, from, to);
    // The plain text goes on only where nothing was masked: a mask can make a word end where
    // none did (AKIA…EXAMPLE[redacted]), and the log reads the masked text once more.
    let plain: string | undefined;
    if (from === 0 && ranges.length === 0) {
      if (!p) plain = hasC1(out) ? undefined : out;
      else if (p.coloursOnly) {
        const end = p.inShown(to);
        if (end <= p.unfinished) plain = p.shown.slice(0, end);
      }
    }
    const emitted = text.slice(0, to);
    const lineStart = Math.max(emitted.lastIndexOf('\n'), emitted.lastIndexOf('\r')) + 1;
    this.shown = emitted.slice(lineStart).slice(-4096);
    this.held = text.slice(to);
    if (out) this.deliver(out, plain);
  }

  private schedule(): void {
    if (!this.held) return this.clearTimer();
    this.heldSince = Date.now();
    const delay = this.idleMs * this.idleRounds + this.idleMs;
    // Under a flood each chunk moves the wait on: a timer due no later stays, and when it
    // comes it waits the rest.
    if (this.timer && this.timerDue <= this.heldSince + delay) return;
    this.clearTimer();
    this.wait(delay);
  }

  private wait(ms: number): void {
    this.timerDue = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = null;
      const delay = this.idleMs * this.idleRounds + this.idleMs;
      const quiet = Date.now() - this.heldSince;
      if (quiet < delay) return this.wait(delay - quiet);
      this.idleRounds++;
      const word = this.idleRounds === 1 ? /[^\s]*$/.exec(this.held)![0].length : 0;
      if (this.held.length > word) this.release(this.held.length - word);
      if (this.held) this.schedule();
    }, ms);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
