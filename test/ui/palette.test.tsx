import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { App } from '../../src/ui/app.js';
import { paletteMatches } from '../../src/ui/components/CommandPalette.js';
import { KeyDispatch } from '../../src/ui/hooks/useKeys.js';
import { keys, makeWorkflow, renderText, tick, waitFor } from './fixtures.js';

const opened: Cloud[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('command palette', () => {
  it('matches every word typed, in any order', () => {
    const entries = ['home', 'AMIs', 'base AMI', 'step web'].map((label) => ({ label, run: () => undefined }));
    expect(paletteMatches(entries, 'ami').map((e) => e.label)).toEqual(['AMIs', 'base AMI']);
    expect(paletteMatches(entries, 'ami base').map((e) => e.label)).toEqual(['base AMI']);
  });

  it(': opens it over any screen, typing narrows, Enter goes there and Esc closes it', async () => {
    const dir = makeWorkflow();
    dirs.push(dir);
    const { lastFrame, stdin } = renderText(
      <KeyDispatch>
        <App options={{ workflow: dir, sandbox: true }} onCloud={(c) => c && opened.push(c)} onQuit={() => undefined} />
      </KeyDispatch>,
    );
    await waitFor(() => expect(lastFrame()).toContain('account'), 15_000);
    stdin.write(':');
    await waitFor(() => expect(lastFrame()).toContain('Enter goes · Esc closes'));
    for (const c of 'param') {
      stdin.write(c);
      await tick(10);
    }
    await waitFor(() => expect(lastFrame()).toMatch(/1 of \d+/));
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('· params'));
    expect(lastFrame()).not.toContain('Enter goes');
    stdin.write(':');
    await waitFor(() => expect(lastFrame()).toContain('Enter goes'));
    for (const c of 'home') stdin.write(c);
    await tick(30);
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toMatch(/· home/));
    stdin.write(':');
    await waitFor(() => expect(lastFrame()).toContain('Enter goes'));
    stdin.write('q');
    await tick(30);
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).not.toContain('Enter goes'));
    expect(lastFrame()).toContain('· home');
  });
});
