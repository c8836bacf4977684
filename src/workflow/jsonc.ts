import path from 'node:path';
import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { PawError } from '../errors.js';

/**
 * The params files are JSON with `//` and `#` line comments (the Python library strips both).
 * jsonc-parser knows `//` and `/* *\/` but not `#`, so `#` comments are masked as `//` comments
 * of exactly the same length before parsing or editing: every offset stays valid for the
 * original text. A lone `#` (nothing after it) becomes a space.
 */
export function maskHashComments(text: string): string {
  // A byte-order mark (editors on Windows write one) is masked too, as one space.
  let out = text.startsWith('\uFEFF') ? ' ' : '';
  let at = out.length;
  for (const c of hashComments(text)) {
    out += text.slice(at, c.offset) + maskOf(c.text);
    at = c.offset + c.text.length;
  }
  return out + text.slice(at);
}

export function maskOf(comment: string): string {
  return comment.length >= 2 ? '//' + ' '.repeat(comment.length - 2) : ' ';
}

/** Every `#` line comment outside strings and other comments: where it starts and its text. */
export function hashComments(text: string): { offset: number; text: string }[] {
  const found: { offset: number; text: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '"') i = stringEnd(text, i);
    else if (c === '/' && text[i + 1] === '/') i = lineEnd(text, i);
    else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === '#') {
      const end = lineEnd(text, i);
      found.push({ offset: i, text: text.slice(i, end) });
      i = end;
    } else i++;
  }
  return found;
}

function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"' || c === '\n' || c === '\r') return i + 1;
    else i++;
  }
  return text.length;
}

function lineEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** How a file is named in messages: relative to where the user stands when that is shorter. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** 1-based line and column of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

export function fileError(file: string, text: string, offset: number, message: string, hint?: string): PawError {
  const { line, col } = lineCol(text, offset);
  return new PawError(`${displayPath(file)}:${line}:${col}: ${message}`, { hint });
}

const parseMessages: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a key in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected "," between entries',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the end of the JSON',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'comment is not closed',
  UnexpectedEndOfString: 'string is not closed',
  UnexpectedEndOfNumber: 'number is cut short',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape in string',
  InvalidCharacter: 'invalid character in string',
};

/**
 * Parses a params file into its syntax tree (kept for locating later schema errors). Trailing
 * commas are refused, as the Python library's json module refuses them.
 */
export function parseJsoncTree(file: string, text: string): Node {
  const masked = maskHashComments(text);
  // The parser recurses once per level: a file nested thousands deep would overflow the stack.
  const tooDeep = nestingPast(masked, MAX_NESTING);
  if (tooDeep >= 0) throw fileError(file, text, tooDeep, `nested deeper than ${MAX_NESTING} levels`, 'params are a few levels deep at most; fix the file');
  const errors: ParseError[] = [];
  const tree = parseTree(masked, errors, { allowTrailingComma: false, disallowComments: false });
  const first = errors[0];
  if (first) {
    const code = printParseErrorCode(first.error);
    throw fileError(file, text, first.offset, parseMessages[code] ?? code, 'fix the JSON (// and # line comments are allowed)');
  }
  if (!tree) throw fileError(file, text, 0, 'the file is empty', 'it must hold a JSON object');
  if (tree.type !== 'object') throw fileError(file, text, tree.offset, 'expected a JSON object { ... }');
  refuseDuplicateKeys(file, text, tree);
  return tree;
}

export const MAX_NESTING = 64;

/** The offset of the first `{` or `[` deeper than `limit`, or -1 (strings and comments skipped). */
function nestingPast(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') i = stringEnd(text, i) - 1;
    else if (c === '/' && text[i + 1] === '/') i = lineEnd(text, i);
    else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === '{' || c === '[') {
      if (++depth > limit) return i;
    } else if (c === '}' || c === ']') depth--;
  }
  return -1;
}

/**
 * A key written twice in one object is refused: JSON readers disagree on which one counts
 * (an edit would change the first while a read returns the last).
 */
function refuseDuplicateKeys(file: string, text: string, node: Node): void {
  if (node.type === 'object') {
    const seen = new Map<string, number>();
    for (const prop of node.children ?? []) {
      const key = prop.children?.[0];
      if (!key || typeof key.value !== 'string') continue;
      const first = seen.get(key.value);
      if (first !== undefined) {
        const where = (offset: number) => `${displayPath(file)}:${lineCol(text, offset).line}`;
        throw new PawError(`key "${key.value}" is written twice: ${where(first)} and ${where(key.offset)}`, {
          hint: 'keep one of them (JSON readers disagree on which one counts)',
        });
      }
      seen.set(key.value, key.offset);
    }
  }
  for (const child of node.children ?? []) refuseDuplicateKeys(file, text, child);
}

/** Where a value lives in the file: the node at the path, or its nearest existing parent. */
export function offsetOf(tree: Node, keyPath: (string | number)[]): number {
  let node: Node = tree;
  for (const key of keyPath) {
    const next = childOf(node, key);
    if (!next) break;
    node = next;
  }
  return node.offset;
}

function childOf(node: Node, key: string | number): Node | undefined {
  if (node.type === 'object' && typeof key === 'string') {
    const prop = node.children?.find((p) => p.children?.[0]?.value === key);
    return prop?.children?.[1];
  }
  if (node.type === 'array' && typeof key === 'number') return node.children?.[key];
  return undefined;
}
