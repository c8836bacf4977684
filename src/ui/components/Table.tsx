import { Box, Text } from 'ink';
import { memo, useRef, type ReactElement } from 'react';
import stringWidth from 'string-width';
import { tone, type Tone } from '../theme.js';

export interface Column<Row> {
  title: string;
  /** Fixed width in characters; the one column without a width takes what is left. */
  width?: number;
  value: (row: Row) => string;
  tone?: (row: Row) => Tone | undefined;
}

// Cells a text takes, measured once per distinct text (a table draws the same names keystroke
// after keystroke); printable ASCII is one cell a character.
const measured = new Map<string, number>();
function cells(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = measured.get(text);
  if (width === undefined) {
    if (measured.size >= 10_000) measured.clear();
    width = stringWidth(text);
    measured.set(text, width);
  }
  return width;
}

/** `text` in exactly `width` cells: padded, or cut with `…` (wide characters count twice). */
function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const used = cells(text);
  if (used <= width) return text + ' '.repeat(width - used);
  const room = width > 1 ? width - 1 : width;
  let kept = '';
  let keptCells = 0;
  for (const character of text) {
    const w = cells(character);
    if (keptCells + w > room) break;
    kept += character;
    keptCells += w;
  }
  return (width > 1 ? kept + '…' : kept) + ' '.repeat(room - keptCells);
}

/** Which rows are on screen: the window moves only as far as needed to keep the cursor in it. */
export function visibleWindow(previousTop: number, cursor: number, count: number, height: number): number {
  let top = Math.min(previousTop, Math.max(0, count - height));
  if (cursor < top) top = cursor;
  if (cursor >= top + height) top = cursor - height + 1;
  return Math.max(0, top);
}

/** One row: drawn again only when its item, its marks or the columns change. */
const TableRow = memo(function TableRow<Row>(props: { row: Row; columns: Column<Row>[]; flexWidth: number; marker: string; atCursor: boolean }) {
  const { row, columns, flexWidth } = props;
  return (
    <Box height={1}>
      <Text wrap="truncate" inverse={props.atCursor}>
        {props.marker}
        {columns.map((c, ci) => {
          const t = c.tone?.(row);
          return (
            <Text key={c.title} color={t ? tone(t) : undefined}>
              {(ci > 0 ? ' ' : '') + fit(c.value(row), c.width ?? flexWidth)}
            </Text>
          );
        })}
      </Text>
    </Box>
  );
}) as <Row>(props: { row: Row; columns: Column<Row>[]; flexWidth: number; marker: string; atCursor: boolean }) => ReactElement;

/**
 * A table that draws only the rows that fit (`height` includes the header line), so ten
 * thousand rows cost what twenty do.
 */
export function Table<Row>(props: {
  rows: readonly Row[];
  columns: Column<Row>[];
  cursor: number;
  height: number;
  width: number;
  isSelected?: (row: Row) => boolean;
  empty?: string;
}) {
  const { rows, columns, cursor, width } = props;
  const bodyHeight = Math.max(1, props.height - 1);
  const top = useRef(0);
  top.current = visibleWindow(top.current, cursor, rows.length, bodyHeight);
  const marker = props.isSelected ? 2 : 0;
  const fixed = columns.reduce((n, c) => n + (c.width ?? 0) + 1, marker);
  const flexWidth = Math.max(4, width - fixed);
  const widthOf = (c: Column<Row>) => c.width ?? flexWidth;
  const header = ' '.repeat(marker) + columns.map((c) => fit(c.title, widthOf(c))).join(' ');
  const shown = rows.slice(top.current, top.current + bodyHeight);
  return (
    <Box flexDirection="column" height={Math.min(props.height, Math.max(1, rows.length) + 1)} width={width}>
      <Box height={1}>
        <Text bold wrap="truncate">
          {header}
        </Text>
      </Box>
      {rows.length === 0 ? (
        <Box height={1}>
          <Text color={tone('muted')}>{props.empty ?? 'nothing here'}</Text>
        </Box>
      ) : null}
      {shown.map((row, i) => (
        // Keyed by place on screen: a row that shows another item is updated in place (a filter
        // or a scroll changes every row) instead of being taken down and built again.
        <TableRow
          key={i}
          row={row}
          columns={columns}
          flexWidth={flexWidth}
          marker={props.isSelected ? (props.isSelected(row) ? '● ' : '  ') : ''}
          atCursor={top.current + i === cursor}
        />
      ))}
    </Box>
  );
}
