import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, copyFixtureWorkflow, snapshot, tempDir } from '../workflow/helpers.js';
import { ensureBuilt, errorLineOf, paw, repoRoot } from './workflow-cli.js';

beforeAll(ensureBuilt, 120_000);

/** A private copy of the Python-library fixture; commands run from its parent folder. */
async function fixture(): Promise<{ dir: string; cwd: string }> {
  const dir = await copyFixtureWorkflow();
  return { dir, cwd: path.dirname(dir) };
}

describe('paw-tui steps', () => {
  it('lists the chain of a Python-library workflow, as text and as JSON', async () => {
    const { cwd } = await fixture();
    const text = await paw(['steps', '--offline'], cwd);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      'workflow paw-2024-06-13-12-00-00 (workflow): pyenv → app → hardening\n' +
        '   1. pyenv      s01-pyenv      packer  first step\n' +
        '   2. app        s02-app        packer  after pyenv\n' +
        '   3. hardening  s03-hardening  manual  after app\n',
    );
    // Without credentials the chain is still listed; the states say why they are unknown.
    const noCloud = await paw(['steps'], cwd);
    expect(noCloud.code).toBe(0);
    expect(noCloud.stdout).toContain('   3. hardening  s03-hardening  manual  after app\nstate unknown: no AWS credentials');
    const json = JSON.parse((await paw(['steps', '--json'], cwd)).stdout);
    expect(json.steps[0].state).toBe('unknown');
    expect(json.steps.map((s: { id: string; folder: string }) => `${s.folder}:${s.id}`)).toEqual(['s01-pyenv:pyenv', 's02-app:app', 's03-hardening:hardening']);
    expect(json.steps[1].output_ami_name).toBe('ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/paw-2024-06-13-12-00-00/app');
  });

  it('malformed JSON: one line with path:line:col, exit 1', async () => {
    const { dir, cwd } = await fixture();
    const file = path.join(dir, 's02-app', 'step_param.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"previous_step_id": "pyenv",', '"previous_step_id": "pyenv"'));
    const r = await paw(['steps'], cwd);
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toMatch(/^paw-tui: workflow\/s02-app\/step_param\.json:5:5: expected "," between entries — /);
  });

  it('an unknown previous step: one line naming the file, exit 1', async () => {
    const { dir, cwd } = await fixture();
    const file = path.join(dir, 's02-app', 'step_param.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"previous_step_id": "pyenv"', '"previous_step_id": "pyenv2"'));
    const r = await paw(['steps'], cwd);
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe(
      'paw-tui: workflow/s02-app/step_param.json: previous_step_id "pyenv2" is not a step of this workflow — known steps: pyenv, app, hardening',
    );
  });
});

describe('paw-tui params', () => {
  it('set changes one value and leaves every other byte, comments included', async () => {
    const { dir, cwd } = await fixture();
    const file = path.join(dir, 'workflow_param.json');
    const before = await readFile(file);
    const r = await paw(['params', 'set', 'aws_tags.bus:owner', 'Platform Team'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('aws_tags.bus:owner = "Platform Team" (workflow/workflow_param.json)\n');
    const expected = Buffer.from(before.toString('utf8').replace('"bus:owner": "Sanhe Hu"', '"bus:owner": "Platform Team"'));
    expect((await readFile(file)).equals(expected)).toBe(true);
    expect((await paw(['params', 'get', 'aws_tags.bus:owner'], cwd)).stdout).toBe('Platform Team\n');
  });

  it('set --step edits step_param.json; text stays text ("3" not 3), JSON is read as JSON', async () => {
    const { dir, cwd } = await fixture();
    const file = path.join(dir, 's02-app', 'step_param.json');
    const before = await readFile(file, 'utf8');
    expect((await paw(['params', 'set', 'metadata.install_docker', 'yes', '--step', 'app'], cwd)).code).toBe(0);
    expect((await paw(['params', 'set', 'metadata.what_is_included', '3', '--step', 'app'], cwd)).code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(before.replace('"install_docker": "no"', '"install_docker": "yes"').replace('"the app and its service"', '"3"'));
    const wf = path.join(dir, 'workflow_param.json');
    expect((await paw(['params', 'set', 'profile_name', 'null'], cwd)).code).toBe(0);
    expect(await readFile(wf, 'utf8')).toContain('"profile_name": null,');
  });

  it('get masks keys and tokens unless --reveal; set does not echo them', async () => {
    const { cwd } = await fixture();
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const set = await paw(['params', 'set', 'aws_secret_access_key', secret], cwd);
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('aws_secret_access_key = "[redacted]" (workflow/workflow_param.json)\n');
    expect((await paw(['params', 'get', 'aws_secret_access_key'], cwd)).stdout).toBe('[redacted]\n');
    const all = await paw(['params', 'get', '--json'], cwd);
    expect(JSON.parse(all.stdout)).toMatchObject({ aws_secret_access_key: '[redacted]', workflow_id: 'paw-2024-06-13-12-00-00' });
    expect(all.stdout).not.toContain(secret);
    expect((await paw(['params', 'get', 'aws_secret_access_key', '--reveal'], cwd)).stdout).toBe(`${secret}\n`);
  });

  it('a value that breaks the schema is refused: one line, exit 2, bytes unchanged', async () => {
    const { dir, cwd } = await fixture();
    const before = await snapshot(dir);
    const r = await paw(['params', 'set', 'is_default_vpc', 'maybe'], cwd);
    expect(r.code).toBe(2);
    expect(errorLineOf(r)).toMatch(
      /^paw-tui: not changed: the edit would make it invalid: workflow\/workflow_param\.json:7:23: "is_default_vpc" must be "true" or "false"/,
    );
    const cycle = await paw(['params', 'set', 'previous_step_id', 'hardening', '--step', 'pyenv'], cwd);
    expect(cycle.code).toBe(2);
    expect(errorLineOf(cycle)).toMatch(/the steps form a cycle: /);
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('paw-tui render', () => {
  it('renders the first step from the root base AMI, byte for byte as jinja2', async () => {
    const { dir, cwd } = await fixture();
    const r = await paw(['render', 'pyenv'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      'rendered pyenv on ami-0975ad60e5054592a (ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607), region us-east-1:',
    );
    for (const name of ['pyenv.pkr.hcl', 'pyenv.pkrvars.hcl', 'pyenv.variables.pkr.hcl']) {
      const actual = await readFile(path.join(dir, 's01-pyenv', name));
      expect(actual.equals(await readFile(path.join(FIXTURE, 'expected', 's01-pyenv', name))), name).toBe(true);
    }
  });

  it('renders a later step on the AMI given by flags', async () => {
    const { dir, cwd } = await fixture();
    const name = 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/paw-2024-06-13-12-00-00/pyenv';
    const r = await paw(['render', 'app', '--source-ami-id', 'ami-0123456789abcdef0', '--source-ami-name', name, '--json'], cwd);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).files).toHaveLength(3);
    const actual = await readFile(path.join(dir, 's02-app', 'app.pkr.hcl'), 'utf8');
    expect(actual).toBe(await readFile(path.join(FIXTURE, 'expected', 's02-app', 'app.pkr.hcl'), 'utf8'));
  });

  it('a later step without flags asks the catalog (here the sandbox) and says how to go on', async () => {
    const { dir, cwd } = await fixture();
    const r = await paw(['render', 'app', '--sandbox'], cwd);
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toMatch(/^paw-tui: step pyenv has no AMI recorded .* — .*paw-tui build pyenv.*--source-ami-id <ami-…> --source-ami-name <name>$/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(dir, 's02-app', 'app.pkr.hcl'))).toBe(false);
  });

  it('an undefined top-level template name: template, line and name; exit 1; nothing written', async () => {
    const { dir, cwd } = await fixture();
    const template = path.join(dir, 's01-pyenv', 'templates', '.pkrvars.hcl');
    await writeFile(template, (await readFile(template, 'utf8')) + 'extra = "{{ no_such_name }}"\n');
    const before = await snapshot(dir);
    const r = await paw(['render', 'pyenv'], cwd);
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toMatch(/^paw-tui: workflow\/s01-pyenv\/templates\/\.pkrvars\.hcl:7:\d+: no_such_name is undefined — /);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('an include of an absolute path: one line naming the template; exit 1', async () => {
    const { dir, cwd } = await fixture();
    const template = path.join(dir, 's01-pyenv', 'templates', '.pkrvars.hcl');
    await writeFile(template, '{% include "/etc/hostname" %}\n');
    const r = await paw(['render', 'pyenv'], cwd);
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toMatch(/^paw-tui: workflow\/s01-pyenv\/templates\/\.pkrvars\.hcl:1: include "\/etc\/hostname" is an absolute path/);
  });

  it('an output AMI name over 128 characters: exit 1, nothing written', async () => {
    const { dir, cwd } = await fixture();
    const file = path.join(dir, 'workflow_param.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"paw-2024-06-13-12-00-00"', `"${'w'.repeat(64)}"`));
    const before = await snapshot(dir);
    const r = await paw(['render', 'pyenv'], cwd);
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toMatch(/^paw-tui: output AMI name is 133 characters, EC2 allows at most 128: /);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('renders the example step1 scaffold for the Packer installed here', async () => {
    const cwd = await tempDir();
    const { cp } = await import('node:fs/promises');
    const { execFileSync } = await import('node:child_process');
    await cp(path.join(repoRoot, 'workflow'), path.join(cwd, 'workflow'), { recursive: true });
    const r = await paw(['render', 'base'], cwd);
    expect(r.code).toBe(0);
    let version: string | undefined;
    try {
      version = /(\d+\.\d+)\.\d+/.exec(execFileSync('packer', ['version'], { encoding: 'utf8' }))?.[1];
    } catch {
      version = undefined;
    }
    const main = await readFile(path.join(cwd, 'workflow', 's01-base', 'base.pkr.hcl'), 'utf8');
    // Packer 1.6 refuses `required_plugins`; any other (or none found) gets the block.
    expect(main.startsWith(version === '1.6' ? 'source "amazon-ebs" "ubuntu" {' : 'packer {\n  required_plugins {')).toBe(true);
  });

  it('a manual step has nothing to render', async () => {
    const { cwd } = await fixture();
    const r = await paw(['render', 'hardening'], cwd);
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe('paw-tui: step "hardening" is a manual step: it has no templates to render — use: paw-tui manual hardening');
  });
});

describe('paw-tui step new', () => {
  it('creates a chained step in its own folder', async () => {
    const { dir, cwd } = await fixture();
    const r = await paw(['step', 'new', 'tools', '--folder', 's04-tools', '--meta', 'what_is_included=tools'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('created step tools in workflow/s04-tools (after hardening, scaffold step1)');
    expect((await paw(['steps', '--json'], cwd)).stdout).toContain('"folder": "s04-tools"');
    expect(JSON.parse(await readFile(path.join(dir, 's04-tools', 'step_param.json'), 'utf8'))).toEqual({
      step_id: 'tools',
      previous_step_id: 'hardening',
      metadata: { what_is_included: 'tools' },
    });
  });

  it('refuses ../x, an existing id and an unknown scaffold: one line, exit 2 or 1, nothing written', async () => {
    const { dir, cwd } = await fixture();
    const before = await snapshot(path.dirname(dir));
    const unsafe = await paw(['step', 'new', '../x'], cwd);
    expect(unsafe.code).toBe(2);
    expect(errorLineOf(unsafe)).toMatch(/^paw-tui: "\.\.\/x" is not a safe step id — /);
    const folder = await paw(['step', 'new', 'x', '--folder', '../x'], cwd);
    expect(errorLineOf(folder)).toMatch(/^paw-tui: "\.\.\/x" is not a safe folder name/);
    const taken = await paw(['step', 'new', 'app'], cwd);
    expect(taken.code).toBe(1);
    expect(errorLineOf(taken)).toMatch(/^paw-tui: step "app" already exists/);
    const scaffold = await paw(['step', 'new', 'x', '--scaffold', 'nope'], cwd);
    expect(scaffold.code).toBe(2);
    expect(await snapshot(path.dirname(dir))).toEqual(before);
  });
});

describe('paw-tui init', () => {
  it('without a terminal takes flags, and the new workflow works at once', async () => {
    const cwd = await tempDir();
    const r = await paw(
      [
        'init',
        '--workflow-id',
        'wf-ci',
        '--vpc-name',
        'v',
        '--subnet-name',
        's',
        '--security-group-name',
        'g',
        '--ec2-iam-role-name',
        'r',
        '--region',
        'eu-west-1',
        '--tag',
        'team=x',
      ],
      cwd,
    );
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('created workflow wf-ci in workflow');
    expect(r.stdout).toContain('next: pick the root base AMI with: paw-tui base-ami --write');
    const steps = await paw(['steps'], cwd);
    expect(steps.stdout).toContain('workflow wf-ci (workflow): step1');
    expect((await paw(['params', 'get', 'region_name'], cwd)).stdout).toBe('eu-west-1\n');
    const render = await paw(['render', 'step1'], cwd);
    expect(render.code).toBe(1);
    expect(errorLineOf(render)).toBe('paw-tui: workflow_param.json has no root base AMI yet — pick one with: paw-tui base-ami --write');
  });

  it('without a terminal and without flags names the missing flags, exit 2, writes nothing', async () => {
    const cwd = await tempDir();
    const r = await paw(['init', '--workflow-id', 'wf'], cwd);
    expect(r.code).toBe(2);
    expect(errorLineOf(r)).toMatch(/^paw-tui: no terminal to ask on: give --vpc-name <value> --subnet-name <value> /);
    expect(await snapshot(cwd)).toEqual({});
  });
});
