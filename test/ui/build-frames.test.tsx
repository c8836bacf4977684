import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BuildJobs } from '../../src/packer/build-jobs.js';
import type { StyledLine } from '../../src/packer/types.js';
import { TerminalPane, type PaneSource } from '../../src/ui/components/TerminalPane.js';
import { BUILD_FRAME_MS, useBuildJobs } from '../../src/ui/hooks/useBuildSession.js';
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

function Changes({ jobs, minIntervalMs }: { jobs: ReturnType<typeof fakeJobs>; minIntervalMs: number }) {
  useBuildJobs(jobs as unknown as BuildJobs, minIntervalMs);
  return <Text>changes {jobs.changes}</Text>;
}

describe('a build drawn at most once a frame', () => {
  it('draws a change after a quiet spell at once, and a burst of changes together at the end of the frame', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const jobs = fakeJobs();
    const { lastFrame } = renderText(<Changes jobs={jobs} minIntervalMs={BUILD_FRAME_MS} />);
    await vi.waitFor(() => expect(lastFrame()).toBe('changes 0'));
    jobs.change();
    await vi.waitFor(() => expect(lastFrame()).toBe('changes 1'));
    // Many phases in one frame: not one redraw each.
    for (let i = 0; i < 9; i++) jobs.change();
    await vi.advanceTimersByTimeAsync(BUILD_FRAME_MS - 10);
    expect(lastFrame()).toBe('changes 1');
    await vi.advanceTimersByTimeAsync(20);
    await vi.waitFor(() => expect(lastFrame()).toBe('changes 10'));
    // After a quiet frame, the next change is drawn without waiting.
    await vi.advanceTimersByTimeAsync(BUILD_FRAME_MS * 2);
    jobs.change();
    await vi.waitFor(() => expect(lastFrame()).toBe('changes 11'));
  });

  it('draws every change when not limited (home, the step screen)', async () => {
    const jobs = fakeJobs();
    const { lastFrame } = renderText(<Changes jobs={jobs} minIntervalMs={0} />);
    for (let i = 0; i < 3; i++) {
      jobs.change();
      await vi.waitFor(() => expect(lastFrame()).toBe(`changes ${i + 1}`));
    }
  });
});

describe('the pane beside a screen that redraws', () => {
  it('reads its source only when the source changes, not on every redraw around it', async () => {
    const lines = ['first line'];
    const listeners = new Set<() => void>();
    let views = 0;
    const source: PaneSource = {
      get length() {
        return lines.length;
      },
      view(_fromBottom: number, height: number): StyledLine[] {
        views++;
        return lines.slice(-height).map((text) => [{ text }]);
      },
      lineText: (i: number) => lines[i] ?? '',
      onChange(l: () => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
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
    expect(views).toBeLessThanOrEqual(2);
    lines.push('second line');
    for (const l of listeners) l();
    await waitFor(() => expect(lastFrame()).toContain('second line'));
  });
});
