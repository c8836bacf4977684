import type { Key } from 'ink';

/** The bytes a terminal would send for a key, so what the user types reaches the process as typed. */
export function keyToBytes(input: string, key: Key): string {
  if (key.return) return '\r';
  if (key.backspace) return '\x7f';
  if (key.delete) return '\x1b[3~';
  if (key.tab) return key.shift ? '\x1b[Z' : '\t';
  if (key.upArrow) return '\x1b[A';
  if (key.downArrow) return '\x1b[B';
  if (key.rightArrow) return '\x1b[C';
  if (key.leftArrow) return '\x1b[D';
  if (key.home) return '\x1b[H';
  if (key.end) return '\x1b[F';
  if (key.pageUp) return '\x1b[5~';
  if (key.pageDown) return '\x1b[6~';
  if (key.ctrl && /^[a-z]$/i.test(input)) return String.fromCharCode(input.toLowerCase().charCodeAt(0) - 96);
  return input;
}
