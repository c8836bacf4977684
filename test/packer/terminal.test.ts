import { afterEach, describe, expect, it } from 'vitest';
import { ByteBuffers } from '../../src/packer/byte-buffers.js';
import { ptyEnv, startTerminal } from '../../src/packer/terminal.js';
import type { RawOutput, TerminalSession } from '../../src/packer/types.js';

const open: TerminalSession[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.dispose();
});

function sh(script: string, cols = 40, rows = 6, scrollback = 100): TerminalSession & RawOutput {
  const t = startTerminal({ file: '/bin/sh', args: ['-c', script], cwd: '/tmp', cols, rows, scrollback });
  open.push(t);
  return t;
}

const exited = (t: TerminalSession) =>
  new Promise<{ exitCode: number }>((resolve) => {
    if (t.exit) resolve(t.exit);
    else t.onExit(resolve);
  });
const text = (t: TerminalSession, height = 100) => t.view(0, height).map((l) => l.map((s) => s.text).join(''));

describe('startTerminal', () => {
  it('resolves \\r progress lines as a terminal would', async () => {
    const t = sh(`printf 'copying 10%%\\rcopying 55%%\\rcopied 100%%\\nshort\\rX\\n'`);
    expect((await exited(t)).exitCode).toBe(0);
    // A shorter rewrite leaves the end of the longer text, as on a real terminal.
    expect(text(t)).toEqual(['copied 100%', 'Xhort']);
  });

  it('shows wide, combining and astral characters whole, even split across writes, redacted or not', async () => {
    // The bytes of 日本 é (e and a combining accent) 😀, the emoji's four bytes written in two parts.
    const script = `printf '\\346\\227\\245\\346\\234\\254 e\\314\\201 \\360\\237'; sleep 0.1; printf '\\230\\200 end\\n'`;
    for (const redact of [false, true]) {
      const t = startTerminal({ file: '/bin/sh', args: ['-c', script], cwd: '/tmp', cols: 40, rows: 3, redact });
      open.push(t);
      await exited(t);
      expect(t.lineText(0), `redact: ${redact}`).toBe('日本 e\u0301 😀 end');
    }
  });

  it('turns colours into spans with hex colours, merging runs of one style', async () => {
    const t = sh(`printf '\\033[1;32mok\\033[0m plain \\033[38;5;208mor\\033[38;2;1;2;3mrgb\\033[0m\\n'`);
    await exited(t);
    expect(t.view(0, 1)[0]).toEqual([
      { text: 'ok', fg: '#00cd00', bold: true },
      { text: ' plain ' },
      { text: 'or', fg: '#ff8700' },
      { text: 'rgb', fg: '#010203' },
    ]);
  });

  it('keeps a bounded scrollback and reads any window of it', async () => {
    const t = sh('for i in $(seq 1 500); do echo line $i; done', 40, 5, 50);
    await exited(t);
    expect(t.length).toBeLessThanOrEqual(55);
    expect(text(t, 2)).toEqual(['line 499', 'line 500']);
    expect(t.view(3, 2).map((l) => l.map((s) => s.text).join(''))).toEqual(['line 496', 'line 497']);
    expect(t.lineText(t.length - 1)).toBe('line 500');
    // Scrolling past the top keeps the oldest page in view.
    const top = t.view(10_000, 3).map((l) => l.map((s) => s.text).join(''));
    expect(top).toEqual([0, 1, 2].map((i) => t.lineText(i)));
    expect(top[0]).toMatch(/^line \d+$/);
  });

  it('streams output while the process runs and passes raw chunks on', async () => {
    const t = sh(`echo first; sleep 1; echo second`);
    const raw: string[] = [];
    t.onData((c) => raw.push(c));
    await new Promise<void>((resolve) => {
      const off = t.onChange(() => {
        if (text(t).includes('first')) {
          off();
          resolve();
        }
      });
    });
    expect(t.exit).toBeNull();
    expect(text(t)).not.toContain('second');
    await exited(t);
    expect(raw.join('')).toContain('second');
  });

  it('shows the last line of a process that ended while paw-tui was busy, redacted or not', async () => {
    // Output past what the reading thread holds when nobody asks: the end waits in the pty.
    const script = `i=0; while [ $i -lt 900 ]; do printf '%06d %090d\\n' $i 0; i=$((i+1)); done; echo FINAL-LINE`;
    for (const redact of [false, true]) {
      const t = startTerminal({ file: '/bin/sh', args: ['-c', script], cwd: '/tmp', cols: 120, rows: 5, redact });
      open.push(t);
      let raw = '';
      t.onData((c) => (raw += c));
      const done = exited(t);
      // The main thread busy for longer than node-pty waits for the last output of a process.
      for (const end = Date.now() + 600; Date.now() < end;);
      expect((await done).exitCode, `redact: ${redact}`).toBe(0);
      expect(raw, `redact: ${redact}`).toContain('000899 ');
      expect(raw.trimEnd().endsWith('FINAL-LINE'), `redact: ${redact}`).toBe(true);
      expect(t.lineText(t.length - 1)).toBe('FINAL-LINE');
    }
  });

  it('sends typed keys to the process and resizes pty and emulator together', async () => {
    const t = sh(`read answer; echo "got $answer"; stty size`, 30, 4);
    t.resize(50, 7);
    expect([t.cols, t.rows]).toEqual([50, 7]);
    t.write('yes\r');
    await exited(t);
    expect(text(t)).toContain('got yes');
    expect(text(t)).toContain('7 50');
  });

  it('shows a full-screen program from the alternate buffer, all of its rows at the pane size', async () => {
    const t = sh(`echo before; printf '\\033[?1049h\\033[2J\\033[Htop row\\033[5;1Hlast row\\033[2;1H'; sleep 1`, 30, 5);
    await new Promise<void>((resolve) => {
      const off = t.onChange(() => {
        if (text(t).join('\n').includes('last row')) {
          off();
          resolve();
        }
      });
    });
    expect(t.length).toBe(5);
    const lines = text(t, 5);
    expect(lines[0]).toBe('top row');
    expect(lines[4]).toBe('last row');
    expect(lines.join('\n')).not.toContain('before');
  });

  it('interrupts the process with SIGINT', async () => {
    const t = sh(`trap 'echo cleaning up; exit 7' INT; echo ready; while :; do sleep 0.1; done`);
    await new Promise<void>((resolve) => t.onChange(() => text(t).includes('ready') && resolve()));
    t.kill('SIGINT');
    expect((await exited(t)).exitCode).toBe(7);
    expect(text(t)).toContain('cleaning up');
  });

  it('masks a secret in the pane and in the raw chunks even when the process writes it in pieces', async () => {
    const t = startTerminal({
      file: '/bin/sh',
      args: ['-c', "printf 'export TOKEN=ghp_abc'; sleep 0.05; printf 'def123\\nkey AKIA'; sleep 0.05; printf 'IOSFODNN7EXAMPLE ok\\n'"],
      cwd: '/tmp',
      cols: 60,
      rows: 6,
      redact: true,
    });
    open.push(t);
    let raw = '';
    t.onData((c) => (raw += c));
    await exited(t);
    expect(text(t)).toEqual(['export TOKEN=[redacted]', 'key AKIA[redacted] ok']);
    expect(raw).not.toMatch(/abc|def123|IOSFODNN/);
  });

  it('gives the child an environment without undefined values', () => {
    process.env.PAW_TEST_REMOVED = 'x';
    const env = ptyEnv({ PAW_TEST_REMOVED: undefined, PACKER_LOG: '1' });
    expect('PAW_TEST_REMOVED' in env).toBe(false);
    expect(env.PACKER_LOG).toBe('1');
    expect(Object.values(env).every((v) => typeof v === 'string')).toBe(true);
    delete process.env.PAW_TEST_REMOVED;
  });
});

describe('ByteBuffers', () => {
  it('encodes as UTF-8 and hands a buffer out again only once what it held was read', () => {
    const bytes = new ByteBuffers(64, 2);
    const first = bytes.encode('héllo ✓');
    expect(Buffer.from(first.data).toString()).toBe('héllo ✓');
    // Still being read: the next text gets another buffer, and the first keeps its bytes.
    const second = bytes.encode('world');
    expect(second.data.buffer).not.toBe(first.data.buffer);
    expect(Buffer.from(first.data).toString()).toBe('héllo ✓');
    first.release();
    const third = bytes.encode('again');
    expect(third.data.buffer).toBe(first.data.buffer);
    expect(Buffer.from(third.data).toString()).toBe('again');
    // A text that may not fit gets a buffer of its own, never kept.
    const long = 'x'.repeat(30);
    const own = bytes.encode(long);
    expect(Buffer.from(own.data).toString()).toBe(long);
    own.release();
    second.release();
    third.release();
    expect(bytes.encode('a').data.buffer).not.toBe(own.data.buffer);
    // Once cleared (the process ended), no buffer is kept, not even one read later.
    const late = bytes.encode('late');
    bytes.clear();
    late.release();
    expect(bytes.encode('b').data.buffer).not.toBe(late.data.buffer);
  });
});
