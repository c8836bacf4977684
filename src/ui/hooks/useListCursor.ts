import { useState } from 'react';
import type { Key } from 'ink';
import { isKey, keyMatches } from '../keys.js';

/** Where each remembered list's cursor was, so it is still there after another screen. */
const remembered = new Map<string, number>();

/**
 * A highlighted row in a list of `count` rows: ↑/↓/j/k, PgUp/PgDn by `page`, g/Home and G/End.
 * `handle` returns true when it used the key. With `remember`, the cursor outlives the screen
 * (leaving for another screen and coming back, a refresh).
 */
export function useListCursor(count: number, page: number, remember?: string) {
  const [cursor, setCursorState] = useState(() => (remember ? (remembered.get(remember) ?? 0) : 0));
  const setCursor = (next: number | ((c: number) => number)) =>
    setCursorState((c) => {
      const value = typeof next === 'function' ? next(c) : next;
      if (remember) remembered.set(remember, value);
      return value;
    });
  const clamped = count === 0 ? 0 : Math.min(cursor, count - 1);
  const limit = (to: number) => Math.max(0, Math.min(count - 1, to));
  const move = (to: number) => setCursor(limit(to));
  // Relative moves build on the newest cursor: keys can arrive faster than frames.
  const by = (delta: number) => setCursor((c) => limit(Math.min(c, count - 1) + delta));
  const handle = (input: string, key: Key): boolean => {
    if (keyMatches('up', input, key) || keyMatches('k', input, key)) by(-1);
    else if (keyMatches('down', input, key) || keyMatches('j', input, key)) by(1);
    else if (isKey('page', input, key)) by(key.pageUp ? -page : page);
    else if (keyMatches('home', input, key) || keyMatches('g', input, key)) move(0);
    else if (keyMatches('end', input, key) || keyMatches('G', input, key)) move(count - 1);
    else return false;
    return true;
  };
  return { cursor: clamped, setCursor: move, handle };
}
