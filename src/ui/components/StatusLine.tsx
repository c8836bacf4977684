import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { useCallback, useEffect, useState } from 'react';
import { oneLine } from '../../one-line.js';
import { useKeyTraffic } from '../hooks/useKeys.js';
import { tone } from '../theme.js';
import { ErrorLine } from './ErrorLine.js';

/** What the status line says, and how many keys had been given when it was said. */
export type StatusMessage = { kind: 'error'; error: unknown; keysBefore: number } | { kind: 'notice'; text: string; keysBefore: number };

/** A notice (saved, copied…) goes after this long, or at the next key, whichever comes first. */
export const NOTICE_MS = 5000;

/**
 * The one status line of a screen: an error or a notice, never both, never piling up. Both go
 * at the next key (a key that shows a new one keeps it); a notice also goes after NOTICE_MS.
 */
export function useStatusLine() {
  const [message, setMessage] = useState<StatusMessage | null>(null);
  const traffic = useKeyTraffic(() => {
    const keys = traffic.count();
    setMessage((m) => (m && m.keysBefore < keys ? null : m));
  });
  useEffect(() => {
    if (message?.kind !== 'notice') return;
    const timer = setTimeout(() => setMessage((m) => (m === message ? null : m)), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [message]);
  const { count } = traffic;
  const showError = useCallback((error: unknown) => setMessage(error ? { kind: 'error', error, keysBefore: count() } : null), [count]);
  const notify = useCallback((text: string) => setMessage({ kind: 'notice', text, keysBefore: count() }), [count]);
  const clear = useCallback(() => setMessage(null), []);
  return { message, showError, notify, clear };
}

/** `text` in at most `width` cells, cut in the middle with `…`: a path keeps its file name. */
export function cutMiddle(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 1) return width === 1 ? '…' : '';
  const chars = [...text];
  let head = '';
  let tail = '';
  let used = 1;
  for (let i = 0, j = chars.length - 1; i <= j;) {
    const takeHead = stringWidth(head) <= stringWidth(tail);
    const ch = takeHead ? chars[i]! : chars[j]!;
    const w = stringWidth(ch);
    if (used + w > width) break;
    used += w;
    if (takeHead) {
      head += ch;
      i++;
    } else {
      tail = ch + tail;
      j--;
    }
  }
  return `${head}…${tail}`;
}

export function StatusLine({ message, width }: { message: StatusMessage | null; width: number }) {
  if (message?.kind === 'error') return <ErrorLine error={message.error} width={width} />;
  return (
    <Box height={1} width={width}>
      {message ? <Text color={tone('ok')}>{cutMiddle(oneLine(message.text), width)}</Text> : null}
    </Box>
  );
}
