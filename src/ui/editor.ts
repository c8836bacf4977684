import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * `$VISUAL` / `$EDITOR` as a program and its arguments, read without a shell: words split on
 * blanks, '…' and "…" quote, a backslash escapes the next character. A value naming an existing
 * file is that file even when its path holds spaces.
 */
export function editorCommand(value: string): { command: string; args: string[] } {
  const trimmed = value.trim();
  if (existsSync(trimmed)) return { command: trimmed, args: [] };
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  // A backslash takes the character after it as it is.
  let escaped = false;
  for (const c of trimmed) {
    if (escaped) {
      escaped = false;
      word = (word ?? '') + c;
    } else if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') escaped = true;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\') {
      escaped = true;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  // A backslash that ends the value escapes nothing: it stays.
  if (escaped) word = (word ?? '') + '\\';
  if (word !== null) words.push(word);
  const [command = 'vi', ...args] = words;
  return { command, args };
}

/** Runs the user's editor on a file, the terminal handed over; the one line to show when it failed. */
export function runEditor(file: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const { command, args } = editorCommand(env.VISUAL || env.EDITOR || 'vi');
  const result = spawnSync(command, [...args, file], { stdio: 'inherit' });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    return missing ? `cannot start the editor ${command}: not found — set VISUAL or EDITOR` : `cannot start the editor ${command}: ${result.error.message}`;
  }
  if (result.status !== 0) return `the editor ${command} exited with ${result.status ?? result.signal}`;
  return null;
}
