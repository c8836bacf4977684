import { PALETTE_256 } from '../../packer/colors.js';
import type { StyledLine, StyledSpan } from '../../packer/types.js';
import { colorsEnabled } from '../theme.js';

/**
 * A terminal line as one string with SGR escapes, for one `<Text>` per line: Ink then handles
 * one text node per row instead of one per span, which is most of a frame's cost under a flood
 * of output.
 */

// Palette colours go back to their index, so the 16 system colours are drawn in the user's own
// terminal theme (as the process asked for them) and the others as 256-colour codes. The cube
// repeats some system colours (#000000, #ff0000, ...); those take the system code.
const paletteIndex = new Map<string, number>();
PALETTE_256.forEach((hex, i) => {
  if (!paletteIndex.has(hex)) paletteIndex.set(hex, i);
});

function colourCode(hex: string, background: boolean): string {
  const index = paletteIndex.get(hex);
  if (index !== undefined && index < 8) return String((background ? 40 : 30) + index);
  if (index !== undefined && index < 16) return String((background ? 100 : 90) + index - 8);
  if (index !== undefined) return `${background ? 48 : 38};5;${index}`;
  const rgb = Number.parseInt(hex.slice(1), 16);
  return `${background ? 48 : 38};2;${(rgb >> 16) & 255};${(rgb >> 8) & 255};${rgb & 255}`;
}

function sgr(span: StyledSpan, colours: boolean, inverse: boolean): string {
  const codes: string[] = [];
  if (span.bold) codes.push('1');
  if (span.dim) codes.push('2');
  if (span.italic) codes.push('3');
  if (span.underline) codes.push('4');
  if (span.inverse || inverse) codes.push('7');
  if (colours && span.fg) codes.push(colourCode(span.fg, false));
  if (colours && span.bg) codes.push(colourCode(span.bg, true));
  return codes.length ? `\x1b[${codes.join(';')}m` : '';
}

/** Cells a character takes: 2 for East Asian wide and emoji ranges, else 1. */
function cells(codePoint: number): number {
  return (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
    ? 2
    : 1;
}

/** `text` cut to at most `width` cells (the rest of a wide character that does not fit goes too). */
function fit(text: string, width: number): { text: string; used: number } {
  // Printable ASCII is one cell a character: the common case needs no scan.
  if (text.length <= width && /^[\x20-\x7e]*$/.test(text)) return { text, used: text.length };
  let used = 0;
  let end = 0;
  for (const ch of text) {
    const w = cells(ch.codePointAt(0)!);
    if (used + w > width) break;
    used += w;
    end += ch.length;
  }
  return { text: text.slice(0, end), used };
}

/**
 * The line as it should look in `width` cells: each span's style as SGR codes (colours left out
 * under NO_COLOR; bold, dim, italic, underline and inverse kept), cut at the width, a reset after
 * every styled span. `inverse` draws the whole line inverted (the search match).
 */
export function ansiLine(line: StyledLine, width: number, inverse = false): string {
  const colours = colorsEnabled();
  let out = '';
  let room = Math.max(0, width);
  for (const span of line) {
    if (room === 0) break;
    const { text, used } = fit(span.text, room);
    if (!text) continue;
    room -= used;
    const open = sgr(span, colours, inverse);
    out += open ? `${open}${text}\x1b[0m` : text;
  }
  return out;
}
