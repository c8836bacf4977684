import { expect, it } from 'vitest';
import { usageCases } from './usage.cases.js';

const areas = { usage: usageCases };

it('the fault suite has at least 30 named cases, each name once', () => {
  const names = Object.values(areas).flatMap((cases) => cases.map((c) => c.name));
  console.log(`fault suite: ${names.length} cases (${Object.entries(areas).map(([a, c]) => `${a} ${c.length}`).join(', ')})`);
  expect(new Set(names).size).toBe(names.length);
  expect(names.length).toBeGreaterThanOrEqual(30);
});
