/** Where a search of the pane stands: the line of the current match, its place and the count. */
export interface PaneMatch {
  line: number;
  /** 1-based place among the matches, counted from the oldest line. */
  place: number;
  total: number;
}

/** Lines whose text holds `query` (any case), oldest first. */
export function matchingLines(length: number, lineText: (i: number) => string, query: string): number[] {
  const needle = query.toLowerCase();
  const found: number[] = [];
  if (!needle) return found;
  for (let i = 0; i < length; i++) if (lineText(i).toLowerCase().includes(needle)) found.push(i);
  return found;
}

/**
 * The match to show: `newest` for a new search, otherwise the next one down (`1`) or up (`-1`)
 * from `current`, wrapping round the ends. Null when nothing matches.
 */
export function stepMatch(lines: number[], current: number | null, direction: 1 | -1 | 'newest'): PaneMatch | null {
  if (lines.length === 0) return null;
  let at: number;
  if (direction === 'newest' || current === null) at = lines.length - 1;
  else if (direction === 1) {
    at = lines.findIndex((l) => l > current);
    if (at < 0) at = 0;
  } else {
    at = -1;
    for (let i = lines.length - 1; i >= 0; i--) {
      if ((lines[i] ?? current) < current) {
        at = i;
        break;
      }
    }
    if (at < 0) at = lines.length - 1;
  }
  const line = lines[at];
  return line === undefined ? null : { line, place: at + 1, total: lines.length };
}
