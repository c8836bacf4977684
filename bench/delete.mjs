// Bulk delete (SPEC §10): 200 sandbox AMIs, 50 ms added to every EC2 call. Each run deletes on a
// fresh copy of the example workflow in a process of its own.
import { bundle, median, timeProcess, workflowCopy } from './lib.mjs';

const LATENCY_MS = 50;

export async function bulkDelete({ runs, amis }) {
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
  return [
    {
      measure: `bulk delete: ${amis} AMIs, +${LATENCY_MS} ms per EC2 call`,
      value: median(results.map((r) => r.ms)),
      unit: 'ms',
      floor: ideal,
      floorName: `${calls} calls × ${LATENCY_MS} ms / ${held}`,
      ratio: median(results.map((r) => r.ms)) / ideal,
      target: { max: 5000 },
    },
    { measure: 'bulk delete: EC2 calls in flight at once (max)', value: held, unit: '' },
    { measure: 'bulk delete: planning (describe, snapshots, users)', value: median(results.map((r) => r.planMs)), unit: 'ms' },
  ];
}
