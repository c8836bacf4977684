// `--version` and `--help` alone are answered by dist/cli.js before commander and the app load.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dist = path.resolve('dist');
const run = (cli: string, args: string[]) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('early answers', () => {
  // dist/cli.js and help.txt alone, without the chunks that hold commander and the app: an
  // answer that needed them would fail to load here.
  const alone = mkdtempSync(path.join(os.tmpdir(), 'paw-start-'));
  copyFileSync(path.join(dist, 'cli.js'), path.join(alone, 'cli.js'));
  copyFileSync(path.join(dist, 'help.txt'), path.join(alone, 'help.txt'));
  afterAll(() => rmSync(alone, { recursive: true, force: true }));

  it('answers --version and -V with the package version, loading nothing else', () => {
    expect(run(path.join(alone, 'cli.js'), ['--version'])).toBe(`${version}\n`);
    expect(run(path.join(alone, 'cli.js'), ['-V'])).toBe(`${version}\n`);
    expect(run(path.join(dist, 'cli.js'), ['--version'])).toBe(`${version}\n`);
  });

  it('ends quietly when the reader of its answer has gone (a closed pipe)', async () => {
    const child = spawn(process.execPath, [path.join(dist, 'cli.js'), '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it("answers --help (and help) with commander's own help, loading nothing else", () => {
    const full = run(path.join(dist, 'cli.js'), ['--sandbox', '--help']);
    expect(full).toContain('Usage: paw-tui');
    expect(full).toMatch(/Commands:[\s\S]*build/);
    expect(run(path.join(alone, 'cli.js'), ['--help'])).toBe(full);
    expect(run(path.join(alone, 'cli.js'), ['-h'])).toBe(full);
    expect(run(path.join(alone, 'cli.js'), ['help'])).toBe(full);
  });
});
