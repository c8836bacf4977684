// Bulk delete (SPEC §10): `count` AMIs of this account in the sandbox, each with its snapshot,
// deleted with executeDeletion while every EC2 call takes PAW_SANDBOX_LATENCY_MS longer. Counts
// the EC2 calls in flight at once to report the concurrency actually held.
// Usage: PAW_SANDBOX_LATENCY_MS=50 node <bundle> <workflow copy> <count>
// Prints one JSON line: { ms, planMs, deleted, failed, maxInFlight, calls, left }.
import type { Cloud, Images } from '../src/aws/ports.js';
import { executeDeletion, planDeletion } from '../src/aws/delete.js';
import { openSandboxCloud } from '../src/sandbox/cloud.js';
import { registerImage } from '../src/sandbox/ec2.js';
import { SandboxStore, sandboxStatePath } from '../src/sandbox/state.js';
import { loadWorkflow } from '../src/workflow/load.js';

const [workflowDir, countArg] = process.argv.slice(2) as [string, string];
const count = Number(countArg);
const latency = process.env.PAW_SANDBOX_LATENCY_MS;
// Seeding is not measured: no latency while the AMIs are made.
delete process.env.PAW_SANDBOX_LATENCY_MS;

const workflow = await loadWorkflow(workflowDir);
const cloud = await openSandboxCloud({ sandbox: true, workflowDir: workflow.dir, table: null, region: workflow.param.region_name });
const store = new SandboxStore(sandboxStatePath(workflow.dir));
const ids = await store.update((s) =>
  Array.from({ length: count }, (_, i) =>
    registerImage(s, {
      name: `${workflow.param.root_base_ami_name}/bench-${i}/step`,
      description: 'bench',
      instanceId: 'i-none',
      tags: { 'paw:workflow_id': `bench-${i}`, 'paw:step_id': 'step' },
      readyInMs: 0,
    }),
  ),
);

let inFlight = 0;
let maxInFlight = 0;
let calls = 0;
/** The cloud's images, with every call counted while it is in flight. */
function counted(images: Images): Images {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(images)) {
    wrapped[name] = async (...args: unknown[]) => {
      calls++;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } finally {
        inFlight--;
      }
    };
  }
  return wrapped as unknown as Images;
}
const measured: Cloud = { ...cloud, images: counted(cloud.images) };

if (latency) process.env.PAW_SANDBOX_LATENCY_MS = latency;
const planStart = performance.now();
const plan = await planDeletion(measured, workflow, ids);
const planMs = performance.now() - planStart;
maxInFlight = 0;
calls = 0;
const start = performance.now();
const result = await executeDeletion(measured, plan, {});
const ms = performance.now() - start;
delete process.env.PAW_SANDBOX_LATENCY_MS;
const left = (await cloud.images.describe(ids)).filter((i) => i.state !== 'deregistered').length;
await cloud.close();
process.stdout.write(JSON.stringify({ ms, planMs, deleted: result.deleted.length, failed: result.failed.length, maxInFlight, calls, left }) + '\n');
