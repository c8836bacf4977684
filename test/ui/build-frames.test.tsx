import { Box, Text } from 'ink';
import { useCallback, useEffect, useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BuildJobs } from '../../src/packer/build-jobs.js';
import type { StyledLine } from '../../src/packer/types.js';
import { TerminalPane, type PaneSource } from '../../src/ui/components/TerminalPane.js';
import { useBuildJobs } from '../../src/ui/hooks/useBuildSession.js';
import { useElapsed } from '../../src/ui/hooks/useElapsed.js';
import { FRAME_MS, useFrames } from '../../src/ui/hooks/useFrames.js';
import { renderText, waitFor } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A registry whose only job is a counter of changes. */
function fakeJobs() {
  const listeners = new Set<() => void>();
  const jobs = {
    changes: 0,
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    change() {
      jobs.changes++;
      for (const l of listeners) l();
    },
  };
  return jobs;
}

function Changes({ jobs }: { jobs: ReturnType<typeof fakeJobs> }) {
  useFrames(useCallback((changed: () => void) => jobs.subscribe(changed), [jobs]));
  return <Text>changes {jobs.changes}</Text>;
}

describe('a build drawn at most once a frame', () => {
  it('draws a change after a quiet spell at once, and a burst of changes together at the end of the frame', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const jobs = fakeJobs();
    const { lastFrame, unmount } = renderText(<Changes jobs={jobs} />);
    await vi.waitFor(() => expect(lastFrame()).toBe('changes 0'));
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    jobs.change();
    await vi.waitFor(() => expect(lastFrame()).toBe('changes 1'));
    // Many phases in one frame: not one redraw each.
    for (let i = 0; i < 9; i++) jobs.change();
    await vi.advanceTimersByTimeAsync(FRAME_MS - 10);
    expect(lastFrame()).toBe('changes 1');
    await vi.advanceTimersByTimeAsync(20);
    await vi.waitFor(() => expect(lastFrame()).toBe('changes 10'));
    // After a quiet frame, the next change is drawn without waiting.
    await vi.advanceTimersByTimeAsync(FRAME_MS * 2);
    jobs.change();
    await vi.waitFor(() => expect(lastFrame()).toBe('changes 11'));
    unmount();
  });

  it('draws every change when not limited (home, the step screen)', async () => {
    const jobs = fakeJobs();
    function Immediate() {
      useBuildJobs(jobs as unknown as BuildJobs);
      return <Text>changes {jobs.changes}</Text>;
    }
    const { lastFrame } = renderText(<Immediate />);
    for (let i = 0; i < 3; i++) {
      jobs.change();
      await vi.waitFor(() => expect(lastFrame()).toBe(`changes ${i + 1}`));
    }
  });

  it("draws a build's new phase, the pane's new output and the spinner in one frame", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const jobs = fakeJobs();
    const { source, add } = paneSource();
    function Screen() {
      useFrames(useCallback((changed: () => void) => jobs.subscribe(changed), []));
      const elapsed = useElapsed(0, undefined, 20);
      return (
        <Box flexDirection="column">
          <Text>
            phase {jobs.changes} at {elapsed}
          </Text>
          <TerminalPane source={source} width={40} height={3} active={false} />
        </Box>
      );
    }
    const { lastFrame, frames, unmount } = renderText(<Screen />);
    await vi.waitFor(() => expect(lastFrame()).toContain('first line'));
    const before = frames.length;
    // 200 ms of output and phases every 5 ms, and the spinner's time every 20 ms.
    for (let i = 1; i <= 40; i++) {
      add(`line ${i}`);
      jobs.change();
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    await vi.waitFor(() => expect(lastFrame()).toMatch(/phase 40 at \d+/));
    expect(lastFrame()).toContain('line 40');
    // One frame each FRAME_MS at most, not one for each of them.
    expect(frames.length - before).toBeLessThanOrEqual(250 / FRAME_MS + 1);
    unmount();
  });
});

/** A pane source over lines added by the test. */
function paneSource() {
  const lines = ['first line'];
  const listeners = new Set<() => void>();
  const counts = { views: 0 };
  const source: PaneSource = {
    get length() {
      return lines.length;
    },
    view(_fromBottom: number, height: number): StyledLine[] {
      counts.views++;
      return lines.slice(-height).map((text) => [{ text }]);
    },
    lineText: (i: number) => lines[i] ?? '',
    onChange(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const add = (line: string) => {
    lines.push(line);
    for (const l of listeners) l();
  };
  return { source, add, counts };
}

describe('the pane beside a screen that redraws', () => {
  it('reads its source only when the source changes, not on every redraw around it', async () => {
    const { source, add, counts } = paneSource();
    // A screen whose phases change every few milliseconds.
    function Screen() {
      const [tick, setTick] = useState(0);
      useEffect(() => {
        const t = setInterval(() => setTick((n) => n + 1), 5);
        return () => clearInterval(t);
      }, []);
      return (
        <Box flexDirection="column">
          <Text>phase {tick}</Text>
          <TerminalPane source={source} width={40} height={4} active={false} />
        </Box>
      );
    }
    const { lastFrame } = renderText(<Screen />);
    await waitFor(() => expect(lastFrame()).toMatch(/phase [1-9]\d/));
    expect(counts.views).toBeLessThanOrEqual(2);
    add('second line');
    await waitFor(() => expect(lastFrame()).toContain('second line'));
  });
});
