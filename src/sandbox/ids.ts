import { createHash, randomBytes } from 'node:crypto';

/** A new EC2-style id: `ami-`, `i-`, `snap-`... followed by 17 hex digits, as EC2's long ids. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** The same id every time for the same seed text (seeded resources keep their ids across runs). */
export function stableId(prefix: string, seed: string): string {
  return `${prefix}-${createHash('sha256').update(seed).digest('hex').slice(0, 17)}`;
}

/** The sandbox's own account (what `whoAmI` answers and what owns the images it builds). */
export const SANDBOX_ACCOUNT = '123456789012';
/** Canonical's account, owner of the official Ubuntu AMIs. */
export const CANONICAL_OWNER = '099720109477';
