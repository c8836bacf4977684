import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyJournal, journalPath, readJournal, updateJournal } from '../../src/manual/journal.js';
import type { Step } from '../../src/workflow/types.js';

async function tempStep(): Promise<Step> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paw-journal-'));
  return {
    id: 'manual1',
    previousId: 'step1',
    dir,
    folderName: path.basename(dir),
    paramPath: path.join(dir, 'step_param.json'),
    param: { step_id: 'manual1', previous_step_id: 'step1', metadata: {}, raw: {} },
    manual: true,
  };
}

describe('the manual journal', () => {
  it('is absent until the path starts', async () => {
    expect(await readJournal(await tempStep())).toBeNull();
  });

  it('writes each change to .paw/manual.json with its history and nothing else beside it', async () => {
    const step = await tempStep();
    let j = emptyJournal('wf', 'manual1');
    j = await updateJournal(step, j, { requested: { action: 'launch', at: 't' } }, 'launch requested', new Date('2026-01-01T00:00:00Z'));
    j = await updateJournal(step, j, { state: 'running', instanceId: 'i-123', requested: null }, 'instance i-123 launched', new Date('2026-01-01T00:00:05Z'));
    const onDisk = JSON.parse(await readFile(journalPath(step), 'utf8'));
    expect(onDisk.state).toBe('running');
    expect(onDisk.instanceId).toBe('i-123');
    expect(onDisk.history).toEqual([
      { at: '2026-01-01T00:00:00.000Z', from: 'launch', to: 'launch', event: 'launch requested' },
      { at: '2026-01-01T00:00:05.000Z', from: 'launch', to: 'running', event: 'instance i-123 launched' },
    ]);
    expect(await readJournal(step)).toEqual(j);
    expect(await readdir(path.join(step.dir, '.paw'))).toEqual(['.gitignore', 'manual.json']);
  });

  it('names the file and the field when the journal is damaged', async () => {
    const step = await tempStep();
    await mkdir(path.join(step.dir, '.paw'));
    await writeFile(journalPath(step), JSON.stringify({ ...emptyJournal('wf', 'manual1'), state: 'flying' }));
    await expect(readJournal(step)).rejects.toThrow(/manual\.json: state: /);
    await writeFile(journalPath(step), '{"version": 1,');
    await expect(readJournal(step)).rejects.toThrow(/manual\.json: not valid JSON/);
  });
});
