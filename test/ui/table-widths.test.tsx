import { renderToString } from 'ink';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { Table, type Column } from '../../src/ui/components/Table.js';

interface Row {
  id: string;
  name: string;
  state: string;
}
const columns: Column<Row>[] = [
  { title: 'ID', width: 8, value: (r) => r.id },
  { title: 'NAME', width: 12, value: (r) => r.name },
  { title: 'STATE', value: (r) => r.state },
];

describe('Table widths', () => {
  it('lines up columns when names hold wide characters, and cuts them by cells', () => {
    const rows: Row[] = [
      { id: 'ami-1', name: 'web', state: 'available' },
      { id: 'ami-2', name: '名前テスト', state: 'pending' },
      { id: 'ami-3', name: '名前テストの長い名前', state: 'failed' },
      { id: 'ami-4', name: 'golden-image-name', state: 'deregistered' },
    ];
    const frame = renderToString(<Table rows={rows} columns={columns} cursor={0} height={6} width={40} />, { columns: 40 });
    const lines = frame.split('\n');
    const stateColumn = (line: string, state: string) => stringWidth(line.slice(0, line.indexOf(state)));
    expect(stateColumn(lines[1]!, 'available')).toBe(22);
    expect(stateColumn(lines[2]!, 'pending')).toBe(22);
    expect(stateColumn(lines[3]!, 'failed')).toBe(22);
    expect(stateColumn(lines[4]!, 'deregistered')).toBe(22);
    expect(lines[3]).toContain('名前テスト…');
    expect(lines[4]).toContain('golden-imag…');
  });
});
