import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDeletion, writeDeletion, type DeletionEntry } from '../../src/aws/deletion-journal.js';

const entry: DeletionEntry = {
  ami_id: 'ami-0aaaaaaaaaaaaaaa1',
  ami_name: 'base/wf1/step1',
  snapshot_ids: ['snap-1', 'snap-2'],
  catalog_items: [{ workflow_id: 'wf1', step_id: 'step1' }],
  status: 'deleting',
  started_at: '2026-03-01T12:00:00.000Z',
};

describe('the deletion journal', () => {
  it('keeps an entry under .paw/deletions/, readable by the owner only, and reads it back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'paw-deletions-'));
    await writeDeletion(dir, entry);
    const file = path.join(dir, '.paw', 'deletions', `${entry.ami_id}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await readDeletion(dir, entry.ami_id)).toEqual(entry);
    await writeDeletion(dir, { ...entry, status: 'done', finished_at: '2026-03-01T12:01:00.000Z' });
    expect(await readDeletion(dir, entry.ami_id)).toMatchObject({ status: 'done', finished_at: '2026-03-01T12:01:00.000Z' });
  });

  it('has nothing for an AMI never deleted, a broken entry, or an id that is not an AMI id', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'paw-deletions-'));
    expect(await readDeletion(dir, 'ami-0bbbbbbbbbbbbbbb2')).toBeNull();
    mkdirSync(path.join(dir, '.paw', 'deletions'), { recursive: true });
    writeFileSync(path.join(dir, '.paw', 'deletions', 'ami-0ccccccccccccccc3.json'), '{"ami_id": "ami-0ccccccccccccccc3"');
    expect(await readDeletion(dir, 'ami-0ccccccccccccccc3')).toBeNull();
    writeFileSync(path.join(dir, '.paw', 'deletions', 'ami-0ddddddddddddddd4.json'), JSON.stringify({ ...entry, status: 'half' }));
    expect(await readDeletion(dir, 'ami-0ddddddddddddddd4')).toBeNull();
    expect(await readDeletion(dir, '../../etc/passwd')).toBeNull();
  });
});
