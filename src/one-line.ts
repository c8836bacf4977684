const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Text from outside (Packer, AWS, a file) made safe for one row of the screen: tabs expanded to
 * the next multiple of 8 as a terminal would, line breaks made spaces, escape sequences and other
 * control characters dropped. Ink measures a tab as no width while the terminal moves 8 cells,
 * so a raw tab would push the row past its column and the frame past the terminal's height.
 */
export function oneLine(text: string): string {
  // Most text holds no control character at all (a tab is one).
  if (!CONTROL.test(text)) return text;
  const plain = text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '').replace(/\r?\n|\r/g, ' ');
  let out = '';
  for (const ch of plain) {
    if (ch === '\t') out += ' '.repeat(8 - (out.length % 8));
    else if (!/[\x00-\x1f\x7f]/.test(ch)) out += ch;
  }
  return out;
}

/**
 * One line laid out on rows of `width` columns, as many as it needs: breaks at spaces, a word
 * longer than a row is cut into row-long pieces. The screen knows exactly how many rows a line
 * takes, so nothing below it is pushed out of view and its end is never lost.
 */
export function wrapRows(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const rows: string[] = [];
  let row = '';
  for (const word of oneLine(text).split(' ')) {
    const joined = row ? `${row} ${word}` : word;
    if ([...joined].length <= w) {
      row = joined;
      continue;
    }
    if (row) rows.push(row);
    let rest = [...word];
    while (rest.length > w) {
      rows.push(rest.slice(0, w).join(''));
      rest = rest.slice(w);
    }
    row = rest.join('');
  }
  rows.push(row);
  return rows;
}
