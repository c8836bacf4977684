import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { App, QUIT_ARMED_MS } from '../../src/ui/app.js';
import { KeyDispatch } from '../../src/ui/hooks/useKeys.js';
import { tone } from '../../src/ui/theme.js';
import { PawError } from '../../src/errors.js';
import { keys, makeWorkflow, tick, waitFor, renderText } from './fixtures.js';

const opened: Cloud[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function start(dir: string) {
  dirs.push(dir);
  const quits: number[] = [];
  const app = renderText(
    <KeyDispatch>
      <App options={{ workflow: dir, sandbox: true }} onCloud={(c) => c && opened.push(c)} onQuit={(code) => quits.push(code)} />
    </KeyDispatch>,
  );
  return Object.assign(app, { quits });
}

describe('the app shell and home', () => {
  it('draws home at once, then the workflow, the sandbox identity and the chain', async () => {
    const { lastFrame, frames } = start(makeWorkflow());
    expect(frames[0]).toContain('paw-tui');
    expect(frames[0]).toContain('SANDBOX');
    await waitFor(() => expect(lastFrame()).toContain('demo'));
    await waitFor(() => expect(lastFrame()).toMatch(/root AMI → step1\s+○ not built/), 15_000);
    expect(lastFrame()).toMatch(/step1 → step2\s+○ not built/);
    await waitFor(() => expect(lastFrame()).toContain('account'), 15_000);
    expect(lastFrame()).toContain('region us-east-1');
    expect(lastFrame()).toContain('Actions  b build · B build stale · m manual · p params · + new step · a base AMI · i AMIs');
  });

  it('draws the cursor on one step only, and keeps it there after another screen and Esc', async () => {
    const { default: chalk } = await import('chalk');
    const level = chalk.level;
    chalk.level = 1;
    try {
      const { lastFrame, frames, stdin } = start(makeWorkflow());
      await waitFor(() => expect(lastFrame()).toContain('account'), 15_000);
      const cursorRows = () =>
        frames
          .at(-1)!
          .split('\n')
          .filter((l) => l.includes('→') && l.includes('\x1b[7m'));
      expect(cursorRows()).toHaveLength(1);
      expect(cursorRows()[0]).toContain('step1');
      stdin.write('j');
      await waitFor(() => expect(cursorRows()[0]).toContain('step2'));
      stdin.write('p');
      await waitFor(() => expect(lastFrame()).toContain('· params'));
      stdin.write(keys.esc);
      await waitFor(() => expect(lastFrame()).toMatch(/home/));
      await waitFor(() => expect(lastFrame()).toMatch(/step1 → step2/));
      expect(cursorRows()).toHaveLength(1);
      expect(cursorRows()[0]).toContain('step2');
    } finally {
      chalk.level = level;
    }
  });

  it('shows a broken params file as a problem with its line and column, not a stack trace', async () => {
    const dir = makeWorkflow();
    writeFileSync(path.join(dir, 'workflow_param.json'), '{ "workflow_id": "demo", }\n');
    const { lastFrame } = start(dir);
    await waitFor(() => expect(lastFrame()).toContain('Problems'));
    expect(lastFrame()).toMatch(/workflow_param\.json:\d+:\d+/);
    expect(lastFrame()).not.toMatch(/\n\s+at /);
  });

  it('keys that need the workflow say it did not load, instead of doing nothing', async () => {
    const dir = makeWorkflow();
    writeFileSync(path.join(dir, 'workflow_param.json'), '{ "workflow_id": "demo", }\n');
    const { lastFrame, stdin } = start(dir);
    await waitFor(() => expect(lastFrame()).toContain('Problems'));
    for (const k of ['b', 'i', '\r']) {
      stdin.write(k);
      await tick();
      await waitFor(() => expect(lastFrame()).toMatch(/the workflow did not load — fix the problem below, then r loads it again/));
      expect(lastFrame()).toContain('paw-tui · ');
      expect(lastFrame()).toMatch(/· home/);
    }
  });

  it('? shows every key of home, any key closes it; q quits with 0', async () => {
    const { lastFrame, stdin, quits } = start(makeWorkflow());
    await waitFor(() => expect(lastFrame()).toContain('step2'));
    stdin.write('?');
    await waitFor(() => expect(lastFrame()).toContain('Build the highlighted step'));
    stdin.write('x');
    await tick(300);
    await waitFor(() => expect(lastFrame()).toContain('step2'));
    stdin.write('q');
    await waitFor(() => expect(quits).toEqual([0]));
  });

  it('Ctrl-C once warns, twice quits with 130', async () => {
    const { lastFrame, stdin, quits } = start(makeWorkflow());
    await waitFor(() => expect(lastFrame()).toContain('step2'));
    stdin.write(keys.ctrlC);
    await waitFor(() => expect(lastFrame()).toContain('Press Ctrl-C again to quit'));
    expect(quits).toEqual([]);
    stdin.write(keys.ctrlC);
    await waitFor(() => expect(quits).toEqual([130]));
  });

  it('a second Ctrl-C quits only within 3 s of the first; a key between disarms it', async () => {
    const { lastFrame, stdin, quits } = start(makeWorkflow());
    await waitFor(() => expect(lastFrame()).toContain('step2'));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      stdin.write(keys.ctrlC);
      await vi.waitFor(() => expect(lastFrame()).toContain('Press Ctrl-C again to quit'));
      await vi.advanceTimersByTimeAsync(QUIT_ARMED_MS - 100);
      expect(lastFrame()).toContain('Press Ctrl-C again to quit');
      await vi.advanceTimersByTimeAsync(200);
      await vi.waitFor(() => expect(lastFrame()).not.toContain('Press Ctrl-C again to quit'));
      // Disarmed: Ctrl-C warns again rather than quitting.
      stdin.write(keys.ctrlC);
      await vi.waitFor(() => expect(lastFrame()).toContain('Press Ctrl-C again to quit'));
      expect(quits).toEqual([]);
      // Another key disarms; armed again later, the first arming's time does not cut the second short.
      await vi.advanceTimersByTimeAsync(1000);
      stdin.write('?');
      await vi.waitFor(() => expect(lastFrame()).not.toContain('Press Ctrl-C again to quit'));
      stdin.write(keys.ctrlC);
      await vi.waitFor(() => expect(lastFrame()).toContain('Press Ctrl-C again to quit'));
      await vi.advanceTimersByTimeAsync(QUIT_ARMED_MS - 500);
      // Drawn again after the timers that came due: still armed, by the second arming's own time.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(lastFrame()).toContain('Press Ctrl-C again to quit');
      stdin.write(keys.ctrlC);
      await vi.waitFor(() => expect(quits).toEqual([130]));
    } finally {
      vi.useRealTimers();
    }
  });

  it('a screen opened before the cloud is ready says so in place', async () => {
    const { lastFrame, stdin } = start(makeWorkflow());
    stdin.write('i');
    await tick();
    await waitFor(() => expect(lastFrame()).toMatch(/still opening|AMIs/));
  });
});

describe('theme', () => {
  it('drops colours under NO_COLOR', () => {
    process.env.NO_COLOR = '1';
    try {
      expect(tone('error')).toBeUndefined();
    } finally {
      delete process.env.NO_COLOR;
    }
    expect(tone('error')).toBe('red');
  });
});

describe('home problems', () => {
  it('says when the root base AMI is gone, with the key that fixes it', async () => {
    const { lastFrame } = start(makeWorkflow());
    await waitFor(() => expect(lastFrame()).toContain('root base AMI ami-0000000000000base does not exist'), 20_000);
    expect(lastFrame()).toContain('press a to pick a current Ubuntu AMI');
  });
});

describe('interrupted builds on home', () => {
  it('shows a build cut off by a dead paw-tui, and t resolves it after asking', async () => {
    const dir = makeWorkflow();
    const runs = path.join(dir, 'step1', '.paw', 'runs');
    mkdirSync(runs, { recursive: true });
    const now = new Date().toISOString();
    writeFileSync(
      path.join(runs, 'run-1.json'),
      JSON.stringify({
        runId: 'run-1',
        workflowId: 'demo',
        stepId: 'step1',
        pid: 999_999,
        startedAt: now,
        updatedAt: now,
        status: 'running',
        instanceId: 'i-0dead',
      }),
    );
    const { lastFrame, stdin } = start(dir);
    await waitFor(() => expect(lastFrame()).toMatch(/step1\s+⚠ build interrupted — i-0dead may be running/), 15_000);
    await waitFor(() => expect(lastFrame()).toContain('highlight step1 and press t'), 15_000);
    await waitFor(() => expect(lastFrame()).toContain('account'), 15_000);
    // The help bar offers t while there is an interrupted build, and only then.
    const bar = () => lastFrame().trimEnd().split('\n').at(-1) ?? '';
    expect(bar()).toContain('t end run');
    stdin.write('t');
    await waitFor(() => expect(lastFrame()).toContain('Terminate the instance of the interrupted build of step1?'));
    await tick(50);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toContain('instance i-0dead was already terminated'), 15_000);
    await waitFor(() => expect(lastFrame()).toMatch(/step1\s+○ not built/));
    await waitFor(() => expect(bar()).not.toContain('end run'));
    expect(bar()).toContain('i AMIs');
  });
});

describe('an unreadable manual journal on home', () => {
  it('is shown on its step and as a problem with the fix, never as not started', async () => {
    const dir = makeWorkflow();
    mkdirSync(path.join(dir, 'step2', '.paw'), { recursive: true });
    writeFileSync(path.join(dir, 'step2', '.paw', 'manual.json'), '{"version": 1, "instanceId": "i-0live", "sta');
    const { lastFrame } = start(dir);
    await waitFor(() => expect(lastFrame()).toMatch(/step1 → step2\s+⚠ manual journal unreadable: not valid JSON/), 15_000);
    expect(lastFrame()).not.toMatch(/step1 → step2\s+○ not built/);
    await waitFor(() => expect(lastFrame()).toContain('manual journal of step2 unreadable: not valid JSON'), 20_000);
    expect(lastFrame()).toContain('fix or move');
  });
});

describe('errors outside any screen', () => {
  it('are shown as one line in the app, not a stack trace', async () => {
    const dir = makeWorkflow();
    dirs.push(dir);
    let show: ((e: unknown) => void) | undefined;
    const { lastFrame } = renderText(
      <KeyDispatch>
        <App options={{ workflow: dir, sandbox: true }} onCloud={(c) => c && opened.push(c)} onQuit={() => undefined} onErrorReporter={(s) => (show = s)} />
      </KeyDispatch>,
    );
    await waitFor(() => expect(show).toBeDefined());
    show!(new PawError('the sandbox state file is damaged', { hint: 'delete .paw/sandbox and start again' }));
    await waitFor(() => expect(lastFrame()).toContain('✖ the sandbox state file is damaged — delete .paw/sandbox and start again'));
    show!(new TypeError('x is undefined'));
    await waitFor(() => expect(lastFrame()).toContain('✖ unexpected error: x is undefined'));
    expect(lastFrame()).not.toMatch(/\n\s+at /);
  });
});
