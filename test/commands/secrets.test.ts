import { statSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOf, requireBuiltCli, ROOT, runCli } from './packer-cli.js';

// Values paw-tui knows (params, environment) and values it can only recognise by their shape.
const PARAM_TOKEN = 'prm-7f3a9c1e55d2b08a4';
const ENV_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
const ENV_TOKEN = 'IQoJb3JpZ2luX2VjE' + 'Zx8'.repeat(60) + 'Qw==';
const ENV_GITHUB = 'envgh-5b1d8e3f0a7c9264';
const GITHUB_PAT = 'ghp_' + 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6';
const SLACK = 'xoxb-1234567890-abcdefABCDEF';
const PASSWORD = 'hunter2-plain';

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(path.join(entry.parentPath, entry.name));
  }
  return found;
}

describe('secrets never leave paw-tui unmasked', () => {
  beforeAll(() => requireBuiltCli());

  it('a build whose provisioner prints params, environment and token-shaped values: none in stdout, stderr or .paw/', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const paramFile = path.join(dir, 'workflow_param.json');
    await writeFile(
      paramFile,
      (await readFile(paramFile, 'utf8')).replace('"workflow_id": "paw-example",', `"workflow_id": "paw-example",\n    "github_token": "${PARAM_TOKEN}",`),
    );
    const template = path.join(dir, 's01-base', 'templates', '.pkr.hcl');
    const echoes = [
      `echo ${PARAM_TOKEN}`,
      `echo token in use: ${ENV_TOKEN.slice(0, 20)}${ENV_TOKEN.slice(20)}`,
      `echo bare ${ENV_SECRET} and ${ENV_GITHUB}`,
      `echo export TOKEN=${GITHUB_PAT}`,
      `echo slack ${SLACK}`,
      `echo login password=${PASSWORD}`,
      `echo Authorization: Bearer ${PASSWORD}`,
      `echo AWS_SECRET_ACCESS_KEY=${ENV_SECRET}`,
    ];
    await writeFile(
      template,
      (await readFile(template, 'utf8')).replace('      "lsblk",', `      "lsblk",\n${echoes.map((e) => `      ${JSON.stringify(e)},`).join('\n')}`),
    );
    const r = await runCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], {
      PAW_FAKE_PACKER_SPEED: '20',
      AWS_SECRET_ACCESS_KEY: ENV_SECRET,
      AWS_SESSION_TOKEN: ENV_TOKEN,
      GITHUB_TOKEN: ENV_GITHUB,
    });
    expect(r.code, r.stderr).toBe(0);
    // The provisioner's lines did reach the output, masked.
    expect(r.stdout).toContain('export TOKEN=[redacted]');
    expect(r.stdout).toContain('bare [redacted] and [redacted]');

    const secrets = [PARAM_TOKEN, ENV_SECRET, ENV_TOKEN, ENV_TOKEN.slice(0, 40), ENV_GITHUB, GITHUB_PAT, SLACK, PASSWORD];
    const files = [...(await filesUnder(path.join(dir, '.paw'))), ...(await filesUnder(path.join(dir, 's01-base', '.paw')))];
    const logs = files.filter((f) => f.includes(`${path.sep}logs${path.sep}`) && f.endsWith('.log'));
    expect(logs.map((f) => path.basename(f).replace(/^base-.*?(\.debug)?\.log$/, 'base$1.log')).sort()).toEqual(['base.debug.log', 'base.log']);
    const debugLog = await readFile(
      logs.find((f) => f.endsWith('.debug.log'))!,
      'utf8',
    );
    expect(debugLog).toContain('TOKEN=[redacted]');
    for (const [where, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
      ...(await Promise.all(files.map(async (f) => [f, await readFile(f, 'latin1')] as const))),
    ]) {
      for (const secret of secrets) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    }
    for (const log of logs) expect(statSync(log).mode & 0o777, log).toBe(0o600);
  }, 60_000);
});
