import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { childAwsEnv } from '../../src/aws/profile.js';
import type { Cloud } from '../../src/aws/ports.js';
import { startBuild } from '../../src/packer/build-session.js';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/types.js';
import { copyOf, ROOT } from '../commands/packer-cli.js';

/**
 * `packer init` and `packer validate` act as the same AWS identity as `packer build`: the
 * environment paw-tui checked, with or without a profile. A Packer stand-in writes down the
 * AWS variables each of its commands saw.
 */
const saved = { ...process.env };
const scratch = mkdtempSync(path.join(tmpdir(), 'paw-packer-env-'));
const seen = path.join(scratch, 'seen.jsonl');
const recorder = path.join(scratch, 'packer.mjs');
writeFileSync(
  recorder,
  `import { appendFileSync } from 'node:fs';
const [command] = process.argv.slice(2);
if (command === 'version') { console.log('Packer v1.9.0'); process.exit(0); }
const aws = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AWS_')));
appendFileSync(${JSON.stringify(seen)}, JSON.stringify({ command, aws }) + '\\n');
`,
);

chmodSync(recorder, 0o755);

let workflow: Workflow;
let cloud: Cloud;

beforeAll(async () => {
  process.env.PAW_PACKER = recorder;
  const dir = await copyOf(path.join(ROOT, 'workflow'));
  workflow = await loadWorkflow(dir);
  cloud = await openSandboxCloud({
    sandbox: true,
    workflowDir: dir,
    region: 'us-east-1',
    table: null,
  });
});
afterEach(() => {
  writeFileSync(seen, '');
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && saved[k] === undefined) delete process.env[k];
});
afterAll(async () => {
  await cloud?.close();
  if (saved.PAW_PACKER === undefined) delete process.env.PAW_PACKER;
  else process.env.PAW_PACKER = saved.PAW_PACKER;
});

async function dryRunWith(childEnv: Record<string, string | undefined>): Promise<{ command: string; aws: Record<string, string> }[]> {
  const session = startBuild({
    cloud: { ...cloud, childEnv },
    workflow,
    step: findStep(workflow, 'base'),
    onError: 'cleanup',
    cols: 120,
    rows: 30,
    dryRun: true,
    tableConsent: { yes: true },
  });
  try {
    const state = await session.done;
    expect(state.checks.find((c) => c.id === 'validate')?.status, state.error).toBe('ok');
  } finally {
    session.dispose();
  }
  return readFileSync(seen, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { command: string; aws: Record<string, string> });
}

describe('packer init and validate get the AWS environment of packer build', () => {
  it("default chain (no profile configured): the region, and the shell's AWS_PROFILE kept", async () => {
    process.env.AWS_PROFILE = 'from-shell';
    const runs = await dryRunWith(childAwsEnv({ profile: null, credentials: null, region: 'eu-central-1' }));
    expect(runs.map((r) => r.command)).toEqual(['init', 'validate']);
    for (const r of runs)
      expect(r.aws).toMatchObject({
        AWS_REGION: 'eu-central-1',
        AWS_DEFAULT_REGION: 'eu-central-1',
        AWS_PROFILE: 'from-shell',
      });
  });

  it("the workflow's profile wins over keys in the environment, for init and validate too", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFROMSHELL';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    const runs = await dryRunWith(childAwsEnv({ profile: 'team-dev', region: 'ap-south-1' }));
    expect(runs.map((r) => r.command)).toEqual(['init', 'validate']);
    for (const r of runs) {
      expect(r.aws).toMatchObject({ AWS_PROFILE: 'team-dev', AWS_REGION: 'ap-south-1' });
      expect(r.aws.AWS_ACCESS_KEY_ID).toBeUndefined();
      expect(r.aws.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    }
  });
});
