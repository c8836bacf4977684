// Following Packer's debug log (PACKER_LOG_PATH): only new bytes, whole lines, redacted before
// they are kept or copied, the last lines only.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tailDebugLog } from '../../src/packer/debug-tail.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function folder(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'paw-debug-tail-'));
  dirs.push(d);
  return d;
}

describe('tailDebugLog', () => {
  it('keeps whole lines, redacted, and copies them redacted to the run log', async () => {
    const dir = folder();
    const file = path.join(dir, 'packer.log');
    const copy = path.join(dir, 'run.debug.log');
    writeFileSync(file, '2026/12/01 packer: starting\r\n2026/12/01 password=hunter2x in');
    const tail = tailDebugLog(file, { intervalMs: 60_000, copyTo: copy });
    let changes = 0;
    tail.onChange(() => changes++);
    await tail.finish();
    expect(tail.lines()).toEqual(['2026/12/01 packer: starting', '2026/12/01 password=[redacted] in']);
    expect(changes).toBe(1);
    const copied = readFileSync(copy, 'utf8');
    expect(copied).not.toContain('hunter2x');
    expect(copied).toBe('2026/12/01 packer: starting\n2026/12/01 password=[redacted] in\n');
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    tail.dispose();
  });

  it('reads only what was appended, and a half line waits for its end', async () => {
    const dir = folder();
    const file = path.join(dir, 'packer.log');
    writeFileSync(file, 'one\ntw');
    const tail = tailDebugLog(file, { intervalMs: 60_000 });
    // finish() reads what is there, then the rest of a half line as a line of its own; a tail
    // still following keeps the half line back: read it through a second tail.
    const following = tailDebugLog(file, { intervalMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    expect(following.lines()).toEqual(['one']);
    appendFileSync(file, 'o\nthree\n');
    const deadline = Date.now() + 5_000;
    while (following.lines().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(following.lines()).toEqual(['one', 'two', 'three']);
    following.dispose();
    await tail.finish();
    expect(tail.lines()).toEqual(['one', 'two', 'three']);
    tail.dispose();
  });

  it('keeps the last maxLines lines, and starts again when the file is replaced by a shorter one', async () => {
    const dir = folder();
    const file = path.join(dir, 'packer.log');
    writeFileSync(file, Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const tail = tailDebugLog(file, { intervalMs: 60_000, maxLines: 10 });
    await tail.finish();
    expect(tail.lines()).toHaveLength(10);
    expect(tail.lines()[0]).toBe('line 40');
    expect(tail.lines().at(-1)).toBe('line 49');
    writeFileSync(file, 'fresh\n');
    await tail.finish();
    expect(tail.lines().at(-1)).toBe('fresh');
    tail.dispose();
  });

  it('waits for a file that does not exist yet', async () => {
    const dir = folder();
    const tail = tailDebugLog(path.join(dir, 'later.log'), { intervalMs: 60_000 });
    await tail.finish();
    expect(tail.lines()).toEqual([]);
    tail.dispose();
  });
});
