import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError } from '../errors.js';

export interface WaitOptions {
  signal?: AbortSignal;
  /** First pause between checks; it grows to `maxIntervalMs` (EC2 is slow, the sandbox is quick). */
  firstIntervalMs?: number;
  maxIntervalMs?: number;
}

/**
 * Asks `check` until it returns a value. No overall time limit: an image of a large volume can
 * take far longer than any fixed limit, and the user can always leave (the journal remembers).
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  let interval = options.firstIntervalMs ?? 250;
  const max = options.maxIntervalMs ?? 5000;
  for (;;) {
    if (options.signal?.aborted) throw new InterruptedError('stopped waiting', 'the journal remembers where it was; reopen the step to go on');
    const found = await check();
    if (found !== undefined) return found;
    try {
      await sleep(interval, undefined, { signal: options.signal });
    } catch {
      throw new InterruptedError('stopped waiting', 'the journal remembers where it was; reopen the step to go on');
    }
    interval = Math.min(max, Math.round(interval * 1.5));
  }
}

/** `42s`, `3m 05s`, `1h 02m`: elapsed and uptime as the checklist shows them. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}
