import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import stripAnsi from 'strip-ansi';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A workflow folder in a temporary directory: workflow_param.json (with comments) and steps. */
export function makeWorkflow(
  steps: { id: string; previous: string | null; folder?: string; manual?: boolean }[] = [
    { id: 'step1', previous: null },
    { id: 'step2', previous: 'step1' },
  ],
): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paw-ui-'));
  writeFileSync(
    path.join(dir, 'workflow_param.json'),
    `{
  // the workflow
  "workflow_id": "demo",
  "vpc_name": "vpc-main",
  "is_default_vpc": "true",
  "subnet_name": "subnet-a",
  "security_group_name": "sg-build",
  "ec2_iam_role_name": "packer-role",
  # Ubuntu 22.04
  "root_base_ami_id": "ami-0000000000000base",
  "root_base_ami_name": "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240101",
  "region_name": "us-east-1",
  "aws_tags": { "team": "platform" },
  "owner_note": "kept"
}
`,
  );
  for (const s of steps) {
    const stepDir = path.join(dir, s.folder ?? s.id);
    mkdirSync(stepDir, { recursive: true });
    writeFileSync(
      path.join(stepDir, 'step_param.json'),
      JSON.stringify({ step_id: s.id, previous_step_id: s.previous, metadata: { purpose: `${s.id} layer` } }, null, 2) + '\n',
    );
    if (!s.manual) mkdirSync(path.join(stepDir, 'templates'));
  }
  return dir;
}

/** Lets Ink draw: a frame appears after the next macrotask or two. */
export function tick(ms = 30): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `check` passes (it throws until then), up to `timeoutMs`. */
export async function waitFor(check: () => void, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() - started > timeoutMs) throw e;
      await tick(20);
    }
  }
}

export const keys = {
  up: '\x1b[A',
  down: '\x1b[B',
  left: '\x1b[D',
  right: '\x1b[C',
  enter: '\r',
  esc: '\x1b',
  tab: '\t',
  backspace: '\x7f',
  ctrlC: '\x03',
  ctrlS: '\x13',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  space: ' ',
};

/** Types text one key at a time, as a person would. */
export async function type(stdin: { write: (s: string) => void }, text: string): Promise<void> {
  for (const c of text) {
    stdin.write(c);
    await tick(5);
  }
}

/**
 * ink-testing-library's render with the frames as text: whether colours are on depends on the
 * terminal the tests run in, and the tests read what is written, not how it is coloured.
 */
export function renderText(tree: ReactElement) {
  const app = render(tree);
  // `frames` stays the live array of what was written (colours included) for counting frames.
  return { ...app, lastFrame: () => stripAnsi(app.lastFrame() ?? '') };
}
