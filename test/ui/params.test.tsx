import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../src/workflow/atomic.js';
import { ParamsScreen } from '../../src/ui/screens/ParamsScreen.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { fakeCloud } from '../aws/fake-cloud.js';
import { keys, makeWorkflow, tick, type, waitFor } from './fixtures.js';
import { renderScreen } from './harness.js';

// Every write of a params file, counted (each still writes).
vi.mock('../../src/workflow/atomic.js', async (original) => {
  const actual = await original<typeof import('../../src/workflow/atomic.js')>();
  return { ...actual, writeFileAtomic: vi.fn(actual.writeFileAtomic) };
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const dir = makeWorkflow();
  dirs.push(dir);
  const workflow = await loadWorkflow(dir);
  return { dir, workflow, file: path.join(dir, 'workflow_param.json') };
}

/** `+`, the new key, Enter, its value, Enter: as a person adds a tag or a metadata entry. */
async function addEntry(screen: { stdin: { write: (s: string) => void }; lastFrame: () => string }, key: string, value: string) {
  const { stdin, lastFrame } = screen;
  stdin.write('+');
  await waitFor(() => expect(lastFrame()).toMatch(/new \w+ key:/));
  await type(stdin, key);
  stdin.write(keys.enter);
  await waitFor(() => expect(lastFrame()).toContain(`.${key} =`));
  await type(stdin, value);
  stdin.write(keys.enter);
}

describe('params editor', () => {
  it('edits a field, checks it as you type, and saves keeping comments', async () => {
    const { workflow, file } = await setup();
    const { lastFrame, stdin, h } = renderScreen('params', workflow, fakeCloud(), (ctx) => <ParamsScreen ctx={ctx} />, { columns: 120, bodyRows: 24 });
    await waitFor(() => expect(lastFrame()).toContain('workflow_param.json'));
    expect(lastFrame()).toMatch(/owner_note\s+kept\s+\(unknown key: kept and passed to templates\)/);
    expect(lastFrame()).toMatch(/aws_tags\.team\s+platform/);
    stdin.write(keys.enter);
    await tick(60);
    for (let i = 0; i < 4; i++) {
      stdin.write(keys.backspace);
      await tick(5);
    }
    await waitFor(() => expect(lastFrame()).toContain('✖ required'));
    await type(stdin, 'paw-demo');
    await waitFor(() => expect(lastFrame()).not.toContain('✖ required'));
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('1 unsaved change(s)'));
    stdin.write(keys.down);
    await tick();
    stdin.write(keys.down);
    await tick();
    stdin.write(keys.right);
    await waitFor(() => expect(lastFrame()).toMatch(/\* is_default_vpc\s+false/));
    vi.mocked(writeFileAtomic).mockClear();
    stdin.write(keys.ctrlS);
    await waitFor(() => expect(lastFrame()).toContain('saved 2 change(s)'));
    // Both changes in one write of the whole file.
    expect(vi.mocked(writeFileAtomic).mock.calls.map((c) => c[0])).toEqual([file]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"workflow_id": "paw-demo"');
    expect(text).toContain('"is_default_vpc": "false"');
    expect(text).toContain('// the workflow');
    expect(text).toContain('# Ubuntu 22.04');
    expect(text).toContain('"owner_note": "kept"');
    expect(h.reloads).toBe(1);
  });

  it('adds and removes tags, and asks before leaving unsaved changes', async () => {
    const { workflow, file } = await setup();
    const { lastFrame, stdin, h } = renderScreen('params', workflow, fakeCloud(), (ctx) => <ParamsScreen ctx={ctx} />, { columns: 120, bodyRows: 24 });
    await waitFor(() => expect(lastFrame()).toContain('workflow_param.json'));
    await addEntry({ stdin, lastFrame }, 'env', 'dev');
    await waitFor(() => expect(lastFrame()).toContain('aws_tags.env will be added'));
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain('Discard 1 unsaved change(s)?'));
    await tick(60);
    stdin.write('n');
    await tick(60);
    stdin.write(keys.ctrlS);
    await waitFor(() => expect(lastFrame()).toContain('saved 1 change(s)'));
    expect(readFileSync(file, 'utf8')).toMatch(/"aws_tags": \{[^}]*"env": "dev"/);
    await waitFor(() => expect(lastFrame()).toMatch(/aws_tags\.env\s+dev/));
    // The last fields are aws_tags.team, aws_tags.env, then the unknown key owner_note.
    stdin.write('\x1b[F');
    await tick();
    stdin.write(keys.up);
    await tick();
    stdin.write(keys.up);
    await tick();
    stdin.write('d');
    await waitFor(() => expect(lastFrame()).toMatch(/\* aws_tags\.team\s+\(removed\)/));
    stdin.write(keys.ctrlS);
    await waitFor(() => expect(lastFrame()).toContain('saved 1 change(s)'));
    expect(readFileSync(file, 'utf8')).not.toContain('"team"');
    expect(h.backs).toBe(0);
  });

  it('edits a step file too, and refuses a broken chain without writing any of the changes', async () => {
    const { workflow, dir } = await setup();
    const stepFile = path.join(dir, 'step2', 'step_param.json');
    const before = readFileSync(stepFile, 'utf8');
    const { lastFrame, stdin, h } = renderScreen('params', workflow, fakeCloud(), (ctx) => <ParamsScreen ctx={ctx} stepId="step2" />, {
      columns: 120,
      bodyRows: 24,
    });
    await waitFor(() => expect(lastFrame()).toMatch(/step_id\s+step2/));
    // A good change first, then one that breaks the chain: neither lands.
    await addEntry({ stdin, lastFrame }, 'owner', 'ops');
    await waitFor(() => expect(lastFrame()).toContain('metadata.owner will be added'));
    stdin.write(keys.down);
    await tick();
    stdin.write(keys.left);
    await waitFor(() => expect(lastFrame()).toMatch(/\* previous_step_id\s+\(none: first step\)/));
    stdin.write(keys.ctrlS);
    await waitFor(() => expect(h.errors.length).toBe(1));
    expect(lastFrame()).toContain('not changed');
    expect(lastFrame()).toContain('2 unsaved change(s)');
    expect(readFileSync(stepFile, 'utf8')).toBe(before);
  });
});
