import { parseCreateAt } from '../../aws/create-at.js';
import { useFrameTicks } from './useFrames.js';

/**
 * Milliseconds since `startedAt`, ticking every `tickMs` while running (frozen at `endedAt` when
 * given). The ticks are drawn on the shared frame clock: with the other redraws due by then.
 */
export function useElapsed(startedAt: number, endedAt?: number, tickMs = 250): number {
  useFrameTicks(tickMs, endedAt === undefined);
  return Math.max(0, (endedAt ?? Date.now()) - startedAt);
}

/** The time now, ticking every `tickMs` while `ticking` (a running build's elapsed time). */
export function useNow(tickMs: number, ticking: boolean): number {
  useFrameTicks(tickMs, ticking);
  return Date.now();
}

/** `5m ago`, `3h ago`, `12d ago` from an ISO date or the catalog's `create_at`. */
export function formatAge(iso: string, now = Date.now()): string {
  const t = parseCreateAt(iso);
  if (Number.isNaN(t)) return '?';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
