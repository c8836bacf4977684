import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { pawPath } from '../paths.js';
import { writePrivateFileAtomic } from '../workflow/atomic.js';
import { makePawDir } from '../paw-dir.js';

/**
 * `.paw/deletions/<ami id>.json`: written before an AMI is deregistered, so a deletion that
 * stops half-way (a failure, a kill) can be finished by running it again even when EC2 has
 * forgotten the AMI and no catalog item recorded its snapshots; kept as `done` afterwards so a
 * rerun of the same command counts the AMI as deleted instead of unknown.
 */
const entrySchema = z.object({
  ami_id: z.string(),
  ami_name: z.string(),
  snapshot_ids: z.array(z.string()),
  catalog_items: z.array(z.object({ workflow_id: z.string(), step_id: z.string() })),
  status: z.enum(['deleting', 'done']),
  started_at: z.string(),
  finished_at: z.string().optional(),
});

export type DeletionEntry = z.infer<typeof entrySchema>;

const AMI_ID = /^ami-[0-9a-zA-Z]{1,32}$/;

function entryFile(workflowDir: string, amiId: string): string {
  return pawPath(workflowDir, 'deletions', `${amiId}.json`);
}

/** The entry of an AMI, or null (none, unreadable, or an id that is not an AMI id). */
export async function readDeletion(workflowDir: string, amiId: string): Promise<DeletionEntry | null> {
  if (!AMI_ID.test(amiId)) return null;
  try {
    const parsed = entrySchema.safeParse(JSON.parse(await readFile(entryFile(workflowDir, amiId), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeDeletion(workflowDir: string, entry: DeletionEntry): Promise<void> {
  const file = entryFile(workflowDir, entry.ami_id);
  await makePawDir(path.dirname(file));
  await writePrivateFileAtomic(file, JSON.stringify(entry, null, 2) + '\n');
}
