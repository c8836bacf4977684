// Bulk delete (SPEC §10): 200 sandbox AMIs, 50 ms added to every EC2 call. Each run deletes on a
// fresh copy of the example workflow in a process of its own.
import { bundle, median, timeProcess, workflowCopy } from './lib.mjs';

const LATENCY_MS = 50;

/** The bulk-delete target: 200 AMIs, planning included, at 50 ms a call (issue 14). */
const TOTAL_MS_AT_200 = 3500;

export async function bulkDelete({ runs, amis, scale = false }) {
  const entry = await bundle('bench/delete-entry.ts', 'delete');
  const results = [];
  for (let i = 0; i < runs; i++) {
    const workflow = workflowCopy('delete');
    const { out } = await timeProcess(process.execPath, [entry, workflow, String(amis)], {
      env: { ...process.env, PAW_SANDBOX_LATENCY_MS: String(LATENCY_MS) },
    });
    const r = JSON.parse(out.trim().split('\n').at(-1));
    if (r.deleted !== amis || r.left !== 0) throw new Error(`deleted ${r.deleted} of ${amis} AMIs (${r.failed} failed, ${r.left} left)`);
    results.push(r);
  }
  const calls = median(results.map((r) => r.calls));
  const held = Math.max(...results.map((r) => r.maxInFlight));
  // With every call taking the added latency and `held` at once, no run can be faster than this.
  const ideal = (calls * LATENCY_MS) / held;
  const total = median(results.map((r) => r.ms + r.planMs));
  const totalRow = { measure: `bulk delete: ${amis} AMIs, +${LATENCY_MS} ms per EC2 call, planning included`, value: total, unit: 'ms' };
  if (amis === 200) totalRow.target = { max: TOTAL_MS_AT_200 };
  if (scale) return [totalRow];
  return [
    totalRow,
    {
      measure: `bulk delete: ${amis} AMIs, deleting (after planning)`,
      value: median(results.map((r) => r.ms)),
      unit: 'ms',
      floor: ideal,
      floorName: `${calls} calls × ${LATENCY_MS} ms / ${held}`,
      ratio: median(results.map((r) => r.ms)) / ideal,
    },
    { measure: 'bulk delete: EC2 calls in flight at once (max)', value: held, unit: '' },
    // Two EC2 calls for each AMI (instances using it, references to it), `held` at a time.
    { measure: 'bulk delete: planning (describe, snapshots, users)', value: median(results.map((r) => r.planMs)), unit: 'ms' },
  ];
}
