import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { expectFailure, expectFilesUnchanged, filesOf, runCli, tempWorkflow, type FaultCase } from './harness.js';
import { expectCloudAccountedFor, liveInstances, sandboxState, workflowAmis } from './ledger.js';
import { firstBuiltStep, stepsOf } from './workflow-files.js';

/**
 * SPEC §4's error classes, each one actionable line: against the sandbox with PAW_SANDBOX_FAULTS
 * (errors shaped as the SDK's, through the same translation), and the real SDK without
 * credentials.
 */

const WORKFLOW_ID = 'paw-example';

async function amisListWith(faults: string, env: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof runCli>>> {
  const dir = await tempWorkflow();
  return runCli(['amis', 'list', '--workflow', dir, '--sandbox'], { env: { PAW_SANDBOX_FAULTS: faults, ...env } });
}

/** A workflow copy with its first step built in the sandbox; returns the new AMI. */
async function builtWorkflow(): Promise<{ dir: string; stepId: string; amiId: string; snapshotIds: string[] }> {
  const dir = await tempWorkflow();
  const step = await firstBuiltStep(dir);
  const r = await runCli(['build', step.id, '--workflow', dir, '--sandbox']);
  expect(r.code, r.stderr).toBe(0);
  const [ami] = workflowAmis(await sandboxState(dir), WORKFLOW_ID);
  return { dir, stepId: step.id, amiId: ami!.id, snapshotIds: ami!.snapshotIds };
}

export const awsCases: FaultCase[] = [
  {
    name: 'an AMI in use by an instance is refused before anything is deleted',
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const steps = await stepsOf(dir);
      const manual = steps.find((s) => !s.hasTemplates)!;
      const previous = steps.find((s) => s.id === manual.previous)!;
      for (const s of steps.slice(0, steps.indexOf(previous) + 1)) {
        const b = await runCli(['build', s.id, '--workflow', dir, '--sandbox']);
        expect(b.code, b.stderr).toBe(0);
      }
      const launch = await runCli(['manual', manual.id, 'launch', '--workflow', dir, '--sandbox']);
      expect(launch.code, launch.stderr).toBe(0);
      const before = await sandboxState(dir);
      const [instance] = liveInstances(before);
      const amiId = instance!.imageId;
      const r = await runCli(['amis', 'delete', amiId, '--yes', '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, new RegExp(`AMI ${amiId} is in use by instance ${instance!.id} — .*nothing was deleted`));
      const after = await expectCloudAccountedFor(dir, WORKFLOW_ID);
      expect(after.images[amiId]).toEqual(before.images[amiId]);
      for (const snap of before.images[amiId]!.snapshotIds) expect(after.snapshots[snap]).toBeDefined();
    },
  },
  {
    name: 'RunInstances refused by EC2 on a manual launch: its error code in one line, no instance, the journal still at launch',
    timeoutMs: 120_000,
    async run() {
      const dir = await tempWorkflow();
      const steps = await stepsOf(dir);
      const manual = steps.find((s) => !s.hasTemplates)!;
      for (const s of steps.slice(0, steps.indexOf(manual))) {
        const b = await runCli(['build', s.id, '--workflow', dir, '--sandbox']);
        expect(b.code, b.stderr).toBe(0);
      }
      const r = await runCli(['manual', manual.id, 'launch', '--workflow', dir, '--sandbox'], {
        env: { PAW_SANDBOX_FAULTS: 'RunInstances=InsufficientInstanceCapacity' },
      });
      expectFailure(r, 1, /ec2:RunInstances failed: InsufficientInstanceCapacity/);
      const s = await expectCloudAccountedFor(dir, WORKFLOW_ID);
      expect(liveInstances(s)).toEqual([]);
      const journal = JSON.parse(await readFile(path.join(manual.dir, '.paw', 'manual.json'), 'utf8')) as { state: string; instanceId: string | null };
      expect(journal).toMatchObject({ state: 'launch', instanceId: null });
    },
  },
  {
    name: 'an AMI of another account (the root base AMI) is refused up front, not sent to DeregisterImage',
    async run() {
      const dir = await tempWorkflow();
      const rootAmi = /"root_base_ami_id"\s*:\s*"([^"]+)"/.exec(await readFile(path.join(dir, 'workflow_param.json'), 'utf8'))![1]!;
      const r = await runCli(['amis', 'delete', rootAmi, '--yes', '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, new RegExp(`${rootAmi}.*(owned by|not owned|another account|not this account)`, 'i'));
      expect((await sandboxState(dir)).images[rootAmi]).toBeDefined();
    },
  },
  {
    name: 'base-ami --write with SSM denied: names ssm:GetParametersByPath, workflow_param.json byte for byte unchanged',
    async run() {
      const dir = await tempWorkflow();
      const before = await filesOf(dir);
      const r = await runCli(['base-ami', '--write', '--workflow', dir, '--sandbox'], { env: { PAW_SANDBOX_FAULTS: 'GetParametersByPath=denied' } });
      expectFailure(r, 1, /access denied: not allowed to call ssm:GetParametersByPath/);
      await expectFilesUnchanged(dir, before);
    },
  },
  {
    name: 'expired token: says the credentials expired and how to refresh them',
    async run() {
      expectFailure(await amisListWith('DescribeImages=expired'), 1, /^paw-tui: AWS credentials have expired — refresh them/);
    },
  },
  {
    name: 'no credentials (sandbox fault): says none were found and where to set them',
    async run() {
      expectFailure(await amisListWith('DescribeImages=nocreds'), 1, /^paw-tui: no AWS credentials found — set profile_name .*--profile/);
    },
  },
  {
    name: 'no credentials with the real AWS SDK (no profile, no keys, no instance role)',
    async run() {
      const dir = await tempWorkflow();
      const r = await runCli(['amis', 'list', '--workflow', dir], { timeoutMs: 60_000 });
      expectFailure(r, 1, /^paw-tui: no AWS credentials found — /);
    },
  },
  {
    name: 'access denied names the API action to grant',
    async run() {
      expectFailure(
        await amisListWith('DescribeImages=denied'),
        1,
        /^paw-tui: access denied: not allowed to call ec2:DescribeImages — grant ec2:DescribeImages/,
      );
    },
  },
  {
    name: 'throttling is retried by the SDK’s strategy: two throttled calls, then the command succeeds',
    async run() {
      const r = await amisListWith('DescribeImages=throttle*2');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
    },
  },
  {
    name: 'throttling that never stops is reported once the attempts are spent (AWS_MAX_ATTEMPTS honoured)',
    async run() {
      const started = Date.now();
      expectFailure(
        await amisListWith('DescribeImages=throttle', { AWS_MAX_ATTEMPTS: '3' }),
        1,
        /^paw-tui: AWS throttled ec2:DescribeImages after 3 attempts — /,
      );
      // Back-off waited between the attempts rather than failing on the first answer.
      expect(Date.now() - started).toBeGreaterThan(1000);
    },
  },
  {
    name: 'an AMI that does not exist: not found, with the id and the region',
    async run() {
      const dir = await tempWorkflow();
      const r = await runCli(['amis', 'show', 'ami-0123456789abcdef0', '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, /ami-0123456789abcdef0 does not exist in us-east-1/);
    },
  },
  {
    name: 'deleting an AMI while DeregisterImage is throttled: retried, AMI and snapshot gone',
    timeoutMs: 90_000,
    async run() {
      const { dir, amiId, snapshotIds } = await builtWorkflow();
      const r = await runCli(['amis', 'delete', amiId, '--yes', '--workflow', dir, '--sandbox'], { env: { PAW_SANDBOX_FAULTS: 'DeregisterImage=throttle*2' } });
      expect(r.code, r.stderr).toBe(0);
      const s = await sandboxState(dir);
      expect(s.images[amiId]).toBeUndefined();
      for (const id of snapshotIds) expect(s.snapshots[id]).toBeUndefined();
    },
  },
  {
    name: 'DeleteSnapshot denied mid-delete: the snapshot left behind is not lost — running the command again finishes it',
    timeoutMs: 90_000,
    async run() {
      const { dir, amiId, snapshotIds } = await builtWorkflow();
      const failed = await runCli(['amis', 'delete', amiId, '--yes', '--workflow', dir, '--sandbox'], { env: { PAW_SANDBOX_FAULTS: 'DeleteSnapshot=denied' } });
      expectFailure(failed, 1, /ec2:DeleteSnapshot/);
      const again = await runCli(['amis', 'delete', amiId, '--yes', '--workflow', dir, '--sandbox']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const s = await sandboxState(dir);
      for (const id of snapshotIds) expect(s.snapshots[id], `snapshot ${id} of the deleted AMI is still there`).toBeUndefined();
    },
  },
  {
    name: 'tagging denied after Packer made the AMI: the build fails and the run journal keeps the AMI id',
    timeoutMs: 90_000,
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const r = await runCli(['build', step.id, '--workflow', dir, '--sandbox'], { env: { PAW_SANDBOX_FAULTS: 'CreateTags=denied' } });
      expectFailure(r, 1, /access denied: not allowed to call ec2:CreateTags/);
      const s = await expectCloudAccountedFor(dir, WORKFLOW_ID);
      expect(liveInstances(s)).toEqual([]);
    },
  },
];
