import { useEffect, useLayoutEffect, useState } from 'react';

/**
 * The soonest a screen draws again after a frame. Counting the pause from the end of a frame
 * (not its start) leaves the emulator this much time to parse output between frames however
 * long a frame takes, so a flood of output is not slowed by its own display. It keeps a screen
 * under 30 frames a second (SPEC §10; about 22 on the build screen under a flood), and the
 * screen within about 50 ms of the process: output waits for the next frame, at most this long
 * plus a frame, and for the batch ahead of it (the reading thread holds up to two).
 */
export const FRAME_MS = 40;

/**
 * One clock for everything that redraws on its own: a terminal pane's new output, a build's
 * new phases, a spinner. What is due by the next frame is drawn in that one frame (one React
 * commit, one frame written by Ink), rather than each part on a timer of its own: a frame costs
 * nearly the same whether one part changed or all of them, and a redraw of the screen around a
 * pane that did not read its new output would show it late anyway.
 */
class FrameClock {
  private readonly due = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private drawnAt = -Infinity;
  /** A frame of the clock's was asked for and not yet drawn. */
  private drawing = false;

  /** `draw` (a state update) is called at the next frame, with every other draw due by then. */
  request(draw: () => void): void {
    this.due.add(draw);
    this.timer ??= setTimeout(this.tick, this.untilDue());
  }

  cancel(draw: () => void): void {
    this.due.delete(draw);
    if (this.due.size || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * A frame was just written (called during the commit that wrote it). Only the clock's own
   * frames count: a part of the screen redrawn often for reasons of its own must not keep
   * putting off the frames of the others.
   */
  drawn(): void {
    if (!this.drawing) return;
    this.drawing = false;
    this.drawnAt = Date.now();
  }

  private untilDue(): number {
    return Math.max(0, FRAME_MS - (Date.now() - this.drawnAt));
  }

  private readonly tick = () => {
    // The last frame may have been written after this one was asked for: the pause runs from it.
    const wait = this.untilDue();
    if (wait > 0) {
      this.timer = setTimeout(this.tick, wait);
      return;
    }
    this.timer = undefined;
    const draws = [...this.due];
    this.due.clear();
    this.drawing = true;
    // Called together, the updates are rendered and committed together.
    for (const draw of draws) draw();
  };
}

export const frameClock = new FrameClock();

/** Tells the clock when this component's frames are written. */
export function useFrameDrawn(): void {
  useLayoutEffect(() => frameClock.drawn());
}

/**
 * Redraws the component at the next frame after each change `subscribe` reports (its
 * listener); returns a number that changes with each such frame. `subscribe` should be stable
 * (a new one subscribes again).
 */
export function useFrames(subscribe: ((changed: () => void) => () => void) | null): number {
  const [frame, setFrame] = useState(0);
  useFrameDrawn();
  useEffect(() => {
    if (!subscribe) return;
    const draw = () => setFrame((n) => n + 1);
    const off = subscribe(() => frameClock.request(draw));
    return () => {
      off();
      frameClock.cancel(draw);
    };
  }, [subscribe]);
  return frame;
}

/** Redraws the component every `tickMs`, on the shared clock's frames, while `ticking`. */
export function useFrameTicks(tickMs: number, ticking: boolean): void {
  const [, setTick] = useState(0);
  useFrameDrawn();
  useEffect(() => {
    if (!ticking) return;
    const draw = () => setTick((n) => n + 1);
    const timer = setInterval(() => frameClock.request(draw), tickMs);
    return () => {
      clearInterval(timer);
      frameClock.cancel(draw);
    };
  }, [tickMs, ticking]);
}
