import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError } from './errors.js';

/** How every wait on the cloud asks again and stops: one loop for instances and images alike. */
export interface WaitOptions {
  /** Stops the wait (the user left or interrupted): it ends as interrupted (exit code 130). */
  signal?: AbortSignal;
  /** First pause between checks; it grows by half each time up to `maxIntervalMs`. */
  firstIntervalMs?: number;
  maxIntervalMs?: number;
}

const stoppedByDefault = () => new InterruptedError('stopped waiting', 'the journal remembers where it was; reopen the step to go on');

/**
 * Asks `check` until it returns a value; `check` throws to give up. No overall limit of its own:
 * an image of a large volume can take far longer than any fixed limit, and the user can always
 * leave. An aborted signal ends the wait with `stopped()` (an InterruptedError by default).
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: WaitOptions = {},
  stopped: () => InterruptedError = stoppedByDefault,
): Promise<T> {
  let interval = options.firstIntervalMs ?? 250;
  const max = Math.max(interval, options.maxIntervalMs ?? 5000);
  for (;;) {
    if (options.signal?.aborted) throw stopped();
    const found = await check();
    if (found !== undefined) return found;
    try {
      await sleep(interval, undefined, { signal: options.signal });
    } catch {
      throw stopped();
    }
    interval = Math.min(max, Math.round(interval * 1.5));
  }
}
