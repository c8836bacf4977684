import { existsSync } from 'node:fs';
import { appendFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOf, requireBuiltCli, ROOT, startCli } from './packer-cli.js';

beforeAll(() => requireBuiltCli());

/** A template whose render holds the thread for many seconds (millions of loop turns). */
const SLOW = '{% for i in range(2000) %}{% for j in range(2000) %}{% endfor %}{% endfor %}\n';

describe('Ctrl-C during a long template render', () => {
  it('ends paw-tui at once as interrupted (130 in the shell), with no rendered or temporary file', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const stepDir = path.join(dir, 's01-base');
    await appendFile(path.join(stepDir, 'templates', '.pkr.hcl'), SLOW);
    const before = (await readdir(stepDir)).sort();

    const run = startCli(['--workflow', dir, '--sandbox', 'render', 'base']);
    // Started, loaded, rendering: the render alone takes far longer than this.
    await new Promise((r) => setTimeout(r, 3000));
    expect(run.child.exitCode, run.stderr()).toBeNull();
    const sent = Date.now();
    run.child.kill('SIGINT');
    await run.exit;
    const took = Date.now() - sent;
    // Ended by the signal itself (a shell reports 128 + 2), or by paw-tui's own handler with 130.
    expect(run.child.signalCode === 'SIGINT' || run.child.exitCode === 130, `${run.child.signalCode} ${run.child.exitCode}`).toBe(true);
    expect(took).toBeLessThan(1500);
    expect(run.stdout()).not.toContain('rendered base');
    expect((await readdir(stepDir)).sort()).toEqual(before);
    expect(existsSync(path.join(stepDir, 'base.pkr.hcl'))).toBe(false);
  }, 60_000);
});
