import { useInput, type Key } from 'ink';
import { useRef } from 'react';

/**
 * useInput that always calls the handler of the latest render: a key that arrives right after
 * a state change must see that state (a second Ctrl-C, a key that closes the overlay).
 */
export function useKeys(handler: (input: string, key: Key) => void, options: { isActive?: boolean } = {}): void {
  const latest = useRef(handler);
  latest.current = handler;
  useInput((input, key) => latest.current(input, key), options);
}
