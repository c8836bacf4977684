import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleWorkflowDir } from '../../src/paths.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { outputAmiName } from '../../src/workflow/names.js';
import { renderStep } from '../../src/workflow/render.js';
import { tempDir } from './helpers.js';

describe('the bundled example workflow', () => {
  it('is a chain base → app → hardening (manual), in folders named apart from the ids', async () => {
    const wf = await loadWorkflow(exampleWorkflowDir());
    expect(wf.steps.map((s) => [s.folderName, s.id, s.previousId, s.manual])).toEqual([
      ['s01-base', 'base', null, false],
      ['s02-app', 'app', 'base', false],
      ['s03-hardening', 'hardening', 'app', true],
    ]);
    expect(await readFile(wf.paramPath, 'utf8')).toMatch(/\/\/ .*\n[\s\S]*# written by `paw-tui base-ami`/);
  });

  it('renders both Packer steps', async () => {
    const dir = path.join(await tempDir(), 'workflow');
    await cp(exampleWorkflowDir(), dir, { recursive: true });
    const wf = await loadWorkflow(dir);
    for (const step of wf.steps.filter((s) => !s.manual)) {
      const { files } = await renderStep(wf, step, { sourceAmiId: 'ami-0123', sourceAmiName: 'x', region: 'us-east-1' });
      expect(files).toHaveLength(3);
      const vars = await readFile(path.join(step.dir, `${step.id}.pkrvars.hcl`), 'utf8');
      expect(vars).toContain(`output_ami_name     = "${outputAmiName(wf, step)}"`);
    }
  });
});
