// `npm run bench`: the measures of SPEC §10 as one table (or `--json`). Each figure is a median
// of several runs, and every time is shown beside a floor measured in the same run.
//   --json            print the rows as JSON
//   --quick           small sizes and few runs (to try the harness, not for figures)
//   --only a,b        sections: startup, logpane, screen, browser, delete
//   --runs N          runs per measure (default 7 for start-up, 3 for the others; 1 with --scale)
//   --scale           how each measure grows: log pane at 50k/200k/800k lines, AMI browser at
//                     1k/10k/50k items, bulk delete at 50/200/1,000 AMIs
import { parseArgs } from 'node:util';
import { formatTable, judge } from './table.mjs';

const USAGE = 'usage: node bench/run.mjs [--json] [--quick] [--only startup,logpane,screen,browser,delete] [--runs N] [--scale]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      scale: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  process.stderr.write(`bench: ${e.message}\n${USAGE}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n(see bench/README.md)\n`);
  process.exit(0);
}

const quick = values.quick;
const runs = values.runs ? Number(values.runs) : undefined;
if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) {
  process.stderr.write(`bench: --runs takes a whole number above 0, not ${values.runs}\n${USAGE}\n`);
  process.exit(2);
}
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
  screen: async () => (await import('./screen.mjs')).buildScreen({ runs: sizes.runs, lines: sizes.lines }),
  browser: async () => (await import('./browser.mjs')).amiBrowser({ runs: sizes.runs, items: sizes.items, keystrokes: sizes.keystrokes }),
  delete: async () => (await import('./delete.mjs')).bulkDelete({ runs: sizes.runs, amis: sizes.amis }),
};

/** Rows that say how a measure grew between two sizes, against how much the size grew. */
function growth(label, rows, pick, sizes, maxFactor) {
  const at = sizes.map((n) => rows.find((r) => pick(r, n))?.value);
  const out = [];
  for (let i = 1; i < sizes.length; i++) {
    if (!(at[i - 1] > 0) || !(at[i] > 0)) continue;
    const row = {
      measure: `${label}: ${sizes[i - 1].toLocaleString('en')} → ${sizes[i].toLocaleString('en')}`,
      value: at[i] / at[i - 1],
      unit: '×',
      detail: `(size ×${sizes[i] / sizes[i - 1]})`,
    };
    if (maxFactor?.[i]) row.target = { max: maxFactor[i] };
    out.push(row);
  }
  return out;
}

const scaleRuns = runs ?? 1;
const scaleSections = {
  logpane: async () => {
    const { logPane } = await import('./logpane.mjs');
    const rows = [];
    for (const lines of [50_000, 200_000, 800_000])
      rows.push(...(await logPane({ runs: scaleRuns, lines, target: lines >= 200_000 ? 1.15 : null, scale: true })));
    const sizes = [50_000, 200_000, 800_000];
    return [...rows, ...growth('log pane time grows', rows, (r, n) => r.measure.startsWith(`log pane vs bare xterm (${n.toLocaleString('en')} lines`), sizes)];
  },
  browser: async () => {
    const { amiBrowser } = await import('./browser.mjs');
    const rows = [];
    for (const items of [1_000, 10_000, 50_000]) rows.push(...(await amiBrowser({ runs: scaleRuns, items, keystrokes: 20, scale: true })));
    const sizes = [1_000, 10_000, 50_000];
    return [
      ...rows,
      ...growth('AMI browser open time grows', rows, (r, n) => r.measure === `AMI browser: open → all ${n.toLocaleString('en')} rows drawn`, sizes),
    ];
  },
  delete: async () => {
    const { bulkDelete } = await import('./delete.mjs');
    const rows = [];
    for (const amis of [50, 200, 1000]) rows.push(...(await bulkDelete({ runs: scaleRuns, amis, scale: true })));
    const sizes = [50, 200, 1000];
    // 1,000 AMIs in at most 8 times the time of 200 (issue 14).
    return [...rows, ...growth('bulk delete time grows', rows, (r, n) => r.measure.startsWith(`bulk delete: ${n} AMIs`), sizes, [undefined, undefined, 8])];
  },
};
if (values.scale) Object.assign(sections, scaleSections);
for (const name of Object.keys(sections)) if (values.scale && !scaleSections[name]) delete sections[name];

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
