import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/workflow/atomic.js';

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file behind', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paw-atomic-'));
    const file = path.join(dir, 'state.json');
    await writeFile(file, 'old');
    await writeFileAtomic(file, 'new text');
    expect(await readFile(file, 'utf8')).toBe('new text');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('sets the mode asked for (a .pem must be 0600)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paw-atomic-'));
    const file = path.join(dir, 'key.pem');
    await writeFileAtomic(file, 'secret', 0o600);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('writes nothing when the folder does not exist', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paw-atomic-'));
    await expect(writeFileAtomic(path.join(dir, 'missing', 'x.json'), '{}')).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });
});
