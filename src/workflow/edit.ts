import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type FormattingOptions, type JSONPath, applyEdits, modify } from 'jsonc-parser';
import { PawError, errorLine } from '../errors.js';
import { fileSystemError, writeFileAtomic } from './atomic.js';
import { displayPath, hashComments, maskHashComments, maskOf, parseJsoncTree } from './jsonc.js';
import { parseStepParam, parseWorkflowParam } from './schema.js';

/** Indentation and line ends as the file already has them, so an inserted key looks native. */
function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  const tabs = indent.startsWith('\t');
  return { insertSpaces: !tabs, tabSize: tabs ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** The file's own checks: a params file must still be valid params after the edit. */
function check(file: string, text: string): void {
  const name = path.basename(file);
  if (name === 'workflow_param.json') parseWorkflowParam(file, text);
  else if (name === 'step_param.json') parseStepParam(file, text);
  else parseJsoncTree(file, text);
}

/**
 * The text after one edit. The edit is computed on the text with `#` comments masked (same
 * offsets) and applied to the original text, so every byte outside the edited range stays as
 * it was. jsonc-parser re-emits comments that fall inside the range it reformats; there the
 * masked `#` comments are put back, in order.
 */
export function editJsonText(text: string, keyPath: JSONPath, value: unknown): string {
  const comments = hashComments(text);
  const edits = modify(maskHashComments(text), keyPath, value, { formattingOptions: formattingOf(text) }).map((e) => {
    let content = e.content;
    let from = 0;
    for (const c of comments) {
      if (c.offset < e.offset || c.offset >= e.offset + e.length) continue;
      const at = content.indexOf(maskOf(c.text), from);
      if (at < 0) continue;
      content = content.slice(0, at) + c.text + content.slice(at + c.text.length);
      from = at + c.text.length;
    }
    return { ...e, content };
  });
  return applyEdits(text, edits);
}

export interface EditOptions {
  /** A further check of the edited text (for example the chain across step files); throw to refuse. */
  check?: (text: string) => void;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A JS string as the latin1 text of its UTF-8 bytes: one char per byte. */
const asBytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

function bytesOfValue(value: unknown): unknown {
  if (typeof value === 'string') return asBytes(value);
  if (Array.isArray(value)) return value.map(bytesOfValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [asBytes(k), bytesOfValue(v)]));
  return value;
}

/**
 * The edit is made on the file's bytes (read as latin1: one char per byte), so every byte
 * outside the edited range is written back as it was, even one that is not valid UTF-8; the
 * new value goes in as UTF-8.
 */
export function editJsonBytes(bytes: Buffer, keyPath: JSONPath, value: unknown): Buffer {
  const bom = bytes.subarray(0, 3).equals(UTF8_BOM) ? UTF8_BOM : Buffer.alloc(0);
  const text = bytes.subarray(bom.length).toString('latin1');
  const keys = keyPath.map((k) => (typeof k === 'string' ? asBytes(k) : k));
  return Buffer.concat([bom, Buffer.from(editJsonText(text, keys, bytesOfValue(value)), 'latin1')]);
}

/** One change to a params file: a new value at a key path, or (undefined) the key removed. */
export interface JsonEdit {
  path: JSONPath;
  value: unknown;
}

/**
 * Applies every edit to the file's bytes in memory, checks the result once and writes it in
 * one atomic write: the file on disk has all the edits or none of them.
 */
export async function editJsonFile(file: string, edits: JsonEdit[], options: EditOptions = {}): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw fileSystemError(e, 'read', displayPath(file));
  }
  check(file, bytes.toString('utf8'));
  let next = bytes;
  for (const { path: keyPath, value } of edits) {
    try {
      next = editJsonBytes(next, keyPath, value);
    } catch (e) {
      throw new PawError(`cannot set ${keyPath.join('.')} in ${displayPath(file)}: ${(e as Error).message}`, { exitCode: 2 });
    }
  }
  try {
    const nextText = next.toString('utf8');
    check(file, nextText);
    options.check?.(nextText);
  } catch (e) {
    throw new PawError(`not changed: the edit would make it invalid: ${errorLine(e)}`, { exitCode: 2 });
  }
  if (next.equals(bytes)) return;
  try {
    await writeFileAtomic(file, next);
  } catch (e) {
    throw fileSystemError(e, 'write', displayPath(file));
  }
}

/** Sets one value in a params file, keeping comments, key order and all other bytes. */
export async function setJsonValue(file: string, keyPath: JSONPath, value: unknown, options?: EditOptions): Promise<void> {
  if (value === undefined) throw new PawError(`no value given for ${keyPath.join('.')}`, { exitCode: 2 });
  await editJsonFile(file, [{ path: keyPath, value }], options);
}

/** Removes one key from a params file, keeping everything else. */
export async function removeJsonValue(file: string, keyPath: JSONPath, options?: EditOptions): Promise<void> {
  await editJsonFile(file, [{ path: keyPath, value: undefined }], options);
}
