import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleWorkflowDir, packageRoot } from '../../src/paths.js';
import { TmuxScreen, hasTmux, sleep } from './tmux.js';

const cli = path.join(packageRoot(), 'dist', 'cli.js');
const tmux = hasTmux();
const built = existsSync(cli);
const skip = !tmux || !built;
if (skip) {
  const why = !tmux ? 'tmux is not installed' : 'dist/cli.js is missing (npm run build)';
  if (process.env.CI) throw new Error(`the manual end-to-end test cannot run in CI: ${why}`);
  console.log(`manual end-to-end test skipped: ${why}`);
}

// Short, so the ssh line (with the .pem path inside it) fits on one row of the screen.
const root = mkdtempSync(path.join(os.tmpdir(), 'paw-man-'));
const screens: TmuxScreen[] = [];

afterAll(() => {
  for (const s of screens) s.kill();
  rmSync(root, { recursive: true, force: true });
});

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The sandbox environment of every process here: the simulated packer, quick but not instant EC2. */
function sandboxEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PAW_FAKE_PACKER_SPEED: '25', PAW_SANDBOX_SPEED: '1' };
  delete env.PAW_PACKER;
  return env;
}

function paw(workflow: string, ...args: string[]): string {
  return execFileSync(process.execPath, [cli, '--sandbox', '--workflow', workflow, ...args], { env: sandboxEnv(), encoding: 'utf8' });
}

/** A fresh copy of the example workflow with base and app built headless: hardening's source exists. */
function workflowWithAppBuilt(name: string): { workflow: string; appAmi: string } {
  const workflow = path.join(root, name);
  cpSync(exampleWorkflowDir(), workflow, { recursive: true });
  expect(paw(workflow, 'build', 'base')).toMatch(/built ami-[0-9a-f]+ for step base/);
  const app = /built (ami-[0-9a-f]+) for step app/.exec(paw(workflow, 'build', 'app'));
  expect(app).not.toBeNull();
  return { workflow, appAmi: app![1]! };
}

/** The app in a tmux session, as a person starts it. Sandbox speed 1: every wait is on screen for a moment. */
function openApp(workflow: string): TmuxScreen {
  // The sandbox's stand-in for ssh is $SHELL: a plain sh, so no startup file of this machine's
  // shell (a version manager's rehash waiting on a lock) stands between the test and the prompt.
  const command = `env -u PAW_PACKER SHELL=/bin/sh PAW_SANDBOX_SPEED=1 ${shellQuote(process.execPath)} ${shellQuote(cli)} --sandbox --workflow ${shellQuote(workflow)} 2>>${shellQuote(`${workflow}.stderr`)}; echo "paw-tui exited with $?"; sleep 30`;
  const s = new TmuxScreen(command, { cols: 160, rows: 40 });
  screens.push(s);
  return s;
}

/** Waits until no paw-tui runs on this workflow any more (a hung-up app cleans up, then ends). */
async function appEnded(workflow: string): Promise<void> {
  for (let waited = 0; ; waited += 100) {
    const found = spawnSync('pgrep', ['-f', '--', `--sandbox --workflow ${workflow}$`]).status === 0;
    if (!found) return;
    if (waited > 15_000) throw new Error('paw-tui still runs 15 s after its terminal closed');
    await sleep(100);
  }
}

interface SandboxInstance {
  state: string;
}

function sandboxInstances(workflow: string): Record<string, SandboxInstance> {
  const state = JSON.parse(readFileSync(path.join(workflow, '.paw', 'sandbox', 'state.json'), 'utf8')) as { instances: Record<string, SandboxInstance> };
  return state.instances;
}

/** Instances not terminated (or on their way to it): what would still cost money. */
function liveInstances(workflow: string): string[] {
  return Object.entries(sandboxInstances(workflow))
    .filter(([, i]) => i.state !== 'terminated')
    .map(([id]) => id);
}

/** From home, the third step of the chain (hardening), its manual guide. */
async function openHardeningGuide(s: TmuxScreen): Promise<void> {
  await s.waitFor('paw-tui · paw-example · home');
  // As a person would: once the cloud is open (the identity shows) and the chain has its states.
  await s.waitFor(/account 123456789012/);
  await s.waitFor(/app → hardening\s+[○◐✔]/);
  // ...and every step's state is known: keys typed while the catalog is still being checked can
  // land before the home screen settles.
  await s.waitFor(/^(?![\s\S]*checking the catalog)[\s\S]*app → hardening\s+[○◐✔]/);
  await s.key('j');
  await s.key('j');
  await s.key('m');
  await s.waitFor('paw-tui · paw-example · manual build');
}

describe.skipIf(skip)('the guided manual path of hardening, driven by keys in tmux (sandbox)', () => {
  it('launches, connects in a pane, stops, makes the image, terminates and records it', async () => {
    const { workflow, appAmi } = workflowWithAppBuilt('walk');
    const s = openApp(workflow);
    await s.waitFor(/app → hardening\s+○ not built \(manual step\)/);
    await openHardeningGuide(s);

    // Launch: the checklist at its first line, the choices of the launch.
    await s.waitFor('▶ Launch an instance from the source AMI  ← now');
    await s.waitFor(/Enter: launch a t3\.micro .* from the source AMI/);
    await s.waitFor(/key pair\s+‹ paw-paw-example-hardening ›/);
    await s.key('Enter');

    // Running: the instance id, its address and the exact ssh line with the saved key.
    await s.waitFor('▶ Connect and provision it by hand  ← now', 30_000);
    const running = await s.waitFor(/instance (i-[0-9a-f]+) · running · (\S+)/);
    const [, instanceId, address] = /instance (i-[0-9a-f]+) · running · (\S+)/.exec(running)!;
    expect(running).toContain('✓ Wait for the instance to be running');
    const pem = path.join(workflow, 's03-hardening', '.paw', 'paw-paw-example-hardening.pem');
    expect(running).toContain(`ssh -i ${pem} ubuntu@${address}`);
    expect(statSync(pem).mode & 0o777).toBe(0o600);
    expect(liveInstances(workflow)).toEqual([instanceId]);

    // Connect: in the sandbox a local shell, labelled as standing in for ssh.
    await s.key('c');
    await s.waitFor(`sandbox: a local shell stands in for ssh ubuntu@${address}`);
    await s.waitFor('w: type into the session');
    await s.key('w');
    await s.waitFor('typing → process: every key goes to it (Ctrl-] stops)');
    await s.type('echo paw-$((6*7))');
    await s.key('Enter');
    // The shell evaluated what was typed: its answer is on a line of its own.
    await s.waitFor(/^paw-42\s*$/m);
    // Every key goes to the session: Ctrl-C ends a command there, not the app.
    await s.type('sleep 300');
    await s.key('Enter');
    await sleep(300);
    await s.key('C-c');
    await s.type('echo after-$((6*7))');
    await s.key('Enter');
    await s.waitFor(/^after-42\s*$/m, 5_000);
    // A full-screen program draws in the pane at the pane's size; Esc reaches it.
    await s.type('vi paw-vi.txt');
    await s.key('Enter');
    // vi's empty lines (~) fill the pane, and its status line names the file.
    await s.waitFor(/(?:^~[ \t]*\n){10}/m);
    const vi = await s.waitFor(/"paw-vi\.txt"/);
    expect(vi).toContain('paw-tui · paw-example · manual build');
    await s.key('i');
    await s.type('drawn');
    await s.key('Escape');
    await s.type(':wq');
    await s.key('Enter');
    const written = path.join(workflow, 's03-hardening', 'paw-vi.txt');
    for (const end = Date.now() + 5_000; !existsSync(written) && Date.now() < end;) await sleep(100);
    expect(readFileSync(written, 'utf8')).toBe('drawn\n');
    // Ctrl-] (as telnet and ssh) takes the keys back; w gives them to the session again.
    await s.key('C-]');
    await s.waitFor(/^following/m);
    await s.key('w');
    await s.waitFor('typing → process');
    // Leaving the session brings the checklist back, at the same place.
    await s.type('exit');
    await s.key('Enter');
    const back = await s.waitFor('▶ Connect and provision it by hand  ← now');
    expect(back).not.toContain('sandbox: a local shell');
    expect(back).toContain(`instance ${instanceId} · running`);

    // C hands the whole terminal to the session (the main screen), and the app comes back after.
    await s.key('C');
    await s.waitFor('paw-tui: sandbox: a local shell stands in for ssh');
    expect(s.display('#{alternate_on}')).toBe('0');
    await s.type('echo full-$((6*7))');
    await s.key('Enter');
    await s.waitFor(/^full-42\s*$/m);
    await s.type('exit');
    await s.key('Enter');
    await s.waitFor('▶ Connect and provision it by hand  ← now');
    expect(s.display('#{alternate_on}')).toBe('1');

    // Stop, after a question.
    await s.key('Enter');
    await s.waitFor(`[y/n] Stop instance ${instanceId}? Then its image is made from what is on its disk.`);
    await s.key('y');
    await s.waitFor('▶ Wait for the instance to be stopped  ← now');

    // The image is made from the stopped instance; the wait shows it pending first.
    await s.waitFor(/▶ Wait for the image to be available {2}← now|▶ Terminate the instance {2}← now/, 30_000);
    const available = await s.waitFor(/image (ami-[0-9a-f]+) · available/, 60_000);
    const imageId = /image (ami-[0-9a-f]+) · available/.exec(available)![1]!;
    await s.waitFor('▶ Terminate the instance  ← now  · asks first');
    expect(s.capture()).toContain(`instance ${instanceId} · stopped`);
    expect(s.capture()).toContain('✓ Wait for the instance to be stopped');

    // Terminate, after a question; then the record.
    await s.key('Enter');
    await s.waitFor(`[y/n] Terminate instance ${instanceId}? Its image ${imageId} is kept.`);
    await s.key('y');
    const done = await s.waitFor(`✓ recorded in the catalog (${imageId})`, 30_000);
    expect(done).toContain('✓ Record the image in the catalog');
    expect(done).toContain('nothing left to do');

    // Home shows the step built; the example's root AMI is older than the sandbox's newest jammy, so it is stale for it.
    await s.key('Escape');
    await s.waitFor(/app → hardening\s+◐ stale: newer base ami-[0-9a-f]+ \(2024-07-20\)/);
    await s.key('q');
    await s.waitFor('paw-tui exited with 0');

    const catalog = JSON.parse(paw(workflow, 'amis', 'list', '--json')) as { step_id: string; ami_id: string; build_method: string; base_ami_id: string }[];
    const hardening = catalog.find((i) => i.step_id === 'hardening');
    expect(hardening).toMatchObject({ ami_id: imageId, build_method: 'manual', base_ami_id: appAmi });
    expect(liveInstances(workflow)).toEqual([]);
    expect(sandboxInstances(workflow)[instanceId!]?.state).toBe('terminated');
  }, 180_000);

  it('resumes at the right state with the same instance after the app is killed right after launch', async () => {
    const { workflow } = workflowWithAppBuilt('resume');
    const first = openApp(workflow);
    await openHardeningGuide(first);
    await first.waitFor('▶ Launch an instance from the source AMI  ← now');
    await first.key('Enter');
    const launched = await first.waitFor(/instance (i-[0-9a-f]+) · /, 30_000);
    const instanceId = /instance (i-[0-9a-f]+) · /.exec(launched)![1]!;
    // The terminal closes under the app (SIGHUP): it lets go of the step and ends as hung up.
    first.kill();
    expect(first.alive()).toBe(false);
    await appEnded(workflow);
    // ...without a write to the closed terminal failing, or Node aborting while it resets it.
    expect(readFileSync(`${workflow}.stderr`, 'utf8')).not.toMatch(/EIO|Assertion failed|Error/);
    expect(existsSync(path.join(workflow, 's03-hardening', '.paw', 'lock.json'))).toBe(false);

    // The journal knew the instance the moment it was launched.
    const journal = JSON.parse(readFileSync(path.join(workflow, 's03-hardening', '.paw', 'manual.json'), 'utf8')) as { instanceId?: string };
    expect(journal.instanceId).toBe(instanceId);
    expect(liveInstances(workflow)).toEqual([instanceId]);

    // Reopened: home shows the live instance; the guide picks up where it was, same instance.
    const second = openApp(workflow);
    await second.waitFor(new RegExp(`app → hardening\\s+◐ manual in progress \\(\\S+\\) ${instanceId}`));
    await openHardeningGuide(second);
    const resumed = await second.waitFor('▶ Connect and provision it by hand  ← now', 30_000);
    expect(resumed).toContain('✓ Launch an instance from the source AMI');
    expect(resumed).toContain('✓ Wait for the instance to be running');
    await second.waitFor(`instance ${instanceId} · running`);
    expect(second.capture()).toMatch(new RegExp(`ssh -i \\S+\\.pem ubuntu@\\S+`));
    // Nothing was launched a second time.
    expect(liveInstances(workflow)).toEqual([instanceId]);

    // The pane closes with Esc too (not typing: Esc is the pane's back), back to the checklist.
    await second.key('c');
    await second.waitFor('sandbox: a local shell stands in for ssh ubuntu@');
    await second.key('Escape');
    const closed = await second.waitFor('▶ Connect and provision it by hand  ← now');
    expect(closed).not.toContain('sandbox: a local shell');

    // Giving up terminates it (after a question) and the checklist starts again.
    await second.key('x');
    await second.waitFor(`Terminate instance ${instanceId} without making its image?`);
    await second.key('y');
    await second.waitFor('▶ Launch an instance from the source AMI  ← now', 30_000);
    expect(liveInstances(workflow)).toEqual([]);
    await second.key('Escape');
    await second.waitFor(/app → hardening\s+○ not built \(manual step\)/);
    await second.key('q');
    await second.waitFor('paw-tui exited with 0');
  }, 180_000);
});
