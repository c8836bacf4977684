import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Each test process has its own tmux server: test files run in parallel, and a server whose last
 * session another file just killed exits under a `new-session` of this one.
 */
const SOCKET = ['-L', `paw-e2e-${process.pid}`];

/** A terminal a person would use, driven through tmux: keys in, screen text out. */
export class TmuxScreen {
  readonly name: string;

  constructor(command: string, { cols = 120, rows = 40 } = {}) {
    this.name = `paw-e2e-${process.pid}-${Date.now()}`;
    execFileSync('tmux', [...SOCKET, 'new-session', '-d', '-s', this.name, '-x', String(cols), '-y', String(rows), command]);
  }

  /** The screen as text. */
  capture(): string {
    const r = spawnSync('tmux', [...SOCKET, 'capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : '';
  }

  /** The screen with its colours and styles (SGR codes), as `capture-pane -e` gives it. */
  captureStyled(): string {
    const r = spawnSync('tmux', [...SOCKET, 'capture-pane', '-e', '-p', '-t', this.name], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : '';
  }

  /** A format of the pane (`#{alternate_on}`, `#{pane_pid}`). */
  display(format: string): string {
    const r = spawnSync('tmux', [...SOCKET, 'display-message', '-p', '-t', this.name, format], { encoding: 'utf8' });
    return r.stdout.trim();
  }

  /** The terminal changes size, as a person resizing the window. */
  resize(cols: number, rows: number): void {
    execFileSync('tmux', [...SOCKET, 'resize-window', '-t', this.name, '-x', String(cols), '-y', String(rows)]);
  }

  /** One key per call, ~100 ms apart, as typed: `Enter`, `Escape`, `C-s`, or literal text. */
  async key(k: string): Promise<void> {
    execFileSync('tmux', [...SOCKET, 'send-keys', '-t', this.name, k]);
    await sleep(100);
  }

  async type(text: string): Promise<void> {
    for (const c of text) {
      execFileSync('tmux', [...SOCKET, 'send-keys', '-t', this.name, '-l', c]);
      await sleep(100);
    }
  }

  /** Waits until the screen matches; fails with the screen shown. */
  async waitFor(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < end) {
      screen = this.capture();
      if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return screen;
      await sleep(150);
    }
    throw new Error(`screen never showed ${String(pattern)}; it shows:\n${screen}`);
  }

  /** Waits until `check` holds of the screen with its styles; fails with the screen shown. */
  async waitForStyled(check: (styled: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < end) {
      screen = this.captureStyled();
      if (check(screen)) return screen;
      await sleep(150);
    }
    throw new Error(`screen never showed ${what}; it shows:\n${screen}`);
  }

  /** Waits until the screen no longer shows `text`. */
  async waitForGone(text: string, timeoutMs = 10_000): Promise<void> {
    await this.waitForStyled(() => !this.capture().includes(text), `no more "${text}"`, timeoutMs);
  }

  alive(): boolean {
    return spawnSync('tmux', [...SOCKET, 'has-session', '-t', this.name]).status === 0;
  }

  kill(): void {
    spawnSync('tmux', [...SOCKET, 'kill-session', '-t', this.name]);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}
