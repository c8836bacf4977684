import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleWorkflowDir, packageRoot } from '../../src/paths.js';
import { TmuxScreen, hasTmux } from './tmux.js';

const cli = path.join(packageRoot(), 'dist', 'cli.js');
const skip = !hasTmux() || !existsSync(cli);
if (skip) {
  const why = !hasTmux() ? 'tmux is not installed' : 'dist/cli.js is missing (npm run build)';
  if (process.env.CI) throw new Error(`the jobs end-to-end test cannot run in CI: ${why}`);
  console.log(`jobs end-to-end test skipped: ${why}`);
}

const root = mkdtempSync(path.join(os.tmpdir(), 'paw-jobs-'));
let screen: TmuxScreen | undefined;
afterAll(() => {
  screen?.kill();
  rmSync(root, { recursive: true, force: true });
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** The SGR codes of one screen row that holds `text`. */
const styledRow = (styled: string, text: string) => styled.split('\n').find((l) => l.replace(/\x1b\[[0-9;:]*m/g, '').includes(text)) ?? '';

describe.skipIf(skip)('steps and builds from home, in tmux (sandbox)', () => {
  it('Enter opens the step view and starts nothing, b asks, a build runs on after Esc, SIGTERM cleans up', async () => {
    const workflow = path.join(root, 'workflow');
    cpSync(exampleWorkflowDir(), workflow, { recursive: true });
    // A slow simulated Packer: the build is still running when the app is left and signalled.
    const command = `env -u PAW_PACKER PAW_FAKE_PACKER_SPEED=1 ${quote(process.execPath)} ${quote(cli)} --sandbox --workflow ${quote(workflow)}; echo "paw-tui exited with $?"; sleep 60`;
    const s = (screen = new TmuxScreen(command, { cols: 120, rows: 40 }));
    await s.waitFor(/account 123456789012/);
    await s.waitFor(/root AMI → base\s+○ not built/);

    // Enter: the step view, with the facts of the step; nothing is started.
    await s.key('Enter');
    await s.waitFor('paw-tui · paw-example · step');
    const view = await s.waitFor(/instance\s+t3\.micro/);
    expect(view).toMatch(/source\s+ami-[0-9a-f]+/);
    expect(view).toMatch(/AMI\s+not built/);
    expect(view).toMatch(/Runs\s+none yet/);
    expect(existsSync(path.join(workflow, 's01-base', '.paw', 'runs'))).toBe(false);

    // b asks, naming the step, its source AMI, the instance type and its price.
    await s.key('b');
    const asked = await s.waitFor(/Build base on a t3\.micro \(≈ \$0\.0104\/h\) from ami-[0-9a-f]+\?/);
    expect(asked).toContain('[y/n]');
    await s.key('n');
    await s.waitForGone('Build base on a t3.micro');
    expect(existsSync(path.join(workflow, 's01-base', '.paw', 'runs'))).toBe(false);
    await s.key('b');
    await s.waitFor(/Build base on a t3\.micro \(≈ \$0\.0104\/h\) from ami-/);
    await s.key('y');
    await s.waitFor('paw-tui · paw-example · build');
    await s.waitFor(/==> base\.amazon-ebs\.ubuntu: /, 30_000);

    // Esc goes back while Packer runs: home lists the job and the step is building.
    await s.key('Escape');
    await s.key('Escape');
    await s.waitFor('paw-tui · paw-example · home');
    const home = await s.waitFor(/Jobs\s+⟳ base .* · \d+s/);
    expect(home).toMatch(/root AMI → base\s+⟳ building — /);
    // The building state is drawn in the accent colour (cyan; capture-pane -e keeps the styles).
    expect(styledRow(s.captureStyled(), '⟳ building')).toMatch(/\x1b\[(?:[0-9;]*;)?36m(?:\x1b\[[0-9;]*m)*[^\x1b]*⟳ building/);
    // Enter on the building step goes back to its live pane.
    await s.key('Enter');
    await s.waitFor('paw-tui · paw-example · build');
    await s.waitFor(/building base on i-[0-9a-f]+/, 30_000);
    expect(s.display('#{alternate_on}')).toBe('1');

    // SIGTERM: Packer is interrupted as a confirmed Ctrl-C does, its clean-up is shown, the
    // terminal is restored and the exit code says why.
    const pid = spawnSync('pgrep', ['-P', s.display('#{pane_pid}'), '-f', 'cli.js'], { encoding: 'utf8' }).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    process.kill(Number(pid), 'SIGTERM');
    const after = await s.waitFor('paw-tui exited with 143', 60_000);
    expect(after).toContain('paw-tui: build of base: build interrupted: Packer cleaned up');
    expect(after).toMatch(/Terminating the source AWS instance|Cleanly cancelled builds after being interrupted/);
    expect(s.display('#{alternate_on}')).toBe('0');
    // Nothing of the app's last frame is left on the terminal.
    expect(after).not.toContain('paw-tui · paw-example');
  }, 180_000);
});
