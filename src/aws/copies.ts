import { z } from 'zod';
import type { CatalogItem } from './ports.js';

/** A copy of a step's AMI in another region, as the catalog item's `copies` attribute lists it. */
export interface AmiCopy {
  region: string;
  ami_id: string;
}

const copiesSchema = z.array(z.object({ region: z.string(), ami_id: z.string() }));

/** The copies a catalog item lists (none when the attribute is absent or unreadable). */
export function copiesOf(item: Pick<CatalogItem, 'copies'> | null | undefined): AmiCopy[] {
  if (!item?.copies) return [];
  try {
    const r = copiesSchema.safeParse(JSON.parse(item.copies));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
}
