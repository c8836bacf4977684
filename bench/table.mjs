// The printed table. A missed target is printed as MISSED, a measure that could not run as
// NOT MEASURED with the reason: nothing is left out.

function fmt(value, unit) {
  if (value === undefined || value === null || Number.isNaN(value)) return '';
  if (unit === 'ms') return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
  if (unit === 'MB') return `${value.toFixed(0)} MB`;
  if (unit === '/s') return `${value.toFixed(1)}/s`;
  if (unit === '×') return `${value.toFixed(2)}×`;
  if (unit === 'x') return `${value.toFixed(2)}×`;
  return `${Number.isInteger(value) ? value : value.toFixed(2)}${unit ? ' ' + unit : ''}`;
}

/** Fills `ok` and `targetText` from the row's target; rows without a target are informative. */
export function judge(row) {
  if (row.error || row.missing || !row.target) return row;
  const t = row.target;
  if (t.ratio !== undefined) return { ...row, ok: row.ratio <= t.ratio, targetText: `≤ ${t.ratio}× floor` };
  if (t.max !== undefined) return { ...row, ok: row.value <= t.max, targetText: `≤ ${fmt(t.max, row.unit)}` };
  return row;
}

export function formatTable(rows, machine) {
  const head = ['measure', 'result', 'floor', 'ratio', 'target', 'status'];
  const body = rows.map(judge).map((r) => {
    if (r.error) return [r.measure, '', '', '', '', `NOT MEASURED: ${r.error}`];
    if (r.missing) return [r.measure, '', '', '', '', `NOT MEASURED: ${r.missing}`];
    const floor = r.floor !== undefined ? `${fmt(r.floor, r.unit)} (${r.floorName})` : '';
    const ratio = r.ratio !== undefined ? fmt(r.ratio, 'x') : '';
    const status = r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED';
    return [r.measure, fmt(r.value, r.unit) + (r.detail ? ` ${r.detail}` : ''), floor, ratio, r.targetText ?? '', status];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  out.push(
    '',
    `${machine.cpus} CPUs, node ${machine.node}${machine.quick ? ', QUICK sizes (not figures)' : ''}; medians of runs; ratios against floors of the same run.`,
  );
  return out.join('\n') + '\n';
}
