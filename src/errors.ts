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

/**
 * The one line shown for any error: the message, then the hint after " — ". A string is a
 * line the app wrote for the user; anything else that is not a PawError is a defect.
 */
export function errorLine(e: unknown): string {
  if (e instanceof PawError) return e.hint ? `${e.message} — ${e.hint}` : e.message;
  if (typeof e === 'string') return e;
  if (e instanceof Error) return `unexpected error: ${e.message}`;
  return `unexpected error: ${String(e)}`;
}
