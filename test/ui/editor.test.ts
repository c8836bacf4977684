import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editorCommand, runEditor } from '../../src/ui/editor.js';

describe('the editor, started without a shell', () => {
  it('splits EDITOR into a program and its arguments, quotes kept together', () => {
    expect(editorCommand('vim')).toEqual({ command: 'vim', args: [] });
    expect(editorCommand('code --wait')).toEqual({ command: 'code', args: ['--wait'] });
    expect(editorCommand(`"/opt/My Editor/bin/ed" -w 'a b'`)).toEqual({ command: '/opt/My Editor/bin/ed', args: ['-w', 'a b'] });
    expect(editorCommand('/opt/My\\ Editor/ed')).toEqual({ command: '/opt/My Editor/ed', args: [] });
    expect(editorCommand('  ')).toEqual({ command: 'vi', args: [] });
  });

  it('runs a program whose path has a space, and shell characters are only characters', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'paw editor '));
    const editor = path.join(dir, 'my editor.sh');
    writeFileSync(editor, '#!/bin/sh\necho "edited by $0" >> "$1"\n');
    chmodSync(editor, 0o755);
    const file = path.join(dir, 'params; touch pwned.json');
    writeFileSync(file, '');
    expect(runEditor(file, { EDITOR: editor })).toBeNull();
    expect(readFileSync(file, 'utf8')).toBe(`edited by ${editor}\n`);
  });

  it('a missing editor is one line that says what to set', () => {
    expect(runEditor('/tmp/x.json', { EDITOR: 'no-such-editor-here --wait' })).toBe(
      'cannot start the editor no-such-editor-here: not found — set VISUAL or EDITOR',
    );
  });
});

describe('the editor command, edges', () => {
  it('a backslash keeps the character after it, and stays when it ends the value', () => {
    expect(editorCommand('code\\ insiders --wait')).toEqual({ command: 'code insiders', args: ['--wait'] });
    expect(editorCommand('"my \\"editor\\"" -w')).toEqual({ command: 'my "editor"', args: ['-w'] });
    expect(editorCommand('ed \\')).toEqual({ command: 'ed', args: ['\\'] });
  });
});
