import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type FormattingOptions, type JSONPath, applyEdits, modify } from 'jsonc-parser';
import { PawError, errorLine } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
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

async function edit(file: string, keyPath: JSONPath, value: unknown, options: EditOptions = {}): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PawError(`cannot read ${displayPath(file)}: ${(e as Error).message}`, { cause: e });
  }
  check(file, text);
  let next: string;
  try {
    next = editJsonText(text, keyPath, value);
  } catch (e) {
    throw new PawError(`cannot set ${keyPath.join('.')} in ${displayPath(file)}: ${(e as Error).message}`, { exitCode: 2 });
  }
  try {
    check(file, next);
    options.check?.(next);
  } catch (e) {
    throw new PawError(`not changed: the edit would make it invalid: ${errorLine(e)}`, { exitCode: 2 });
  }
  if (next !== text) await writeFileAtomic(file, next);
}

/** Sets one value in a params file, keeping comments, key order and all other bytes. */
export async function setJsonValue(file: string, keyPath: JSONPath, value: unknown, options?: EditOptions): Promise<void> {
  if (value === undefined) throw new PawError(`no value given for ${keyPath.join('.')}`, { exitCode: 2 });
  await edit(file, keyPath, value, options);
}

/** Removes one key from a params file, keeping everything else. */
export async function removeJsonValue(file: string, keyPath: JSONPath, options?: EditOptions): Promise<void> {
  await edit(file, keyPath, undefined, options);
}
