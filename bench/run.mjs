// `npm run bench`: the measures of SPEC §10 as one table (or `--json`). Each figure is a median
// of several runs, and every time is shown beside a floor measured in the same run.
//   --json            print the rows as JSON
//   --quick           small sizes and few runs (to try the harness, not for figures)
//   --only a,b        sections: startup, logpane, browser, delete
//   --runs N          runs per measure (default 7 for start-up, 3 for the others)
import { parseArgs } from 'node:util';
import { formatTable, judge } from './table.mjs';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
  },
});

const quick = values.quick;
const runs = values.runs ? Number(values.runs) : undefined;
const sizes = {
  startupRuns: runs ?? (quick ? 2 : 7),
  runs: runs ?? (quick ? 1 : 3),
  lines: quick ? 20_000 : 200_000,
  items: quick ? 1_000 : 10_000,
  amis: quick ? 20 : 200,
  keystrokes: quick ? 10 : 40,
};

const sections = {
  startup: async () => {
    const { versionStart, homeFirstFrame } = await import('./startup.mjs');
    return [...(await versionStart({ runs: sizes.startupRuns })), ...(await homeFirstFrame({ runs: sizes.startupRuns }))];
  },
  logpane: async () => (await import('./logpane.mjs')).logPane({ runs: sizes.runs, lines: sizes.lines }),
  browser: async () => (await import('./browser.mjs')).amiBrowser({ runs: sizes.runs, items: sizes.items, keystrokes: sizes.keystrokes }),
  delete: async () => (await import('./delete.mjs')).bulkDelete({ runs: sizes.runs, amis: sizes.amis }),
};

const chosen = values.only ? values.only.split(',') : Object.keys(sections);
const rows = [];
for (const name of chosen) {
  const section = sections[name];
  if (!section) {
    process.stderr.write(`bench: unknown section ${name} (known: ${Object.keys(sections).join(', ')})\n`);
    process.exit(2);
  }
  if (!values.json) process.stderr.write(`bench: ${name}...\n`);
  try {
    rows.push(...(await section()));
  } catch (e) {
    rows.push({ measure: name, error: e instanceof Error ? e.message : String(e) });
  }
}

const machine = { cpus: (await import('node:os')).cpus().length, node: process.version, quick, sizes };
if (values.json) process.stdout.write(JSON.stringify({ machine, rows: rows.map(judge) }, null, 2) + '\n');
else process.stdout.write(formatTable(rows, machine));
// The exit code says whether every target was met, so CI can watch it without reading the table.
process.exitCode = rows.some((r) => r.error || r.missing || r.ok === false) ? 1 : 0;
