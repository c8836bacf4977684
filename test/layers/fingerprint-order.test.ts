import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { stepFingerprint } from '../../src/layers/fingerprint.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';

/**
 * Another machine's file system lists a folder in another order (ext4 by hash, tmpfs newest
 * first, APFS by name): the fingerprint sorts the paths, so the order never counts. Listing
 * is turned around here, since two copies on one file system list alike.
 */

const listing = vi.hoisted(() => ({ reversed: false }));
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  const readdir = (async (...args: Parameters<typeof fs.readdir>) => {
    const entries = (await (fs.readdir as (...a: unknown[]) => Promise<unknown[]>)(...args)) as unknown[];
    return listing.reversed ? [...entries].reverse() : entries;
  }) as typeof fs.readdir;
  return { ...fs, default: { ...fs, readdir }, readdir };
});

const source = { id: 'ami-0975ad60e5054592a', name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607' };

describe('step fingerprint and listing order', () => {
  it('is the same whichever order the folder is listed in, and names the files in sorted order', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'paw-fp-order-')), 'workflow');
    cpSync(path.resolve(import.meta.dirname, '../../workflow'), dir, { recursive: true });
    const workflow = await loadWorkflow(dir);
    const of = () => stepFingerprint(workflow, findStep(workflow, 'base'), source, 'us-east-1');
    const asListed = await of();
    listing.reversed = true;
    const turned = await of();
    listing.reversed = false;
    expect(turned.fingerprint).toBe(asListed.fingerprint);
    const names = Object.keys(turned.inputs.files);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('templates/.pkr.hcl');
  });
});
