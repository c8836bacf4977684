import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { pawPath } from '../paths.js';
import { PRIVATE_FILE_MODE } from '../workflow/atomic.js';
import { LineSplitter } from './lines.js';
import { redactLines, redactSecrets } from './redact.js';
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

/**
 * Writes a run's output to its log file line by line as it streams, in the form a person reads
 * it later: no colour codes, progress rewrites resolved to their final text, no credentials.
 */
export class RunLog {
  private readonly stream: WriteStream;
  /** The lines of the chunk being read: written together, one write per chunk, not per line. */
  private lines: string[] = [];
  private readonly splitter = new LineSplitter((line) => this.lines.push(line));
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

  /** A line of the output already split and cleaned (plainLine); written at the next flush. */
  writeLine(line: string): void {
    if (!this.closed) this.lines.push(line);
  }

  /** Writes the lines taken since the last flush, as one write. */
  flush(): void {
    if (this.lines.length === 0) return;
    this.stream.write(redactLines(this.lines) + '\n');
    this.lines = [];
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
    if (this.failed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.stream.end((e?: Error | null) => (e ? reject(e) : resolve()));
    });
  }
}
