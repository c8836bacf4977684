import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AmiImage, Cloud } from '../../src/aws/ports.js';
import { emptyJournal, type ManualJournal } from '../../src/manual/journal.js';
import { reconcile } from '../../src/manual/reconcile.js';
import type { Step } from '../../src/workflow/types.js';

const NAME = 'base/paw-example/hardening';

function image(id: string, creationDate: string, state = 'pending'): AmiImage {
  return { id, name: NAME, state, creationDate, ownerId: '111122223333', snapshotIds: [], tags: {}, raw: {} };
}

/** EC2 as reconcile asks it: no instance in the journal, and these images under the output name. */
function cloudWith(images: AmiImage[]): Cloud {
  return {
    instances: { describe: () => Promise.resolve([]) },
    images: {
      describe: (ids: string[]) => Promise.resolve(images.filter((i) => ids.includes(i.id))),
      findOwnedByName: (name: string) => Promise.resolve(images.filter((i) => i.name === name)),
    },
  } as unknown as Cloud;
}

/** paw-tui wrote "create-image requested" at `at` and stopped before CreateImage's answer was kept. */
function interruptedCreateImage(at: string): { step: Step; journal: ManualJournal } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paw-reconcile-'));
  const step = { id: 'hardening', dir } as Step;
  const journal: ManualJournal = { ...emptyJournal('paw-example', 'hardening'), state: 'create-image', requested: { action: 'create-image', at } };
  return { step, journal };
}

describe('reconcile after CreateImage was asked for and its answer was lost', () => {
  const at = '2026-03-01T12:00:00.000Z';

  it('adopts the image made then (EC2 clocks may be up to a minute behind)', async () => {
    const { step, journal } = interruptedCreateImage(at);
    const made = image('ami-0aaaaaaaaaaaaaaa1', '2026-03-01T11:59:20.000Z');
    const r = await reconcile(cloudWith([made]), step, journal, NAME);
    expect(r.journal).toMatchObject({ state: 'image-available', imageId: made.id, requested: null });
    expect(r.notes).toEqual([`image ${made.id} was created before paw-tui stopped; waiting for it`]);
  });

  it('never adopts an older image of the same name: the image is asked for again', async () => {
    const { step, journal } = interruptedCreateImage(at);
    const older = image('ami-0bbbbbbbbbbbbbbb2', '2026-03-01T11:58:30.000Z', 'available');
    const r = await reconcile(cloudWith([older]), step, journal, NAME);
    expect(r.journal.state).toBe('create-image');
    expect(r.journal.imageId ?? null).toBeNull();
    expect(r.notes).toEqual([]);
  });

  it('never adopts a failed image', async () => {
    const { step, journal } = interruptedCreateImage(at);
    const failed = image('ami-0ccccccccccccccc3', '2026-03-01T12:00:05.000Z', 'failed');
    const r = await reconcile(cloudWith([failed]), step, journal, NAME);
    expect(r.journal.state).toBe('create-image');
  });
});
