import { describe, expect, it } from 'vitest';
import { rowFilter } from '../../src/ui/screens/AmisScreen.js';
import type { AmiRow } from '../../src/ui/hooks/useWorkflowAmis.js';

const row = (i: number) =>
  ({
    amiId: `ami-${String(i).padStart(5, '0')}`,
    name: `img/step-${i % 37}`,
    stepId: `step-${String(i).padStart(4, '0')}`,
    state: i % 5 ? 'available' : 'pending',
    created: '2024-06-13T12:00:00.000Z',
    image: null,
    item: i % 3 ? { build_method: 'packer' } : null,
  }) as unknown as AmiRow;

describe('the AMI filter over a loaded list', () => {
  it('answers each text as a full scan would, while typing, taking back and changing the text', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => row(i));
    const scan = (text: string) => {
      const needle = text.trim().toLowerCase();
      return needle ? rows.filter((r) => [r.stepId, r.amiId, r.state, r.name, r.item ? 'packer' : 'no'].join(' ').toLowerCase().includes(needle)) : rows;
    };
    const filter = rowFilter(rows);
    const texts = [
      's',
      'st',
      'step-01',
      'step-012',
      'step-0129',
      'step-012',
      'step-01',
      'STEP-01 ',
      'p',
      'pe',
      'pen',
      'pending',
      'ami-0001',
      'ami-00017',
      'no',
      '',
      'x',
      'img/step-3',
    ];
    for (const text of texts)
      expect(
        filter.apply(text).map((r) => r.amiId),
        JSON.stringify(text),
      ).toEqual(scan(text).map((r) => r.amiId));
  });

  it('keeps the order of the list and gives the list itself for an empty filter', () => {
    const rows = [row(3), row(1), row(2)];
    const filter = rowFilter(rows);
    expect(filter.apply('  ')).toBe(rows);
    expect(filter.apply('ami').map((r) => r.amiId)).toEqual(['ami-00003', 'ami-00001', 'ami-00002']);
  });
});
