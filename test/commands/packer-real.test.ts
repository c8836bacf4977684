import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { realPacker } from '../packer/real-packer.js';
import { copyOf, requireBuiltCli, ROOT, runCli } from './packer-cli.js';

const packer = realPacker();
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'packer');

beforeAll(() => requireBuiltCli());

const version = packer ? /v(\d+)\.(\d+)/.exec(execFileSync(packer, ['version'], { encoding: 'utf8' })) : null;
const before17 = version !== null && (Number(version[1]) < 1 || (Number(version[1]) === 1 && Number(version[2]) < 7));

describe.skipIf(!packer)('headless commands with the real Packer (null source, sandbox cloud)', () => {
  it('validate on the example workflow: the installed Packer accepts the rendered step', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const r = await runCli(['--workflow', dir, '--sandbox', 'validate', 'base'], { PAW_PACKER: packer! });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ packer validate: the configuration is valid');
  });

  it.skipIf(!before17)('a template that always declares required_plugins, with Packer < 1.7: says it needs 1.7', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const { readFile, writeFile } = await import('node:fs/promises');
    const tpl = path.join(dir, 's01-base', 'templates', '.pkr.hcl');
    await writeFile(tpl, (await readFile(tpl, 'utf8')).replace('{% if builder.packer.required_plugins -%}', '{% if true -%}'));
    const r = await runCli(['--workflow', dir, '--sandbox', 'validate', 'base'], { PAW_PACKER: packer! });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^- packer init: not run: Packer 1\.6\.\d+ has no init \(required_plugins needs 1\.7 or later\)$/m);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^paw-tui: packer validate failed: Error: Unsupported block type .* — Packer 1\.6\.\d+ does not know required_plugins: install Packer 1\.7 or later/,
      ),
    ]);
  });

  it('validate: prints the checks and says the configuration is valid', async () => {
    const dir = await copyOf(path.join(FIXTURES, 'wf-noami'));
    const r = await runCli(['--workflow', dir, '--sandbox', 'validate', 'local'], { PAW_PACKER: packer! });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ Packer installed: packer 1\.\d+\.\d+ \(.*packer\)$/m);
    expect(r.stdout).toContain('✓ packer validate: the configuration is valid');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('step local: the Packer configuration is valid');
    expect(r.stdout).not.toContain('build command');
  });

  it('validate: a template Packer rejects gives its error in one line and exit 1', async () => {
    const dir = await copyOf(path.join(FIXTURES, 'wf-noami'));
    const { appendFile } = await import('node:fs/promises');
    await appendFile(path.join(dir, 's01', 'templates', '.pkr.hcl'), '\nbuild {\n  sources = ["source.null.missing"]\n}\n');
    const r = await runCli(['--workflow', dir, '--sandbox', 'validate', 'local'], { PAW_PACKER: packer! });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ packer validate: packer validate failed:');
    expect(r.stderr.trim().split('\n')).toEqual(['paw-tui: packer validate failed: Error: Unknown source null.missing']);
  });

  it('Packer succeeds but no manifest and no AMI in its output: one line, exit 1', async () => {
    const dir = await copyOf(path.join(FIXTURES, 'wf-noami'));
    const r = await runCli(['--workflow', dir, '--sandbox', 'build', 'local', '--yes'], { PAW_PACKER: packer! });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('    null.local: building ');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^paw-tui: Packer exited 0 but no AMI was found: no manifest, no AMI id in its output, and no AMI named .*\/wf-noami\/local in this account — /,
      ),
    ]);
  });
});
