import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { pawPath } from '../paths.js';
import { PRIVATE_FILE_MODE } from '../workflow/atomic.js';
import { ByteBuffers } from './byte-buffers.js';
import { LineSplitter } from './lines.js';
import { redactBlock, redactSecrets } from './redact.js';
import { makePawDir } from '../paw-dir.js';

/** `20260613T120000Z`: sorts by time, safe in a file name on every system. */
export function fileTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export function logsDir(stepDir: string): string {
  return pawPath(stepDir, 'logs');
}

export interface RunLogPaths {
  /** The build's output: ANSI stripped, `\r` resolved, credentials redacted. */
  log: string;
  /** Packer's debug log, redacted as Packer writes it. */
  debugLog: string;
}

/** A run's logs are named after its run id (`<step>-<timestamp>-<suffix>`), so two runs never share one. */
export function runLogPaths(stepDir: string, runId: string): RunLogPaths {
  const base = path.join(logsDir(stepDir), runId);
  return { log: `${base}.log`, debugLog: `${base}.debug.log` };
}

/** Packer's debug log for this run, always captured (its real error is often only there). */
export function packerLogEnv(file: string): Record<string, string> {
  return { PACKER_LOG: '1', PACKER_LOG_PATH: file };
}

/** Lines of output wait at most this long to be written to the log... */
export const LOG_FLUSH_MS = 100;
/** ...or until they add up to this many characters. */
const LOG_FLUSH_CHARS = 1 << 20;
/** The size of the buffers the log's text is written from (a flush's text fits one, mostly). */
const LOG_BUFFER_BYTES = 2 << 20;

/**
 * Writes a run's output to its log file line by line as it streams, in the form a person reads
 * it later: no colour codes, progress rewrites resolved to their final text, no credentials.
 */
export class RunLog {
  private readonly stream: WriteStream;
  /** The lines taken since the last write (texts of lines): written together, a few times a second. */
  private texts: string[] = [];
  /** Whether each of `texts` was redacted already (as plain text, each line whole). */
  private redacted: boolean[] = [];
  private pendingChars = 0;
  /** The buffer being filled for the next write, and how much of it is. */
  private buffer: Buffer | null = null;
  private filled = 0;
  private readonly buffers = new ByteBuffers(LOG_BUFFER_BYTES, 2);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly splitter = new LineSplitter((line) => {
    this.texts.push(line);
    this.redacted.push(false);
  });
  private closed = false;

  private constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'a', mode: PRIVATE_FILE_MODE });
    // A full disk must not end paw-tui with a stack trace mid-build: the log stops, the run
    // journal (which has its room kept) decides whether the build can go on.
    this.stream.on('error', (e) => {
      this.failed = e;
      this.closed = true;
      this.onError?.(e);
    });
  }

  /** Why the log could not be written, if it could not. */
  failed: Error | null = null;
  /** Told once when the log cannot be written (the disk is full...). */
  onError?: (e: Error) => void;

  static async open(file: string, header?: string): Promise<RunLog> {
    await makePawDir(path.dirname(file));
    const log = new RunLog(file);
    // An older log of the same name may have been made readable by others.
    const opened = await new Promise<boolean>((resolve) => {
      log.stream.once('open', () => resolve(true));
      log.stream.once('error', () => resolve(false));
    });
    if (opened) await chmod(file, PRIVATE_FILE_MODE).catch(() => undefined);
    if (header) log.stream.write(redactSecrets(header) + '\n');
    return log;
  }

  write(chunk: string): void {
    if (this.closed) return;
    this.splitter.push(chunk);
    this.flush();
  }

  /**
   * Lines of the output already split and cleaned (plainLine), as one text (joined by \n, no
   * trailing one), as the output reader gives them: written with the others taken within
   * LOG_FLUSH_MS, or at once when they add up to LOG_FLUSH_CHARS. Under a flood of output that
   * is one write and one redaction pass for thousands of lines. `redacted`: the reader says no
   * secret can be in it that redaction did not see.
   */
  writeText(text: string, redacted = false): void {
    if (this.closed) return;
    this.texts.push(text);
    this.redacted.push(redacted);
    this.pendingChars += text.length + 1;
    if (this.pendingChars >= LOG_FLUSH_CHARS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), LOG_FLUSH_MS);
      this.timer.unref?.();
    }
  }

  /** Writes the lines taken since the last flush, as one write. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const texts = this.texts;
    const redacted = this.redacted;
    this.texts = [];
    this.redacted = [];
    this.pendingChars = 0;
    if (texts.length === 0 || this.failed) return;
    // The texts redacted already as they are, those not yet together (redaction is line by
    // line: the same as one by one).
    let from = 0;
    for (let i = 0; i <= texts.length; i++) {
      if (i < texts.length && !redacted[i]) continue;
      if (i > from) this.put(redactBlock(texts.slice(from, i).join('\n')));
      if (i < texts.length) this.put(texts[i]!);
      from = i + 1;
    }
    this.send();
  }

  /**
   * `text` and a line break, as UTF-8, to the buffer being filled. Its bytes are written
   * straight into a buffer used again once written (no string joined, no buffer made for each
   * text); a text that may not fit in any goes alone.
   */
  private put(text: string): void {
    // Three bytes at most for each UTF-16 unit, and the line break.
    const most = text.length * 3 + 1;
    if (most > LOG_BUFFER_BYTES) {
      this.send();
      this.stream.write(text + '\n');
      return;
    }
    if (!this.buffer || this.filled + most > this.buffer.length) {
      this.send();
      this.buffer = this.buffers.take();
    }
    this.filled += this.buffer.write(text, this.filled);
    this.buffer[this.filled++] = 10;
  }

  /** Writes the buffer being filled; it is used again once written. */
  private send(): void {
    const buffer = this.buffer;
    if (!buffer || this.filled === 0) return;
    this.buffer = null;
    this.stream.write(buffer.subarray(0, this.filled), () => this.buffers.give(buffer));
    this.filled = 0;
  }

  /** A line of paw-tui's own (preflight results, the AMI found, the exit code). */
  note(line: string): void {
    if (this.closed) return;
    this.flush();
    this.stream.write(redactSecrets(line) + '\n');
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.splitter.end();
    this.flush();
    this.closed = true;
    // The run is kept for its output after it ends: its buffers are not.
    this.buffers.clear();
    if (this.failed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.stream.end((e?: Error | null) => (e ? reject(e) : resolve()));
    });
  }
}
