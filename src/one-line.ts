/**
 * Text from outside (Packer, AWS, a file) made safe for one row of the screen: tabs expanded to
 * the next multiple of 8 as a terminal would, line breaks made spaces, escape sequences and other
 * control characters dropped. Ink measures a tab as no width while the terminal moves 8 cells,
 * so a raw tab would push the row past its column and the frame past the terminal's height.
 */
export function oneLine(text: string): string {
  const plain = text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '').replace(/\r?\n|\r/g, ' ');
  let out = '';
  for (const ch of plain) {
    if (ch === '\t') out += ' '.repeat(8 - (out.length % 8));
    else if (!/[\x00-\x1f\x7f]/.test(ch)) out += ch;
  }
  return out;
}
