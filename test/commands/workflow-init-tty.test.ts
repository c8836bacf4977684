import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as pty from 'node-pty';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../workflow/helpers.js';
import { ensureBuilt, repoRoot } from './workflow-cli.js';

beforeAll(ensureBuilt, 120_000);

describe('paw-tui init on a terminal', () => {
  it('asks for what the flags left out (@inquirer/prompts) and writes the answers', async () => {
    const cwd = await tempDir();
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_') && !k.startsWith('PAW_')) env[k] = v;
    env.NO_COLOR = '1';
    const term = pty.spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'init', '--workflow-id', 'wf-tty', '--tag', 'team=x'], {
      cwd,
      env,
      cols: 120,
      rows: 30,
    });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    const waitFor = async (text: string) => {
      const start = Date.now();
      while (!screen.includes(text)) {
        if (Date.now() - start > 10_000) throw new Error(`no "${text}" on screen:\n${screen}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const answers: [string, string][] = [
      ['Name tag of the VPC', 'dev-vpc\r'],
      ['Is it the default VPC?', '\r'],
      ['Name tag of a public subnet', 'dev/public/1\r'],
      ['Name tag of a security group', 'dev/sg/ssh\r'],
      ['Instance profile', 'ec2-role\r'],
    ];
    for (const [question, answer] of answers) {
      await waitFor(question);
      term.write(answer);
    }
    expect(await exited).toBe(0);
    expect(screen).toContain('created workflow wf-tty in workflow');
    const text = await readFile(path.join(cwd, 'workflow', 'workflow_param.json'), 'utf8');
    expect(text).toContain('"vpc_name": "dev-vpc",');
    expect(text).toContain('"is_default_vpc": "false", // a string: "true" or "false"');
    expect(text).toContain('"subnet_name": "dev/public/1",');
    expect(text).toContain('"ec2_iam_role_name": "ec2-role",');
    expect(text).toContain('"team": "x"');
  });
});
