/**
 * vitest's fake timers replace the global `setTimeout` but not `node:timers/promises`. Tests of
 * code that sleeps through `node:timers/promises` mock that module with this one, built on the
 * global timer, so `vi.useFakeTimers()` drives it:
 *
 *   vi.mock('node:timers/promises', () => import('../timers-promises.js'));
 */
export function setTimeout<T = void>(ms?: number, value?: T, options: { signal?: AbortSignal } = {}): Promise<T> {
  const { signal } = options;
  return new Promise<T>((resolve, reject) => {
    const aborted = () => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
    if (signal?.aborted) return aborted();
    const timer = globalThis.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(value as T);
    }, ms);
    const onAbort = () => {
      globalThis.clearTimeout(timer);
      aborted();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
