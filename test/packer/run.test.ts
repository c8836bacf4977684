import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArgs, findPacker } from '../../src/packer/find.js';
import { readManifest } from '../../src/packer/manifest.js';
import { startPackerRun } from '../../src/packer/run.js';
import { fixtureCopy } from './fixtures.js';
import { realPacker } from './real-packer.js';

const packer = realPacker();
const screen = (lines: { text: string }[][]) => lines.map((l) => l.map((s) => s.text).join(''));

describe.skipIf(!packer)('a packer build with the real Packer and the null source', () => {
  it('streams lines live, resolves progress lines, writes the log, journal and manifest', async () => {
    const dir = await fixtureCopy('null-ok');
    const bin = await findPacker({ PATH: path.dirname(packer!) });
    const run = await startPackerRun({
      packer: bin,
      workflowId: 'wf',
      stepId: 'nullok',
      stepDir: dir,
      args: buildArgs(dir, [path.join(dir, 'null-ok.pkrvars.hcl')], 'cleanup'),
      cols: 100,
      rows: 20,
    });
    // Written before Packer starts.
    const before = JSON.parse(await readFile(run.journal.file, 'utf8'));
    expect(before).toMatchObject({ stepId: 'nullok', status: 'running', pid: process.pid });

    // The first provisioner line shows while Packer still sleeps: output is not held back.
    await new Promise<void>((resolve) => {
      const off = run.terminal.onChange(() => {
        if (screen(run.terminal.view(0, 20)).some((l) => l.includes('greeting: from the var file'))) {
          off();
          resolve();
        }
      });
    });
    expect(run.terminal.exit).toBeNull();
    expect(screen(run.terminal.view(0, 20)).join('\n')).not.toContain('provisioned');

    const exit = await run.exited;
    await run.closeLogs();
    expect(exit.exitCode).toBe(0);
    const shown = screen(run.terminal.view(0, 40));
    expect(shown).toContain('    null.first: downloaded 100%');
    expect(shown.join('\n')).not.toContain('downloading 60%');
    expect(run.output.builds).toEqual(['null.first', 'null.second']);
    expect(run.output.phases.map((p) => p.message)).toContain('Running post-processor:  (type manifest)');
    expect(run.output.buildLines('null.second').join('\n')).toContain('null.second: provisioned');
    expect(run.output.buildLines('null.second').join('\n')).not.toContain('null.first');

    const log = await readFile(run.paths.log, 'utf8');
    expect(log).toContain('    null.first: downloaded 100%');
    expect(log).not.toMatch(/\x1b\[/);
    expect(log).not.toContain('\r');
    expect(log).toContain('packer exited with code 0');
    expect(await readFile(run.paths.debugLog, 'utf8')).toMatch(/\[INFO\] Packer version: 1\./);
    expect((await stat(run.paths.debugLog)).mode & 0o777).toBe(0o600);
    expect((await stat(run.paths.log)).mode & 0o777).toBe(0o600);

    const manifest = await readManifest(run.manifestFile);
    expect(manifest?.map((b) => b.name).sort()).toEqual(['first', 'second']);
    expect(manifest?.every((b) => b.builderType === 'null' && b.amis.length === 0)).toBe(true);
    run.terminal.dispose();
  });

  it('reports a failing provisioner: exit 1 and its error in the log', async () => {
    const dir = await fixtureCopy('null-fail');
    const run = await startPackerRun({
      packer: await findPacker({ PATH: path.dirname(packer!) }),
      workflowId: 'wf',
      stepId: 'nullfail',
      stepDir: dir,
      args: buildArgs(dir, [], 'cleanup'),
      cols: 100,
      rows: 20,
    });
    const exit = await run.exited;
    await run.closeLogs();
    expect(exit.exitCode).toBe(1);
    expect(run.output.errors).toEqual([expect.stringContaining('null.broken: Script exited with non-zero exit status: 3')]);
    const log = await readFile(run.paths.log, 'utf8');
    expect(log).toContain('apt-get: unable to locate package nonexistent-package');
    expect(log).toContain('packer exited with code 1');
    run.terminal.dispose();
  });
});
