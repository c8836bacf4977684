import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// The disk is full when the sandbox catalog writes where its server listens.
vi.mock('../../src/workflow/atomic.js', async (original) => {
  const real = await original<typeof import('../../src/workflow/atomic.js')>();
  return {
    ...real,
    writeFileAtomic: (file: string, ...rest: [string, number?]) =>
      file.endsWith('dynamodb.json')
        ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: file }))
        : real.writeFileAtomic(file, ...rest),
  };
});

const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;

describe('the sandbox catalog on a full disk', () => {
  it('fails with one line and leaves no server behind to keep the process alive', async () => {
    const { sandboxDynamo } = await import('../../src/sandbox/dynamo.js');
    const { errorLine } = await import('../../src/errors.js');
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'paw-dyn-full-')), '.paw', 'sandbox');
    const before = servers();
    const dynamo = sandboxDynamo(dir, 'paw_ami_catalog', 'us-east-1');
    const e = await dynamo.catalog.tableExists().then(
      () => null,
      (x: unknown) => x,
    );
    expect(errorLine(e)).toMatch(/^cannot write .*dynamodb\.json: the disk is full \(ENOSPC\)/);
    await new Promise((r) => setTimeout(r, 50));
    expect(servers()).toBe(before);
    await dynamo.stop();
  });
});
