import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MACHINE, stateIndex, type ManualState } from '../../src/manual/machine.js';
import { removeCliCopy, runManual } from './cli.js';
import { sandboxState, writeManualWorkflow } from './fixture.js';

interface JournalOnDisk {
  state: ManualState;
  instanceId: string | null;
  launchToken: string | null;
  requested: { action: string } | null;
  history: { to: ManualState; event: string }[];
}

async function journal(dir: string): Promise<JournalOnDisk | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, 's03-hardening', '.paw', 'manual.json'), 'utf8')) as JournalOnDisk;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** What a person would run next, headless, at this state. */
function commandFor(state: ManualState): string[] {
  if (state === 'launch') return ['launch'];
  if (state === 'connect' || state === 'stop') return ['stop', '--yes'];
  return ['resume', '--yes'];
}

/** Every instance EC2 holds is the journal's, or the one its pending launch token will find again. */
async function expectNoInstanceWithoutRecord(dir: string, j: JournalOnDisk | null): Promise<void> {
  const instances = Object.values((await sandboxState(dir)).instances) as { id: string; state: string; clientToken?: string }[];
  const live = instances.filter((i) => i.state !== 'terminated');
  for (const i of live) {
    const known = i.id === j?.instanceId || (j?.requested?.action === 'launch' && i.clientToken === j.launchToken);
    expect(known, `instance ${i.id} (${i.state}) is not in the journal ${JSON.stringify(j)}`).toBe(true);
  }
}

afterAll(removeCliCopy);

describe('the manual path survives SIGKILL after every transition', () => {
  it('resumes at the right state each time and never loses an instance', async () => {
    const dir = await writeManualWorkflow();
    // Slow enough that a kill lands in the middle of the work, fast enough for a test.
    const env = { PAW_SANDBOX_SPEED: '4' };
    const kills: string[] = [];
    let before = await journal(dir);
    for (let round = 0; round < 40; round++) {
      const state = before?.state ?? 'launch';
      if (state === 'done') break;
      const seen = before?.history.length ?? 0;
      const run = runManual(dir, commandFor(state), env);
      // Kill the moment the journal has one more entry: right after a transition was written.
      const watcher = setInterval(() => {
        journal(dir).then(
          (j) => {
            if (j && j.history.length > seen) run.child.kill('SIGKILL');
          },
          () => {},
        );
      }, 5);
      const result = await run.done;
      clearInterval(watcher);
      const after = await journal(dir);
      expect(result.signal === 'SIGKILL' || result.code === 0, `${commandFor(state).join(' ')}: ${result.stderr}`).toBe(true);
      if (result.signal === 'SIGKILL') kills.push(`${state} → ${after?.state}`);
      await expectNoInstanceWithoutRecord(dir, after);
      // Nobody touched EC2 meanwhile, so the checklist only ever moves forward.
      expect(stateIndex(after!.state)).toBeGreaterThanOrEqual(stateIndex(state));

      const status = runManual(dir, ['status', '--json'], env);
      const shown = await status.done;
      expect(shown.code, shown.stderr).toBe(0);
      const view = JSON.parse(shown.stdout) as { state: ManualState; notes: string[] };
      const reopened = await journal(dir);
      // Reopening resumes where the journal stopped, or one step on when EC2 shows the work was done.
      expect(view.state).toBe(reopened!.state);
      expect([after!.state, MACHINE[after!.state].next]).toContain(view.state);
      before = reopened;
    }
    expect(before!.state).toBe('done');
    expect(kills.length).toBeGreaterThanOrEqual(8);
    const ec2 = await sandboxState(dir);
    const instances = Object.values(ec2.instances);
    expect(instances).toHaveLength(1);
    expect(instances[0]!.state).toBe('terminated');
    expect(before!.history.map((h) => h.to)).toEqual(expect.arrayContaining(['running', 'connect', 'stopped', 'image-available', 'record', 'done']));
  }, 180_000);
});
