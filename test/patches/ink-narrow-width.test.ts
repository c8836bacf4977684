// Ink measures a text whose characters are all narrow (one cell, never joined to the next) by
// its length, without string-width (patches/ink+6.8.0.patch, output.js and measure-text.js):
// the same widths, checked for every such character and for mixed texts, colours and line
// breaks against string-width and widest-line themselves.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import stringWidth from 'string-width';
import widestLine from 'widest-line';
import { describe, expect, it } from 'vitest';

const inkEntry = createRequire(import.meta.url).resolve('ink');
const { narrowWidth } = (await import(pathToFileURL(path.join(path.dirname(inkEntry), 'output.js')).href)) as {
  narrowWidth: (text: string, lines?: boolean) => number;
};

const NARROW_RANGES: [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0x2ff],
  [0x2010, 0x2027],
  [0x2190, 0x2193],
  [0x2500, 0x257f],
  [0x2800, 0x28ff],
];

describe('Ink measure: narrow text by its length', () => {
  it('gives what string-width gives for every character it reads as narrow, and leaves the rest', () => {
    let narrow = 0;
    for (let code = 0; code < 0x3000; code++) {
      const ch = String.fromCharCode(code);
      const width = narrowWidth(ch);
      if (width === -1) continue;
      narrow++;
      expect(width, `U+${code.toString(16)}`).toBe(stringWidth(ch));
      expect(width).toBe(1);
    }
    const expected = NARROW_RANGES.reduce((n, [a, b]) => n + b - a + 1, 0) - 1; // not U+00AD
    expect(narrow).toBe(expected);
    // Neither the soft hyphen, controls, combining marks, nor wide or emoji characters.
    for (const ch of ['\u00ad', '\t', '\r', '\n', '\u0301', '\u200b', '界', '😀', '✔', '\ufe0f', '\x1b[2K', '\x1b]8;;x\x07']) expect(narrowWidth(ch)).toBe(-1);
  });

  it('gives the widest line of mixed texts, colours and all, as widest-line does', () => {
    let seed = 5;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const pool = ['a', ' ', '·', '…', '⠋', '─', '→', 'é', 'ß', '\n', '—', 'ǅ', '\x1b[1m', '\x1b[38;5;42m', '\x1b[0m', '\x1b[22;39m'];
    for (let round = 0; round < 2000; round++) {
      let text = '';
      for (let i = next(40); i > 0; i--) text += pool[next(pool.length)];
      expect(narrowWidth(text, true), JSON.stringify(text)).toBe(widestLine(text));
      const line = text.replaceAll('\n', '');
      expect(narrowWidth(line), JSON.stringify(line)).toBe(stringWidth(line));
    }
  });
});
