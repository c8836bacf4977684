import { expect, it } from 'vitest';
import { awsCases } from './aws.cases.js';
import { chainCases } from './chain.cases.js';
import { interruptsCases } from './interrupts.cases.js';
import { namesCases } from './names.cases.js';
import { packerCases } from './packer.cases.js';
import { paramsCases } from './params.cases.js';
import { templatesCases } from './templates.cases.js';
import { usageCases } from './usage.cases.js';

const areas = {
  'params files': paramsCases,
  templates: templatesCases,
  chain: chainCases,
  names: namesCases,
  packer: packerCases,
  'aws errors': awsCases,
  'interrupts and crashes': interruptsCases,
  usage: usageCases,
};

it('the fault suite has at least 30 named cases, each name once', () => {
  const names = Object.values(areas).flatMap((cases) => cases.map((c) => c.name));
  console.log(
    `fault suite: ${names.length} cases (${Object.entries(areas)
      .map(([a, c]) => `${a} ${c.length}`)
      .join(', ')})`,
  );
  expect(new Set(names).size).toBe(names.length);
  expect(names.length).toBeGreaterThanOrEqual(30);
});
