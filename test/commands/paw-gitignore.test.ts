import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, exampleWorkflow, fakePacker, paw, removeBuiltCopy } from '../aws/cli.js';

/**
 * A team's workflow repository as the Python library left it: step `.gitignore`s that ignore the
 * rendered files and keys, but know nothing of `.paw/`. paw-tui's state must not show up in
 * their `git status`.
 */

let wf: string;
let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
const run = (...args: string[]) =>
  paw(['--sandbox', '--workflow', wf, ...args], {
    PAW_SANDBOX_SPEED: '1000',
    PAW_PACKER: fakePacker(),
  });

beforeAll(() => {
  ensureBuilt();
  wf = exampleWorkflow();
  repo = path.dirname(wf);
  for (const folder of readdirSync(wf)) {
    const ignore = path.join(wf, folder, '.gitignore');
    try {
      const lines = readFileSync(ignore, 'utf8').split('\n');
      writeFileSync(ignore, lines.filter((l) => !l.includes('.paw') && !l.includes("paw-tui's own state")).join('\n'));
    } catch {
      // not a step folder
    }
  }
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'workflow');
});
afterAll(removeBuiltCopy);

describe('.paw/ folders carry a .gitignore of *', () => {
  it('leaves git status empty after a sandbox build, a render and a manual launch', async () => {
    expect(readFileSync(path.join(wf, 's01-base', '.gitignore'), 'utf8')).not.toContain('.paw');
    const build = await run('--yes', 'build', 'base');
    expect(build.code, build.stderr).toBe(0);
    const render = await run('render', 'app');
    expect(render.code, render.stderr).toBe(0);
    const rootAmi = /"root_base_ami_id":\s*"([^"]+)"/.exec(readFileSync(path.join(wf, 'workflow_param.json'), 'utf8'))![1]!;
    const record = await run('--yes', 'record', 'app', '--ami', rootAmi);
    expect(record.code, record.stderr).toBe(0);
    const launch = await run('--yes', 'manual', 'hardening', 'launch');
    expect(launch.code, launch.stderr).toBe(0);

    for (const folder of ['.', 's01-base', 's02-app', 's03-hardening']) {
      expect(readFileSync(path.join(wf, folder, '.paw', '.gitignore'), 'utf8')).toBe('*\n');
    }
    expect(readdirSync(path.join(wf, 's03-hardening', '.paw'))).toContain('manual.json');
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});
