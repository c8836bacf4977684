import { describe, expect, it, vi } from 'vitest';
import { fitHints } from '../../src/ui/components/KeyHints.js';
import type { ScreenName } from '../../src/ui/context.js';
import { actionsFor, hintsFor, keyBindings, keysLabel, type Action } from '../../src/ui/keys.js';

const screens: ScreenName[] = ['home', 'amis', 'base-ami', 'params', 'new-step', 'build', 'manual', 'step'];

describe('the key registry', () => {
  it('never gives one key two actions on one screen', () => {
    const clashes: string[] = [];
    for (const screen of screens) {
      const owner = new Map<string, Action>();
      for (const a of actionsFor(screen)) {
        for (const k of keyBindings[a].keys) {
          const other = owner.get(k);
          if (other && other !== a) clashes.push(`${screen}: ${k} is ${other} and ${a}`);
          owner.set(k, a);
        }
      }
    }
    expect(clashes).toEqual([]);
  });

  it('never gives one key two meanings on two screens', () => {
    const owner = new Map<string, Action>();
    const clashes: string[] = [];
    for (const a of Object.keys(keyBindings) as Action[]) {
      for (const k of keyBindings[a].keys) {
        const other = owner.get(k);
        if (other && other !== a) clashes.push(`${k} is ${other} and ${a}`);
        owner.set(k, a);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('lists and panes all move with arrows, j/k, pages and ends', () => {
    for (const screen of ['home', 'amis', 'base-ami', 'build', 'manual'] as const) {
      const keys = actionsFor(screen).flatMap((a) => keyBindings[a].keys);
      for (const k of ['up', 'down', 'j', 'k', 'pageup', 'pagedown', 'g', 'G', 'home', 'end']) expect(keys, `${screen} ${k}`).toContain(k);
    }
  });

  it('typing into the process and the next match are not on i and n', () => {
    expect(keysLabel('focusPane')).not.toBe('i');
    expect(keysLabel('nextMatch')).not.toBe('n');
    expect(keyBindings.no.keys).toEqual(['n']);
  });
});

describe('the help bar', () => {
  it('puts the most useful keys first and leaves the answers to a question out', () => {
    const home = hintsFor('home');
    expect(home.indexOf('open')).toBeLessThan(home.indexOf('refresh'));
    expect(home).not.toContain('yes');
  });

  it('ends on a whole key and `? more` when cut', () => {
    const { shown, cut } = fitHints(hintsFor('home'), 40);
    expect(cut).toBe(true);
    const text = shown.map((a) => `${keysLabel(a)} ${keyBindings[a].hint}`).join('  ') + '  ? more';
    expect(text.length).toBeLessThanOrEqual(40);
    expect(shown).not.toContain('help');
  });

  it('shows everything when it fits', () => {
    expect(fitHints(hintsFor('home'), 400).cut).toBe(false);
  });
});

describe('key dispatch', () => {
  it('keys that arrive in one chunk are handled one by one', async () => {
    const { render } = await import('ink-testing-library');
    const { createElement } = await import('react');
    const { KeyDispatch, useKeys } = await import('../../src/ui/hooks/useKeys.js');
    const seen: string[] = [];
    function Probe() {
      useKeys((input) => seen.push(input));
      return null;
    }
    const { stdin } = render(createElement(KeyDispatch, null, createElement(Probe)));
    await new Promise((r) => setTimeout(r, 20));
    stdin.write('kb');
    await vi.waitFor(() => expect(seen).toEqual(['k', 'b']));
  });

  it('each key of a chunk sees what the keys before it did (a cursor moved twice, then used)', async () => {
    const { render } = await import('ink-testing-library');
    const { createElement, useState } = await import('react');
    const { Text } = await import('ink');
    const { KeyDispatch, useKeys } = await import('../../src/ui/hooks/useKeys.js');
    const opened: number[] = [];
    function List() {
      const [cursor, setCursor] = useState(0);
      useKeys((input) => {
        // As screens do: the handler reads the cursor of the render it was made in.
        if (input === 'j') setCursor(Math.min(cursor + 1, 2));
        if (input === 'm') opened.push(cursor);
      });
      return createElement(Text, null, `row ${cursor}`);
    }
    const { stdin, lastFrame } = render(createElement(KeyDispatch, null, createElement(List)));
    await new Promise((r) => setTimeout(r, 20));
    stdin.write('jjm');
    await vi.waitFor(() => expect(opened).toEqual([2]));
    expect(lastFrame()).toBe('row 2');
  });
});
