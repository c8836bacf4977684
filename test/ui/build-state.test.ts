import { describe, expect, it } from 'vitest';
import type { BuildState } from '../../src/packer/types.js';
import { buildScreenReducer, initialBuildScreenState, interruptQuestion, statusRowsOf, type BuildScreenAction } from '../../src/ui/screens/build-state.js';

const run = (actions: BuildScreenAction[]) => actions.reduce(buildScreenReducer, initialBuildScreenState);
const build = (more: Partial<BuildState>) => ({ status: 'running', startedAt: 0, ...more }) as BuildState;

describe('the build screen state', () => {
  it('Tab goes round the panes, Shift-Tab back; no panes, no move', () => {
    expect(run([{ type: 'switchPane', back: false, panes: 3 }]).paneIndex).toBe(1);
    expect(run([{ type: 'switchPane', back: true, panes: 3 }]).paneIndex).toBe(2);
    expect(run(Array(3).fill({ type: 'switchPane', back: false, panes: 3 })).paneIndex).toBe(0);
    expect(run([{ type: 'switchPane', back: false, panes: 0 }]).paneIndex).toBe(0);
  });

  it('the status takes a second row once the build ended, and keeps it', () => {
    expect(statusRowsOf(initialBuildScreenState)).toBe(1);
    const ended = run([{ type: 'ended' }]);
    expect(statusRowsOf(ended)).toBe(2);
    expect(buildScreenReducer(ended, { type: 'ended' })).toBe(ended);
  });

  it('a question is asked, then answered away; typing is on or off', () => {
    const asked = run([
      { type: 'ask', question: { kind: 'interrupt', text: 'Interrupt?' } },
      { type: 'typing', on: true },
    ]);
    expect(asked.question?.kind).toBe('interrupt');
    expect(asked.typing).toBe(true);
    const after = buildScreenReducer(asked, { type: 'answered' });
    expect(after.question).toBeNull();
    expect(buildScreenReducer(after, { type: 'typing', on: true })).toBe(after);
  });
});

describe('what Ctrl-C asks about a build', () => {
  it('nothing before it starts or after it ended', () => {
    expect(interruptQuestion(null)).toBeNull();
    expect(interruptQuestion(build({ status: 'failed', endedAt: 5 }))).toBeNull();
  });

  it('to interrupt while it runs, to stop by force while Packer cleans up, naming the instance', () => {
    expect(interruptQuestion(build({ status: 'preflight' }))).toEqual({
      kind: 'interrupt',
      text: 'Interrupt the build? Packer cleans up what it made, then exits.',
    });
    expect(interruptQuestion(build({ status: 'interrupting', instanceId: 'i-0abc' }))).toEqual({
      kind: 'force',
      text: 'Stop Packer by force? Its clean-up is cut short and instance i-0abc may be left running.',
    });
    expect(interruptQuestion(build({ status: 'interrupting' }))?.text).toBe('Stop Packer by force? Its clean-up is cut short.');
  });
});
