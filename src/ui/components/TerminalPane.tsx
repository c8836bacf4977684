import { useKeys } from '../hooks/useKeys.js';
import { Box, Text, useStdin } from 'ink';
import { memo, useCallback, useEffect, useEffectEvent, useLayoutEffect, useReducer, useRef, useState } from 'react';
import type { TerminalSession } from '../../packer/types.js';
import { useFrames } from '../hooks/useFrames.js';
import { useKeyCapture } from '../hooks/useKeyCapture.js';
import { isKey, isRawKey, keyMatches, keysLabel } from '../keys.js';
import { tone } from '../theme.js';
import { ansiLine } from './ansi-line.js';
import { matchingLines, stepMatch, type PaneMatch } from './pane-search.js';
import { TextField } from './TextField.js';

/** What a pane needs from a terminal session (a per-build view offers the same, read-only). */
export type PaneSource = Pick<TerminalSession, 'length' | 'view' | 'lineText' | 'onChange'> & Partial<Pick<TerminalSession, 'write' | 'resize'>>;

/** Whether the newest output ends in a question (Packer's -on-error=ask waits for a letter). */
export function waitingForAnswer(source: PaneSource): boolean {
  for (let i = source.length - 1; i >= Math.max(0, source.length - 8); i--) {
    const text = source.lineText(i).trim();
    if (text) return text.endsWith('?');
  }
  return false;
}

/**
 * A live terminal: draws the visible lines of the session (one `<Text>` for all of them: each
 * line is already cut to the pane's width and encoded as SGR-styled text, so Ink lays out one
 * node and writes each row once),
 * follows the output or holds still while the user scrolls, searches with `/`, and while
 * typing (`i`) sends every key to the process.
 */
/**
 * A live terminal: see TerminalPaneView. Drawn again only when its props change or its source
 * has new output (a redraw of the screen around it, for a new phase say, leaves it alone).
 */
export const TerminalPane = memo(TerminalPaneView);

function TerminalPaneView(props: {
  source: PaneSource;
  width: number;
  /** Rows including the pane's status line. */
  height: number;
  /** The pane takes its keys (scroll, search, typing) only when active. */
  active: boolean;
  /** Called when typing mode starts or stops, so the screen can say where keys go. */
  onTypingChange?: (typing: boolean) => void;
}) {
  const { source, width, active } = props;
  const rows = Math.max(1, props.height - 1);
  // New output is drawn on the shared frame clock, with whatever else on the screen is due.
  useFrames(useCallback((changed: () => void) => source.onChange(changed), [source]));
  // Lines between the bottom of the view and the newest line (0 = follow). A ref, because new
  // output moves it during render to hold the view still while the user reads back.
  const back = useRef(0);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const setFromBottom = (n: number) => {
    back.current = n;
    redraw();
  };
  const [typing, setTyping] = useState(false);
  const [searching, setSearching] = useState(false);
  const [query, setQuery] = useState('');
  // The current match; `found: false` when the last search found nothing.
  const [match, setMatchState] = useState<PaneMatch | null>(null);
  const [notFound, setNotFound] = useState(false);
  const lastLength = useRef(source.length);

  // Hold the view still while scrolled back: new lines push it further from the bottom.
  const grown = source.length - lastLength.current;
  lastLength.current = source.length;
  const maxBack = Math.max(0, source.length - rows);
  back.current = back.current > 0 ? Math.min(maxBack, back.current + Math.max(0, grown)) : 0;
  const offset = back.current;

  useEffect(() => {
    source.resize?.(Math.max(20, width), rows);
  }, [source, width, rows]);

  const setTypingMode = (on: boolean) => {
    setTyping(on);
    props.onTypingChange?.(on);
  };
  useKeyCapture(active && typing, true);
  // While typing, the keys go to the process as the terminal sent them (function keys, Ctrl-C,
  // Esc, Ctrl-D...), one sequence at a time; only the registry's stop key is kept.
  const { internal_eventEmitter: input } = useStdin();
  const write = source.write;
  const stopTyping = useEffectEvent(() => setTypingMode(false));
  // Joined during the commit that shows "typing", so the next key already goes through.
  useLayoutEffect(() => {
    if (!(active && typing) || !write) return;
    const pass = (data: string) => {
      if (isRawKey('stopTyping', data)) stopTyping();
      else write(data);
    };
    input.on('input', pass);
    return () => void input.off('input', pass);
  }, [active, typing, write, input]);

  const find = (text: string, direction: 1 | -1 | 'newest') => {
    if (!text) return;
    const found = stepMatch(
      matchingLines(source.length, (i) => source.lineText(i), text),
      match?.line ?? null,
      direction,
    );
    setMatchState(found);
    setNotFound(found === null);
    // Put the match in the middle of the pane.
    if (found) setFromBottom(Math.max(0, Math.min(maxBack, source.length - 1 - found.line - Math.floor(rows / 2))));
  };

  useKeys(
    (input, key) => {
      if (typing) return;
      if (isKey('page', input, key)) setFromBottom(Math.max(0, Math.min(maxBack, offset + (key.pageUp ? rows - 1 : -(rows - 1)))));
      else if (isKey('follow', input, key)) {
        setFromBottom(0);
        setMatchState(null);
      } else if (isKey('search', input, key)) setSearching(true);
      else if (isKey('nextMatch', input, key) && query) find(query, 1);
      else if (isKey('prevMatch', input, key) && query) find(query, -1);
      else if (keyMatches('g', input, key) || keyMatches('home', input, key)) setFromBottom(maxBack);
      else if (keyMatches('G', input, key) || keyMatches('end', input, key)) setFromBottom(0);
      else if (keyMatches('k', input, key)) setFromBottom(Math.min(maxBack, offset + 1));
      else if (keyMatches('j', input, key)) setFromBottom(Math.max(0, offset - 1));
      else if (isKey('focusPane', input, key) && source.write) setTypingMode(true);
      else if (key.upArrow) setFromBottom(Math.min(maxBack, offset + 1));
      else if (key.downArrow) setFromBottom(Math.max(0, offset - 1));
    },
    { isActive: active && !searching },
  );

  const lines = source.view(offset, rows);
  const firstIndex = source.length - offset - lines.length;
  const status = typing
    ? `typing → process: every key goes to it (${keysLabel('stopTyping')} stops)`
    : offset === 0
      ? waitingForAnswer(source) && source.write
        ? `following — the process is asking: press ${keysLabel('focusPane')}, then answer`
        : 'following'
      : `${offset} lines up — f follows`;
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      {/* A line string-width counts wider than the emulator did would wrap: it stays in the body. */}
      <Box height={rows} overflowY="hidden">
        <Text>{lines.map((line, i) => ansiLine(line, width, match !== null && firstIndex + i === match.line)).join('\n')}</Text>
      </Box>
      <Box height={1}>
        {searching ? (
          <>
            <Text>/</Text>
            <TextField
              focused
              value={query}
              onChange={setQuery}
              onSubmit={(q) => {
                setSearching(false);
                find(q, 'newest');
              }}
              onCancel={() => setSearching(false)}
            />
          </>
        ) : (
          <Text wrap="truncate" color={typing ? tone('warn') : tone('muted')}>
            {status}
            {notFound ? `  — "${query}" not found` : match ? `  — "${query}" ${match.place}/${match.total}` : ''}
          </Text>
        )}
      </Box>
    </Box>
  );
}
