import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatCreateAt, parseCreateAt, createAtIso } from '../src/aws/create-at.js';
import { formatDuration } from '../src/duration.js';
import { InterruptedError } from '../src/errors.js';
import { pollUntil } from '../src/wait.js';

vi.mock('node:timers/promises', () => import('./timers-promises.js'));

describe('pollUntil', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks again after pauses that grow by half up to the maximum', async () => {
    const asked: number[] = [];
    const start = Date.now();
    const done = pollUntil(
      () => {
        asked.push(Date.now() - start);
        return Promise.resolve(asked.length === 5 ? 'ready' : undefined);
      },
      { firstIntervalMs: 100, maxIntervalMs: 200 },
    );
    await vi.runAllTimersAsync();
    expect(await done).toBe('ready');
    expect(asked).toEqual([0, 100, 250, 450, 650]);
  });

  it('ends as interrupted (exit code 130) as soon as the signal aborts, mid-pause', async () => {
    const stop = new AbortController();
    const done = pollUntil(() => Promise.resolve(undefined), { firstIntervalMs: 60_000, signal: stop.signal });
    const outcome = expect(done).rejects.toMatchObject({ name: 'InterruptedError', exitCode: 130, message: 'stopped waiting' });
    await vi.advanceTimersByTimeAsync(10);
    stop.abort();
    await outcome;
  });

  it('says what stopped, in the words of the caller', async () => {
    const stop = new AbortController();
    stop.abort();
    await expect(
      pollUntil(
        () => Promise.resolve(1),
        { signal: stop.signal },
        () => new InterruptedError('stopped waiting for ami-1'),
      ),
    ).rejects.toThrow('stopped waiting for ami-1');
  });

  it('gives up when the check throws', async () => {
    await expect(pollUntil(() => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
  });
});

describe('one duration format', () => {
  it.each([
    [0, '0s'],
    [42_900, '42s'],
    [187_000, '3m 07s'],
    [3_720_000, '1h 02m'],
    [-5, '0s'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('create_at', () => {
  it('is written as the Python library writes it and read back to the millisecond', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(formatCreateAt(at)).toBe('2024-01-02T03:04:05.678000+0000');
    expect(parseCreateAt('2024-01-02T03:04:05.678123+0000')).toBe(at.getTime());
    expect(createAtIso('2024-01-02T03:04:05.678000+0000')).toBe('2024-01-02T03:04:05.678Z');
    expect(createAtIso('2024-01-02T03:04:05.678Z')).toBe('2024-01-02T03:04:05.678Z');
    expect(createAtIso('not a date')).toBe('not a date');
  });
});
