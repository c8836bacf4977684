import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleWorkflowDir, packageRoot } from '../../src/paths.js';
import { TmuxScreen, hasTmux } from './tmux.js';

const cli = path.join(packageRoot(), 'dist', 'cli.js');
const tmux = hasTmux();
const built = existsSync(cli);
const skip = !tmux || !built;
if (skip) {
  const why = !tmux ? 'tmux is not installed' : 'dist/cli.js is missing (npm run build)';
  if (process.env.CI) throw new Error(`the end-to-end test cannot run in CI: ${why}`);
  console.log(`end-to-end test skipped: ${why}`);
}

const root = mkdtempSync(path.join(os.tmpdir(), 'paw-e2e-'));
const workflow = path.join(root, 'workflow');
let screen: TmuxScreen | undefined;

afterAll(() => {
  screen?.kill();
  rmSync(root, { recursive: true, force: true });
});

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe.skipIf(skip)('paw-tui --sandbox, driven by keys in tmux', () => {
  it('picks a base AMI, creates a step, edits a param, builds, browses and deletes an AMI', async () => {
    cpSync(exampleWorkflowDir(), workflow, { recursive: true });
    // CI stays set when CI runs this: the app must draw every frame on a terminal all the same.
    const command = `env -u PAW_PACKER PAW_FAKE_PACKER_SPEED=25 ${shellQuote(process.execPath)} ${shellQuote(cli)} --sandbox --workflow ${shellQuote(workflow)}; echo "paw-tui exited with $?"; sleep 30`;
    const s = (screen = new TmuxScreen(command, { cols: 120, rows: 40 }));

    // Home.
    await s.waitFor('paw-tui · paw-example · home');
    expect(s.capture()).toContain('SANDBOX');
    await s.waitFor(/root AMI → base\s+○ not built/);
    await s.waitFor(/account 123456789012/);

    // Base AMI picker: the newest AMI for the default choices.
    await s.key('a');
    await s.waitFor(/product\s+‹ server ›/);
    const picker = await s.waitFor(/Enter makes it the root base AMI/);
    const chosen = /\n(ami-[0-9a-f]+) /.exec(picker)?.[1];
    expect(chosen).toMatch(/^ami-/);
    await s.key('Enter');
    await s.waitFor('wrote workflow_param.json (comments kept)');
    expect(readFileSync(path.join(workflow, 'workflow_param.json'), 'utf8')).toContain(`"root_base_ami_id": "${chosen}"`);
    await s.key('Escape');
    await s.waitFor('· home');

    // New step after the last one.
    await s.key('+');
    await s.waitFor("Type the new step's id");
    await s.type('extra');
    await s.waitFor('Will create');
    await s.key('C-s');
    await s.waitFor('✔ created step extra');
    expect(JSON.parse(readFileSync(path.join(workflow, 'extra', 'step_param.json'), 'utf8')).previous_step_id).toBe('hardening');
    await s.key('Escape');
    await s.waitFor(/hardening → extra\s+○ not built/);

    // Params: add a tag and save.
    await s.key('p');
    await s.waitFor('workflow_param.json');
    await s.key('+');
    await s.waitFor('new aws_tags key:');
    await s.type('env');
    await s.key('Enter');
    await s.type('e2e');
    await s.key('Enter');
    await s.waitFor('aws_tags.env will be added');
    await s.key('C-s');
    await s.waitFor('saved 1 change(s)');
    const params = readFileSync(path.join(workflow, 'workflow_param.json'), 'utf8');
    expect(params).toMatch(/"env": "e2e"/);
    expect(params).toContain('# written by `paw-tui base-ami`');
    await s.key('Escape');
    await s.waitFor('· home');

    // Build the first step and watch the log pane move.
    await s.key('b');
    await s.waitFor('[y/n] Build base on a t3.micro');
    await s.key('y');
    await s.waitFor('packer validate');
    const early = await s.waitFor(/==> base\.amazon-ebs/, 30_000);
    expect(early).toMatch(/\[all\]/);
    const paneOf = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.includes('base.amazon-ebs'))
        .join('\n');
    const moved = Date.now() + 30_000;
    while (paneOf(s.capture()) === paneOf(early) && Date.now() < moved) await new Promise((r) => setTimeout(r, 200));
    expect(paneOf(s.capture())).not.toBe(paneOf(early));
    const built = await s.waitFor(/✔ built (ami-[0-9a-f]+) in \d+/, 90_000);
    expect(built).not.toBe(early);
    const amiId = /✔ built (ami-[0-9a-f]+)/.exec(built)![1]!;
    await s.key('Escape');
    await s.waitFor(new RegExp(`root AMI → base\\s+● up to date ${amiId}`));

    // AMI browser: delete the new AMI with the typed confirmation.
    await s.key('i');
    await s.waitFor(new RegExp(`base\\s+${amiId}\\s+available`), 20_000);
    await s.key('d');
    await s.waitFor(`Type ${amiId} to confirm`, 20_000);
    await s.type(amiId);
    await s.key('Enter');
    await s.waitFor('deleted 1 AMI(s)', 30_000);
    await s.key('Escape');
    await s.waitFor(/0 of 0 AMIs|no AMIs yet/);
    await s.key('Escape');
    await s.waitFor(/root AMI → base\s+○ not built/);
    await s.key('q');
    await s.waitFor('paw-tui exited with 0');
  }, 240_000);
});
