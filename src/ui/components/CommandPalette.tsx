import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import { useKeys } from '../hooks/useKeys.js';
import { isKey, keyMatches } from '../keys.js';
import { tone } from '../theme.js';

export interface PaletteEntry {
  /** What the user types to find it: a screen or an action, in the app's words. */
  label: string;
  /** A few muted words after the label. */
  detail?: string;
  run(): void;
}

/** Entries whose label holds every word typed, in any order and any case. */
export function paletteMatches(entries: PaletteEntry[], query: string): PaletteEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => {
    const text = `${e.label} ${e.detail ?? ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/**
 * `:` — go to any screen or action by name (as in k9s): type to narrow, ↑/↓ to choose, Enter
 * goes, Esc closes. It holds the keyboard while open; the screen under it waits.
 */
export function CommandPalette({ entries, width, height, onClose }: { entries: PaletteEntry[]; width: number; height: number; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [cursor, setCursor] = useState(0);
  const latest = useRef('');
  const found = paletteMatches(entries, query);
  const at = Math.min(cursor, Math.max(0, found.length - 1));
  const type = (next: string) => {
    latest.current = next;
    setQuery(next);
    setCursor(0);
  };
  useKeys(
    (input, key) => {
      if (isKey('back', input, key) || (key.ctrl && input === 'c')) onClose();
      else if (isKey('open', input, key)) {
        const chosen = paletteMatches(entries, latest.current)[at];
        onClose();
        chosen?.run();
      } else if (keyMatches('up', input, key)) setCursor((c) => Math.max(0, c - 1));
      else if (keyMatches('down', input, key)) setCursor((c) => Math.min(found.length - 1, c + 1));
      else if (key.backspace || key.delete) type(latest.current.slice(0, -1));
      else if (!key.ctrl && !key.meta && !key.tab && input && !/[\x00-\x1f\x7f]/.test(input)) type(latest.current + input);
    },
    { modal: true },
  );
  const rows = Math.max(1, height - 3);
  const top = Math.max(0, Math.min(at - rows + 1, found.length - rows));
  return (
    <Box flexDirection="column" borderStyle="round" width={width} height={Math.min(height, rows + 3)} paddingX={1}>
      <Box height={1}>
        <Text wrap="truncate">
          <Text bold color={tone('key')}>
            :
          </Text>
          {query}
          <Text inverse> </Text>
          <Text color={tone('muted')}>{`  ${found.length} of ${entries.length} · Enter goes · Esc closes`}</Text>
        </Text>
      </Box>
      {found.slice(top, top + rows).map((e, i) => (
        <Box key={e.label} height={1}>
          <Text wrap="truncate" inverse={top + i === at}>
            {e.label}
            {e.detail ? <Text color={tone('muted')}>{`  ${e.detail}`}</Text> : null}
          </Text>
        </Box>
      ))}
      {found.length === 0 ? <Text color={tone('muted')}>nothing by that name</Text> : null}
    </Box>
  );
}
