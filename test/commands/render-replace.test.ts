import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, errorLineOf, exampleWorkflow, fakePacker, paw, removeBuiltCopy } from '../aws/cli.js';

/**
 * A step folder holding an older rendering by the Python library (same names, other params):
 * headless commands refuse it in one line naming --force, and replace it only with --force.
 */
beforeAll(() => ensureBuilt());
afterAll(() => removeBuiltCopy());

function withOldRendering(): { wf: string; file: string } {
  const wf = exampleWorkflow();
  const file = path.join(wf, 's01-base', 'base.pkrvars.hcl');
  writeFileSync(file, 'source_ami_id = "ami-0aaaaaaaaaaaaaaaa"\n');
  return { wf, file };
}

describe('render and build over files the library rendered from older params', () => {
  it('render refuses in one line naming --force, then --force replaces and keeps the old text', async () => {
    const { wf, file } = withOldRendering();
    const refused = await paw(['--workflow', wf, 'render', 'base']);
    expect(refused.code).toBe(1);
    expect(errorLineOf(refused)).toMatch(
      /^paw-tui: \S*s01-base\/base\.pkrvars\.hcl differs from what the templates render now .*not replacing it — pass --force to replace/,
    );
    expect(readFileSync(file, 'utf8')).toBe('source_ami_id = "ami-0aaaaaaaaaaaaaaaa"\n');

    const forced = await paw(['--workflow', wf, 'render', 'base', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/base\.pkrvars\.hcl \(replaced; the old text is in \.paw\/replaced\/\)/);
    expect(readFileSync(file, 'utf8')).not.toContain('ami-0aaaaaaaaaaaaaaaa');
    expect(readFileSync(path.join(wf, 's01-base', '.paw', 'replaced', 'base.pkrvars.hcl'), 'utf8')).toBe('source_ami_id = "ami-0aaaaaaaaaaaaaaaa"\n');
  });

  it('a sandbox build stops at its render check, and goes on with --force', async () => {
    const { wf, file } = withOldRendering();
    const env = { PAW_SANDBOX_SPEED: '1000', PAW_PACKER: fakePacker() };
    const refused = await paw(['--sandbox', '--workflow', wf, '--yes', 'build', 'base', '--dry-run'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/base\.pkrvars\.hcl differs from what the templates render now .*pass --force/);
    expect(readFileSync(file, 'utf8')).toBe('source_ami_id = "ami-0aaaaaaaaaaaaaaaa"\n');
    const forced = await paw(['--sandbox', '--workflow', wf, '--yes', 'build', 'base', '--dry-run', '--force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('ami-0aaaaaaaaaaaaaaaa');
  });
});
