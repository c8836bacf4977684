import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { expectFailure, expectFilesUnchanged, filesOf, runCli, tempWorkflow, type FaultCase } from './harness.js';
import { editFile, firstBuiltStep } from './workflow-files.js';

export const templatesCases: FaultCase[] = [
  {
    name: 'an undefined top-level name in a template names the template, its line and the name; nothing rendered',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const template = path.join(step.dir, 'templates', '.pkrvars.hcl');
      const text = await editFile(template, (t) => t + 'extra = {{ no_such_key }}\n');
      const line = text.trimEnd().split('\n').length;
      const before = await filesOf(dir);
      const r = await runCli(['render', step.id, '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, new RegExp(`${step.folder}/templates/\\.pkrvars\\.hcl:${line}:\\d+: .*no_such_key`));
      await expectFilesUnchanged(dir, before);
    },
  },
  {
    name: 'a construct jinja2 would render otherwise stops render and validate at template:line:column, before Packer runs',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const template = path.join(step.dir, 'templates', '.pkrvars.hcl');
      const text = await editFile(template, (t) => t + 'tags = {{ builder.workflow_param.aws_tags | dump }}\n');
      const line = text.trimEnd().split('\n').length;
      const before = await filesOf(dir);
      const want = new RegExp(`^paw-tui: \\S*/${step.folder}/templates/\\.pkrvars\\.hcl:${line}:45: jinja2 has no filter named 'dump' — use tojson$`);
      for (const command of ['render', 'validate']) {
        const r = await runCli([command, step.id, '--workflow', dir, '--sandbox']);
        expectFailure(r, 1, want);
        expect(r.stdout).not.toMatch(/packer (init|validate)[^\n]*✓|✓ packer (init|validate)/);
      }
      await expectFilesUnchanged(dir, before);
    },
  },
  {
    name: 'a template with a block left open names the template; nothing rendered',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      await editFile(path.join(step.dir, 'templates', '.pkr.hcl'), (t) => t + '{% if builder.source_ami_id %}\n');
      const before = await filesOf(dir);
      const r = await runCli(['render', step.id, '--workflow', dir, '--sandbox']);
      expectFailure(r, 1, new RegExp(`${step.folder}/templates/\\.pkr\\.hcl.*(endif|end of file)`));
      await expectFilesUnchanged(dir, before);
    },
  },
  {
    name: 're-rendering never deletes a hand-written .pkr.hcl beside the rendered ones',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const hand = path.join(step.dir, 'hand-written.pkr.hcl');
      await writeFile(hand, '# kept by hand\n');
      for (let i = 0; i < 2; i++) {
        const r = await runCli(['render', step.id, '--workflow', dir, '--sandbox']);
        expect(r.code, r.stderr).toBe(0);
      }
      expect(await readFile(hand, 'utf8')).toBe('# kept by hand\n');
    },
  },
  {
    name: 'a param holding a quote and ${ cannot break the rendered HCL; packer validate accepts it',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const set = await runCli(['params', 'set', 'subnet_name', 'net "a" ${x}\\', '--workflow', dir]);
      expect(set.code, set.stderr).toBe(0);
      const r = await runCli(['validate', step.id, '--workflow', dir, '--sandbox']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const vars = await readFile(path.join(step.dir, `${step.id}.pkrvars.hcl`), 'utf8');
      expect(vars).toContain('"net \\"a\\" $${x}\\\\"');
    },
  },
];
