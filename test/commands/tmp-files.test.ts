import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOf, requireBuiltCli, ROOT, runCli, startCli, waitFor } from './packer-cli.js';

/**
 * Packer's raw debug log is unredacted: it lives in a private folder of the temporary folder
 * while the build runs, and never outlives it — after a build, after Ctrl-C, and (at the next
 * build) after a paw-tui that was killed. Each command gets a temporary folder of its own.
 */

const PACE = { PAW_FAKE_PACKER_SPEED: '5', PAW_SANDBOX_SPEED: '50' };

beforeAll(() => requireBuiltCli());

async function leftIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith('paw-packer-log-'));
}

async function modes(stepDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['logs', 'runs']) {
    const dir = path.join(stepDir, '.paw', sub);
    for (const name of await readdir(dir))
      out.push(`${sub}/${name.replace(/^base-[\w-]+?(\.|$)/, 'base-<run>$1')} ${((await stat(path.join(dir, name))).mode & 0o777).toString(8)}`);
  }
  return [...new Set(out)].sort();
}

describe("a build's temporary files", () => {
  it('are gone after a build and after Ctrl-C; a killed run leaves them to the next build; logs and journals are 0600', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'paw-tmp-'));
    const env = { ...PACE, TMPDIR: tmp };
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const stepDir = path.join(dir, 's01-base');

    // Ctrl-C while Packer runs: Packer cleans up, and so does paw-tui.
    const cut = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], env);
    await waitFor(() => /Instance ID: i-\w+/.test(cut.stdout()), 'the instance id in the output');
    expect(await leftIn(tmp)).toHaveLength(1);
    cut.child.kill('SIGINT');
    expect(await cut.exit).toBe(130);
    expect(await leftIn(tmp)).toEqual([]);

    // Killed: nothing of paw-tui runs, so its folder stays until the next build starts.
    const killed = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], env);
    await waitFor(() => /Instance ID: i-\w+/.test(killed.stdout()), 'the instance id in the output');
    const [stale] = await leftIn(tmp);
    expect(stale).toBeDefined();
    expect((await stat(path.join(tmp, stale!))).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(tmp, stale!, 'packer.log'))).mode & 0o777).toBe(0o600);
    killed.child.kill('SIGKILL');
    await killed.exit;
    expect(await leftIn(tmp)).toEqual([stale]);
    expect((await runCli(['--workflow', dir, '--sandbox', 'runs', 'terminate', '--yes'], env)).code).toBe(0);

    const next = await runCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], env, 120_000);
    expect(next.code, next.stderr).toBe(0);
    expect(await leftIn(tmp)).toEqual([]);
    expect(await modes(stepDir)).toEqual(['logs/base-<run>.debug.log 600', 'logs/base-<run>.log 600', 'runs/base-<run>.json 600']);
    // The debug log kept under .paw/ is the redacted copy, with Packer's lines in it.
    const debugLogs = (await readdir(path.join(stepDir, '.paw', 'logs'))).filter((n) => n.endsWith('.debug.log'));
    expect((await Promise.all(debugLogs.map((n) => readFile(path.join(stepDir, '.paw', 'logs', n), 'utf8')))).join('')).toMatch(/\S/);
  }, 180_000);
});
