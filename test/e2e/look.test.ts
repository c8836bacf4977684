import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleWorkflowDir, packageRoot } from '../../src/paths.js';
import { TmuxScreen, hasTmux, sleep } from './tmux.js';

/*
 * What a person sees at a glance, read with the styles (`capture-pane -e`): colour, one cursor
 * row, the title always on row 1, first runs and a missing cloud. One app start drives several
 * checks, and the window is resized instead of starting again per size.
 */
const cli = path.join(packageRoot(), 'dist', 'cli.js');
const skip = !hasTmux() || !existsSync(cli);
if (skip) {
  const why = !hasTmux() ? 'tmux is not installed' : 'dist/cli.js is missing (npm run build)';
  if (process.env.CI) throw new Error(`the end-to-end test cannot run in CI: ${why}`);
  console.log(`end-to-end test skipped: ${why}`);
}

const root = mkdtempSync(path.join(os.tmpdir(), 'paw-look-'));
const screens: TmuxScreen[] = [];
afterAll(() => {
  for (const s of screens) s.kill();
  rmSync(root, { recursive: true, force: true });
});

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const SIZES = [
  [80, 24],
  [120, 40],
  [200, 50],
] as const;
// SGR with 7 (inverse) among its parameters, or a background colour.
const STYLED_CURSOR = /\x1b\[(?:[0-9;]*;)?(?:7|4[0-7]|48;[0-9;]+)(?:;[0-9;]*)?m/;

function open(command: string, cols = 120, rows = 40): TmuxScreen {
  const s = new TmuxScreen(`${command}; echo "paw-tui exited with $?"; sleep 30`, { cols, rows });
  screens.push(s);
  return s;
}

/** The rows of the step chain (they hold `→`) that draw a cursor. */
function cursorRows(styled: string): string[] {
  return styled.split('\n').filter((l) => l.includes('→') && STYLED_CURSOR.test(l));
}

function firstRow(s: TmuxScreen): string {
  return s.capture().split('\n')[0] ?? '';
}

describe.skipIf(skip)('the app at a glance, in tmux', () => {
  it('colours, one cursor row at every size, the cursor kept after a screen, the title on row 1 through a wild build', async () => {
    const workflow = path.join(root, 'look', 'workflow');
    cpSync(exampleWorkflowDir(), workflow, { recursive: true });
    // A provisioner whose output holds tabs and a 500-character line.
    const hcl = path.join(workflow, 's01-base', 'templates', '.pkr.hcl');
    const long = 'x'.repeat(500);
    writeFileSync(hcl, readFileSync(hcl, 'utf8').replace('"lsblk",', `"echo col1\tcol2\t\tcol3",\n      "echo ${long}",\n      "lsblk",`));
    // CI set as in a CI job: colours come from the terminal all the same.
    const s = open(
      `cd ${q(path.dirname(workflow))} && env -u PAW_PACKER CI=true TERM=xterm-256color PAW_FAKE_PACKER_SPEED=25 ${q(process.execPath)} ${q(cli)} --sandbox`,
      80,
      24,
    );
    await s.waitFor('paw-tui · paw-example · home');
    await s.waitFor(/root AMI → base\s+○/);

    for (const [cols, rows] of SIZES) {
      s.resize(cols, rows);
      await sleep(400);
      await s.waitFor(/root AMI → base\s+○/);
      const styled = s.captureStyled();
      expect(styled, `${cols}x${rows}`).toMatch(/\x1b\[[0-9;]*m/);
      expect(firstRow(s), `${cols}x${rows}`).toMatch(/^paw-tui · paw-example · home/);
      const cursor = cursorRows(styled);
      expect(cursor, `${cols}x${rows}:\n${styled}`).toHaveLength(1);
      expect(cursor[0]).toContain('base');
      // The help bar ends on a whole key.
      const bar = s.capture().trimEnd().split('\n').at(-1)!;
      expect(bar.trimEnd(), `${cols}x${rows}`).toMatch(/(\? more|Ctrl-C×2 quit)$/);
      // No build was interrupted: the key that ends such a run is not offered.
      expect(bar, `${cols}x${rows}`).not.toContain('end run');
    }

    // The cursor stays on the step after another screen and Esc.
    s.resize(120, 40);
    await s.key('j');
    await s.waitFor(/root AMI → base/);
    await s.waitForStyled((styled) => cursorRows(styled)[0]?.includes('app') ?? false, 'the cursor on app');
    await s.key('p');
    await s.waitFor('· params');
    await s.waitFor('workflow_id');
    await s.waitForStyled((styled) => STYLED_CURSOR.test(styled.split('\n').slice(1, -2).join('\n')), 'a styled cursor on params');
    await s.key('Escape');
    await s.waitFor('· home');
    const back = cursorRows(await s.waitForStyled((styled) => cursorRows(styled).length > 0, 'the cursor back on home'));
    expect(back).toHaveLength(1);
    expect(back[0]).toContain('app');

    // A build whose output holds tabs and a 500-character line: row 1 stays the title.
    s.resize(80, 24);
    await sleep(500);
    await s.key('k');
    const onBase = Date.now() + 10_000;
    while (!cursorRows(s.captureStyled())[0]?.includes('root AMI') && Date.now() < onBase) await sleep(150);
    await s.key('b');
    await s.waitFor('[y/n] Build base on a t3.micro');
    await s.key('y');
    const end = Date.now() + 90_000;
    let captures = 0;
    while (Date.now() < end) {
      const text = s.capture();
      captures++;
      expect(text.split('\n')[0], text).toMatch(/^paw-tui · paw-example · build/);
      expect(text.split('\n').length).toBeLessThanOrEqual(25);
      if (/✔ built ami-/.test(text)) break;
      await sleep(250);
    }
    expect(captures).toBeGreaterThan(3);
    await s.waitFor(/✔ built ami-/, 5_000);
    // Both lines are in the log pane, each within the pane, the title still on row 1.
    for (const [find, shows] of [
      ['col1', /col1 +col2 +col3/],
      ['xxxxxxxxxx', /x{40}/],
    ] as const) {
      await s.key('/');
      await s.type(find);
      await s.key('Enter');
      await s.waitFor(shows);
      expect(firstRow(s)).toMatch(/^paw-tui · paw-example · build/);
    }
    await s.key('Escape');
    await s.waitFor('· home');
    await s.key('q');
    await s.waitFor('paw-tui exited with 0');
  }, 240_000);

  it('every screen at every size: the title on row 1, colour, a styled cursor, the help bar whole', async () => {
    const workflow = path.join(root, 'tour', 'workflow');
    cpSync(exampleWorkflowDir(), workflow, { recursive: true });
    const env = `env -u PAW_PACKER TERM=xterm-256color PAW_FAKE_PACKER_SPEED=25`;
    // One AMI, so the AMIs browser has a row for its cursor.
    execFileSync('sh', ['-c', `${env} ${q(process.execPath)} ${q(cli)} --sandbox --workflow ${q(workflow)} build base --yes`], { stdio: 'ignore' });
    const s = open(`cd ${q(path.dirname(workflow))} && ${env} ${q(process.execPath)} ${q(cli)} --sandbox`, 80, 24);
    await s.waitFor('paw-tui · paw-example · home');
    await s.waitFor(/^(?![\s\S]*checking the catalog)[\s\S]*root AMI → base\s+[○◐●✔✖]/);
    // Each screen: the key from home, what shows once it has loaded, whether it has a cursor.
    const tour: { key: string; title: string; loaded: RegExp; cursor: boolean }[] = [
      { key: 'Enter', title: 'step', loaded: /source\s+ami-/, cursor: false },
      { key: 'p', title: 'params', loaded: /workflow_id/, cursor: true },
      { key: '+', title: 'new step', loaded: /step/, cursor: true },
      { key: 'a', title: 'base AMI', loaded: /ami-[0-9a-f]{8}/, cursor: true },
      { key: 'i', title: 'AMIs', loaded: /ami-[0-9a-f]+ +available/, cursor: true },
      { key: 'm', title: 'manual build', loaded: /Launch an instance/, cursor: true },
    ];
    for (const screen of tour) {
      await s.key(screen.key);
      await s.waitFor(`paw-tui · paw-example · ${screen.title}`);
      await s.waitFor(screen.loaded);
      for (const [cols, rows] of SIZES) {
        s.resize(cols, rows);
        await sleep(400);
        await s.waitFor(screen.loaded);
        const where = `${screen.title} at ${cols}x${rows}`;
        const text = s.capture();
        const lines = text.split('\n');
        expect(lines[0], where).toMatch(new RegExp(`^paw-tui · paw-example · ${screen.title}`));
        // tmux clips to the window, so a frame too tall shows as a title pushed off row 1 (above).
        const styled = s.captureStyled();
        expect(styled, where).toMatch(/\x1b\[[0-9;]*3[0-9]m|\x1b\[[0-9;]*38;5;/);
        if (screen.cursor) expect(STYLED_CURSOR.test(styled.split('\n').slice(1).join('\n')), `${where}:\n${styled}`).toBe(true);
        // The help bar (the last row drawn) ends on a whole key, or says more keys are under ?.
        const bar = text.trimEnd().split('\n').at(-1)!.trimEnd();
        expect(bar, where).not.toMatch(/…$/);
      }
      s.resize(120, 40);
      await sleep(300);
      await s.key('Escape');
      await s.waitFor('paw-tui · paw-example · home');
      await sleep(300);
    }
    await s.key('q');
    await s.waitFor('paw-tui exited with 0');
  }, 240_000);

  it('an empty folder offers init; without credentials one problem shows within 5 s', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    const first = open(`cd ${q(empty)} && TERM=xterm-256color ${q(process.execPath)} ${q(cli)} --sandbox`, 80, 24);
    await first.waitFor('No workflow at');
    await first.waitFor('Workflow id');
    expect(first.capture().split('\n')[0]).toMatch(/^paw-tui · workflow · new workflow/);
    // Each answer after the field is seen to have the focus, as a person looks before typing.
    const answers: [string, string | null][] = [
      ['Workflow id', 'demo'],
      ['Name tag of the VPC', 'vpc-a'],
      ['Is it the default VPC', null],
      ['Name tag of a public subnet', 'subnet-a'],
      ['Name tag of a security group', 'sg-ssh'],
      ['Instance profile', 'paw-builder'],
    ];
    for (const [label, answer] of answers) {
      await first.waitFor(`▸ ${label}`);
      if (answer) await first.type(answer);
      await first.key('Tab');
    }
    await first.key('C-s');
    await first.waitFor('paw-tui · demo · home', 20_000);
    await first.waitFor(/root AMI → step1/);
    expect(existsSync(path.join(empty, 'workflow', 'workflow_param.json'))).toBe(true);
    first.kill();

    // Against AWS with nothing set up (an empty HOME, no AWS variables): the new workflow has no
    // region, then with a region there are no credentials. Each is one problem, within 5 s.
    const home = path.join(root, 'home');
    mkdirSync(home, { recursive: true });
    for (const [flags, problem] of [
      ['', /⚠ no AWS region is set/],
      ['--region us-east-1', /⚠ .*credentials/],
    ] as const) {
      const s = open(
        `cd ${q(empty)} && env -i PATH=${q(process.env.PATH ?? '')} HOME=${q(home)} TERM=xterm-256color ${q(process.execPath)} ${q(cli)} ${flags}`,
        80,
        24,
      );
      await s.waitFor('paw-tui · demo · home');
      const shown = Date.now();
      await s.waitFor(problem, 5_000);
      expect(Date.now() - shown).toBeLessThan(5_000);
      await sleep(1_000);
      const settled = s.capture();
      expect(settled.match(/^⚠/gm) ?? [], settled).toHaveLength(1);
      expect(settled).not.toMatch(/checking…|opening the cloud|looking…/);
      s.kill();
    }
  }, 120_000);
});
