import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PawError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

/**
 * paw-tui's own settings for a repository: `paw-tui.json` next to the `workflow/` folder (the
 * repository's root in the usual layout). They live outside `workflow_param.json` because the
 * Python library refuses keys it does not know there, and outside `.paw/` because the team
 * shares them through git.
 */
export interface PawSettings {
  /** The catalog's DynamoDB table. */
  table?: string;
}

export const SETTINGS_FILE = 'paw-tui.json';

export function settingsPath(workflowDir: string): string {
  return path.join(path.dirname(path.resolve(workflowDir)), SETTINGS_FILE);
}

async function readObject(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PawError(`${file} is not valid JSON: ${(e as Error).message}`, { hint: 'fix or delete it' });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PawError(`${file} must hold a JSON object`, { hint: 'for example {"table": "my_ami_catalog"}' });
  }
  return data as Record<string, unknown>;
}

export async function readSettings(workflowDir: string): Promise<PawSettings> {
  const file = settingsPath(workflowDir);
  const data = await readObject(file);
  if (data.table !== undefined && (typeof data.table !== 'string' || data.table === '')) {
    throw new PawError(`"table" in ${file} must be a table name`, { hint: 'for example {"table": "my_ami_catalog"}' });
  }
  return { table: data.table as string | undefined };
}

/** Remembers the catalog table for everyone using this repository; other keys are kept. */
export async function writeTableSetting(workflowDir: string, table: string): Promise<string> {
  const file = settingsPath(workflowDir);
  const data = await readObject(file);
  data.table = table;
  await writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}
