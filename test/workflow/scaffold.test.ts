import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { renderStep } from '../../src/workflow/render.js';
import { createStep, initWorkflow, previewStep } from '../../src/workflow/scaffold.js';
import { copyFixtureWorkflow, snapshot, tempDir } from './helpers.js';

const ANSWERS = {
  workflowId: 'wf-1',
  vpcName: 'dev-vpc',
  isDefaultVpc: 'false' as const,
  subnetName: 'dev/public/1',
  securityGroupName: 'dev/sg/ssh',
  ec2IamRoleName: 'ec2-role',
  awsTags: { team: 'platform', 'cost:center': '42' },
};

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return errorLine(e);
  }
  throw new Error('expected a failure');
}

describe('initWorkflow', () => {
  it('writes a commented workflow_param.json and a first step that load and render', async () => {
    const dir = path.join(await tempDir(), 'workflow');
    await initWorkflow(dir, { ...ANSWERS, rootBaseAmiId: 'ami-1', rootBaseAmiName: 'ubuntu/images/x' });
    const text = await readFile(path.join(dir, 'workflow_param.json'), 'utf8');
    expect(text).toMatch(/^\/\/ The workflow's shared params/);
    expect(text).toContain('"is_default_vpc": "false", // a string: "true" or "false"');
    const wf = await loadWorkflow(dir);
    expect(wf.param.aws_tags).toEqual({ team: 'platform', 'cost:center': '42' });
    expect(wf.param.profile_name).toBeNull();
    expect(wf.steps.map((s) => [s.id, s.folderName, s.previousId, s.manual])).toEqual([['step1', 'step1', null, false]]);
    const step = wf.steps[0]!;
    expect(await readFile(path.join(step.dir, '.gitignore'), 'utf8')).toBe(
      '# Files rendered by `paw-tui render` from templates/\n/step1*.pkr.hcl\n/step1*.pkrvars.hcl\n' +
        '# key pairs of manually launched instances\n*.pem\n' +
        "# paw-tui's own state: logs, runs, manual journal, render record\n.paw/\n",
    );
    expect((await stat(path.join(step.dir, 'zero_deps_script.py'))).mode & 0o111).not.toBe(0);
    const { files } = await renderStep(wf, step, { sourceAmiId: 'ami-1', sourceAmiName: 'ubuntu/images/x', region: 'eu-west-1' });
    expect(files.map((f) => path.basename(f))).toEqual(['step1.pkr.hcl', 'step1.pkrvars.hcl', 'step1.variables.pkr.hcl']);
    const vars = await readFile(path.join(step.dir, 'step1.pkrvars.hcl'), 'utf8');
    expect(vars).toContain('aws_region          = "eu-west-1"\n');
    expect(vars).toContain('output_ami_name     = "ubuntu/images/x/wf-1/step1"\n');
    const main = await readFile(path.join(step.dir, 'step1.pkr.hcl'), 'utf8');
    expect(main).toMatch(/^packer \{/);
    expect(main).toContain('associate_public_ip_address = true');
    expect(main).toContain('output     = ".paw/manifest.json"');
  });

  it('refuses a folder that already holds a workflow, writing nothing', async () => {
    const dir = await copyFixtureWorkflow();
    const before = await snapshot(dir);
    expect(await failure(initWorkflow(dir, ANSWERS))).toMatch(/already holds a workflow/);
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('createStep', () => {
  it('chains a new step to the last one by default, in the folder asked for', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const plan = await previewStep(wf, { id: 'tools', scaffold: 'step1', folder: 's04-tools' });
    expect(plan.previous).toBe('hardening');
    expect(plan.files.map((f) => f.path)).toEqual([
      'step_param.json',
      'README.md',
      '.gitignore',
      'templates/.pkr.hcl',
      'templates/.pkrvars.hcl',
      'templates/.variables.pkr.hcl',
      'zero_deps_script.py',
    ]);
    expect(existsSync(plan.dir)).toBe(false);
    await createStep(wf, { id: 'tools', scaffold: 'step1', folder: 's04-tools', metadata: { what_is_included: 'tools' } });
    const after = await loadWorkflow(dir);
    expect(after.steps.map((s) => s.id)).toEqual(['pyenv', 'app', 'hardening', 'tools']);
    expect(await readFile(path.join(dir, 's04-tools', 'step_param.json'), 'utf8')).toBe(
      '{\n    "step_id": "tools",\n    "previous_step_id": "hardening",\n    "metadata": {\n        "what_is_included": "tools"\n    }\n}\n',
    );
    const readme = await readFile(path.join(dir, 's04-tools', 'README.md'), 'utf8');
    expect(readme).toContain('Built on the AMI of step `hardening`.');
    expect(readme).toContain('{% raw %}built {{ timestamp }}{% endraw %}');
  });

  it('makes a manual step with no templates and a guide README', async () => {
    const dir = await copyFixtureWorkflow();
    await createStep(await loadWorkflow(dir), { id: 'final', scaffold: 'manual' });
    const wf = await loadWorkflow(dir);
    const step = wf.steps.at(-1)!;
    expect([step.id, step.manual, existsSync(path.join(step.dir, 'templates'))]).toEqual(['final', true, false]);
    expect(await readFile(path.join(step.dir, 'README.md'), 'utf8')).toContain('paw-tui manual launch');
  });

  it('refuses unsafe ids and folders, existing ones, unknown previous steps and forks — writing nothing', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const before = await snapshot(dir);
    expect(await failure(createStep(wf, { id: '../x', scaffold: 'step1' }))).toMatch(/^"\.\.\/x" is not a safe step id — /);
    expect(await failure(createStep(wf, { id: 'x', folder: '../x', scaffold: 'step1' }))).toMatch(/^"\.\.\/x" is not a safe folder name/);
    expect(await failure(createStep(wf, { id: 'app', scaffold: 'step1' }))).toMatch(/^step "app" already exists \(.*s02-app\/step_param\.json\)/);
    expect(await failure(createStep(wf, { id: 'x', folder: 's01-pyenv', scaffold: 'step1' }))).toMatch(/s01-pyenv already exists/);
    expect(await failure(createStep(wf, { id: 'x', previous: 'nope', scaffold: 'step1' }))).toMatch(/^no step "nope" to build on — steps: pyenv, app, hardening/);
    expect(await failure(createStep(wf, { id: 'x', previous: 'pyenv', scaffold: 'step1' }))).toMatch(
      /^step "app" already builds on "pyenv" .* — build on the last step: --previous hardening/,
    );
    expect(await failure(createStep(wf, { id: 'x', previous: null, scaffold: 'step1' }))).toMatch(/already the first step/);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('refuses a step whose output AMI name would pass 128 characters', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const before = await snapshot(dir);
    expect(await failure(createStep(wf, { id: 'x'.repeat(60), scaffold: 'step1' }))).toMatch(/^output AMI name is 1\d\d characters, EC2 allows at most 128/);
    expect(await snapshot(dir)).toEqual(before);
  });
});
