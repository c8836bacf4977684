// The sandbox state kept in memory: read once, parsed again only when another process wrote the
// file, every change on disk before it is acknowledged (a process killed -9 right after loses
// nothing).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SandboxStore, sandboxStatePath } from '../../src/sandbox/state.js';
import { writeFileAtomic } from '../../src/workflow/atomic.js';
import { ROOT_AMI_ID, openCloud, workflowDir } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

const onDisk = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { images: Record<string, { tags: Record<string, string> }> };

describe('sandbox state in memory', () => {
  it('answers reads without parsing the file again while nobody else writes it', async () => {
    const dir = await workflowDir();
    await (await openCloud(dir)).close();
    const store = new SandboxStore(sandboxStatePath(dir));
    await store.read();
    const parse = vi.spyOn(JSON, 'parse');
    for (let i = 0; i < 50; i++) await store.read();
    await store.update((s) => void (s.images[ROOT_AMI_ID]!.tags.mine = 'yes'));
    expect((await store.read()).images[ROOT_AMI_ID]!.tags.mine).toBe('yes');
    expect(parse).not.toHaveBeenCalled();
    expect(onDisk(store.file).images[ROOT_AMI_ID]!.tags.mine).toBe('yes');
  });

  it('reads again what another process wrote, and changes on top of it', async () => {
    const dir = await workflowDir();
    await (await openCloud(dir)).close();
    const store = new SandboxStore(sandboxStatePath(dir));
    await store.read();
    // Another process's write: a new file renamed into place.
    const theirs = onDisk(store.file);
    theirs.images[ROOT_AMI_ID]!.tags.theirs = 'yes';
    await writeFileAtomic(store.file, JSON.stringify(theirs));
    expect((await store.read()).images[ROOT_AMI_ID]!.tags.theirs).toBe('yes');
    await store.update((s) => void (s.images[ROOT_AMI_ID]!.tags.mine = 'yes'));
    expect(onDisk(store.file).images[ROOT_AMI_ID]!.tags).toMatchObject({ theirs: 'yes', mine: 'yes' });
  });

  it('forgets a refused change that touched the state before it threw', async () => {
    const dir = await workflowDir();
    await (await openCloud(dir)).close();
    const store = new SandboxStore(sandboxStatePath(dir));
    await expect(
      store.update((s) => {
        s.images[ROOT_AMI_ID]!.tags.half = 'done';
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await store.read()).images[ROOT_AMI_ID]!.tags.half).toBeUndefined();
  });

  it('has every acknowledged change on disk when its process is killed -9 right after', async () => {
    const dir = await workflowDir();
    await (await openCloud(dir)).close();
    const file = sandboxStatePath(dir);
    // A process of its own that changes the state one tag at a time and says so after each.
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'paw-state-writer-')), 'writer.mjs');
    await build({
      stdin: {
        contents: `import { SandboxStore } from ${JSON.stringify(path.resolve('src/sandbox/state.ts'))};
          const store = new SandboxStore(process.argv[2]);
          for (let i = 0; ; i++) {
            await store.update((s) => void (s.images[${JSON.stringify(ROOT_AMI_ID)}].tags['k' + i] = String(i)));
            process.stdout.write('acked ' + i + '\\n');
          }`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'warning',
    });
    const child = spawn(process.execPath, [out, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = -1;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        for (const m of d.toString().matchAll(/acked (\d+)/g)) acked = Math.max(acked, Number(m[1]));
        if (acked >= 20) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    const tags = onDisk(file).images[ROOT_AMI_ID]!.tags;
    for (let i = 0; i <= acked; i++) expect(tags[`k${i}`]).toBe(String(i));
    // This process, holding an older version in memory, sees them too.
    expect((await new SandboxStore(file).read()).images[ROOT_AMI_ID]!.tags[`k${acked}`]).toBe(String(acked));
  });
});
