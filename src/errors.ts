/**
 * One error type for "the user can fix this". It carries the one line the user sees, an
 * optional hint saying what to do, and the exit code of SPEC §8. Anything that is not a
 * PawError is a defect and is reported as such at the edge.
 */
export type ExitCode = 0 | 1 | 2 | 129 | 130 | 143;

export class PawError extends Error {
  readonly hint?: string;
  readonly exitCode: ExitCode;

  constructor(message: string, options: { hint?: string; exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PawError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** There is no workflow here yet: `init` makes one (the app offers it in place). */
export class NoWorkflowError extends PawError {
  constructor(message: string, hint: string) {
    super(message, { hint });
    this.name = 'NoWorkflowError';
  }
}

/** A mistake in how a command was called (exit code 2). */
export class UsageError extends PawError {
  constructor(message: string, hint?: string) {
    super(message, { hint, exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** The user stopped the work: exit code 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP). */
export class InterruptedError extends PawError {
  constructor(message = 'interrupted', hint?: string, exitCode: 129 | 130 | 143 = 130) {
    super(message, { hint, exitCode });
    this.name = 'InterruptedError';
  }
}

export function isPawError(e: unknown): e is PawError {
  return e instanceof PawError;
}

/** What the file system's refusals mean, and what the user can do about each. */
export const FILE_PROBLEMS: Record<string, { what: string; fix: (file: string) => string }> = {
  EACCES: { what: 'permission denied', fix: (f) => `check the permissions of ${f} and its folder (ls -l), or run as its owner` },
  EPERM: { what: 'operation not permitted', fix: (f) => `check the permissions and flags of ${f} and its folder` },
  ENOSPC: { what: 'the disk is full', fix: () => 'free some space on that disk and try again; the file is unchanged' },
  EDQUOT: { what: 'the disk quota is used up', fix: () => 'free some space in your quota and try again; the file is unchanged' },
  EROFS: { what: 'the file system is read-only', fix: () => 'mount it writable or work on a copy of the workflow elsewhere' },
  ENOENT: { what: 'no such file or folder', fix: (f) => `check that ${f} exists` },
  EISDIR: { what: 'it is a folder', fix: (f) => `${f} must be a file` },
};

/** Refusals of the machine itself (a full disk, a read-only file system) that no step of paw-tui caused. */
const MACHINE_PROBLEMS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);

const DOING: Record<string, string> = {
  write: 'write',
  open: 'open',
  mkdir: 'create the folder',
  rename: 'replace',
  unlink: 'delete',
  rm: 'delete',
  copyfile: 'copy to',
};

/**
 * The one line shown for any error: the message, then the hint after " — ". A string is a
 * line the app wrote for the user; anything else that is not a PawError is a defect.
 */
export function errorLine(e: unknown): string {
  if (e instanceof PawError) return e.hint ? `${e.message} — ${e.hint}` : e.message;
  if (typeof e === 'string') return e;
  const { code, path: file, syscall } = (e ?? {}) as NodeJS.ErrnoException;
  if (e instanceof Error && code && MACHINE_PROBLEMS.has(code)) {
    const where = file ?? 'a file';
    const doing = DOING[syscall ?? 'write'] ?? syscall;
    return `cannot ${doing} ${where}: ${FILE_PROBLEMS[code]!.what} (${code}) — ${FILE_PROBLEMS[code]!.fix(where)}`;
  }
  if (e instanceof Error) return `unexpected error: ${e.message}`;
  return `unexpected error: ${String(e)}`;
}
