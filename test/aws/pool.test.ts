import { describe, expect, it } from 'vitest';
import { bounded, mapBounded, mapBoundedOrThrow } from '../../src/aws/pool.js';

/** A task that records how many run at once, finishing after a turn of the event loop. */
function counter() {
  let running = 0;
  let peak = 0;
  const run = async <R>(value: R, fail = false): Promise<R> => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    running--;
    if (fail) throw new Error(`failed ${String(value)}`);
    return value;
  };
  return { run, peak: () => peak };
}

describe('bounded concurrency', () => {
  it('runs at most `limit` items at once, results in input order, a failure kept to its item', async () => {
    const c = counter();
    const settled = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, (n) => c.run(n * 10, n === 4));
    expect(c.peak()).toBe(3);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([10, 20, 30, 'failed 40', 50, 60, 70]);
  });

  it('runs one at a time under a limit of 0, and nothing for no items', async () => {
    const c = counter();
    expect(await mapBounded([1, 2], 0, (n) => c.run(n))).toHaveLength(2);
    expect(c.peak()).toBe(1);
    expect(await mapBounded([], 4, () => Promise.resolve(1))).toEqual([]);
  });

  it('throws the first failure, once every started item has settled', async () => {
    const finished: number[] = [];
    const work = async (n: number) => {
      await new Promise((r) => setImmediate(r));
      finished.push(n);
      if (n % 2 === 0) throw new Error(`failed ${n}`);
      return n;
    };
    await expect(mapBoundedOrThrow([1, 2, 3, 4], 2, work)).rejects.toThrow('failed 2');
    expect(finished.sort()).toEqual([1, 2, 3, 4]);
    expect(await mapBoundedOrThrow([1, 3], 2, work)).toEqual([1, 3]);
  });

  it('a shared limit holds across callers, and a failed task frees its place', async () => {
    const limit = bounded(2);
    const c = counter();
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => limit(() => c.run(n, n === 1))));
    expect(c.peak()).toBe(2);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await limit(() => c.run('after'))).toBe('after');
  });
});
