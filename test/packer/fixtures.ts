import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/packer');

/** A fresh copy of a fixture folder (Packer writes its manifest and logs beside the template). */
export async function fixtureCopy(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `paw-${name}-`));
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}
