import { describe, expect, it } from 'vitest';
import { BlockSplitter, LineSplitter, plainBlockOf, plainLine, resolveCarriageReturns } from '../../src/packer/lines.js';
import { PackerOutput, type OutputEvent } from '../../src/packer/output.js';
import { forgetSecrets, RedactingStream, redactBlock, rememberSecret } from '../../src/packer/redact.js';

const EBS_LOG = [
  '\x1b[1;32mamazon-ebs.ubuntu: output will be in this color.\x1b[0m',
  '',
  '\x1b[1;32m==> amazon-ebs.ubuntu: Prevalidating AMI Name: base/wf/step1\x1b[0m',
  '\x1b[0;32m    amazon-ebs.ubuntu: Found Image ID: ami-0aaaaaaaaaaaaaaaa\x1b[0m',
  '\x1b[1;32m==> amazon-ebs.ubuntu: Launching a source AWS instance...\x1b[0m',
  '\x1b[0;32m    amazon-ebs.ubuntu: Instance ID: i-0123456789abcdef0\x1b[0m',
  '\x1b[1;32m==> amazon-ebs.ubuntu: Waiting for instance (i-0123456789abcdef0) to become ready...\x1b[0m',
  '\x1b[1;32m==> amazon-ebs.ubuntu: Creating AMI base/wf/step1 from instance i-0123456789abcdef0\x1b[0m',
  '\x1b[0;32m    amazon-ebs.ubuntu: AMI: ami-0bbbbbbbbbbbbbbbb\x1b[0m',
  "\x1b[1;32mBuild 'amazon-ebs.ubuntu' finished after 4 minutes 2 seconds.\x1b[0m",
  '',
  '==> Wait completed after 4 minutes 2 seconds',
  '',
  '==> Builds finished. The artifacts of successful builds are:',
  '--> amazon-ebs.ubuntu: AMIs were created:',
  'eu-west-1: ami-0bbbbbbbbbbbbbbbb',
  '',
].join('\r\n');

describe('lines', () => {
  it('resolves \\r rewrites like a terminal and strips colours', () => {
    expect(resolveCarriageReturns('copying 10%\rcopying 55%\rdone')).toBe('doneing 55%');
    expect(plainLine('\x1b[1;32mok\x1b[0m 10%\r\x1b[2Kok 100%\r')).toBe('ok 100%');
    // An OSC never ended, an ESC alone, a C1 control: nothing a terminal would act on stays.
    expect(plainLine('a \x1b]8;;x no end')).toBe('a ]8;;x no end');
    expect(plainLine('x\u0090y \x1b')).toBe('xy ');
  });

  it('joins lines split across chunks, even inside an escape sequence', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    for (const chunk of ['one\r\ntw', 'o\x1b[1', ';31m red\x1b[0m\r', '\nthree']) s.push(chunk);
    s.end();
    expect(lines).toEqual(['one', 'two red', 'three']);
  });
});

describe('lines of a chunk cleaned together', () => {
  it('gives each line as plainLine would, whatever escapes a chunk mixes and wherever it is cut', () => {
    const raw = [
      '\x1b[0;32m    amazon-ebs.ubuntu: Get:1 jammy libc6 [2 kB]\x1b[0m',
      '\x1b[1;31m==> amazon-ebs.ubuntu: W: failed\x1b[0m',
      'Progress: [ 42%]\r\x1b[2KProgress: [100%]',
      'a \x1b]8;;https://example.com\x07link\x1b]8;;\x07 and \x9b31mC1 red\x9b0m',
      '\x1b[38;5;208mor\x1b[38;2;1;2;3mrgb\x1b[0m \x1b[?25l\x1b[1A\x1bM up',
      'plain line',
      '',
    ].join('\r\n');
    const want = raw.split('\n').map(plainLine);
    for (const size of [1, 3, 17, 64, raw.length]) {
      const lines: string[] = [];
      const s = new LineSplitter((l) => lines.push(l));
      for (let i = 0; i < raw.length; i += size) s.push(raw.slice(i, i + size));
      s.end();
      expect(lines, `chunks of ${size}`).toEqual(want.slice(0, -1));
    }
    expect(want.slice(0, 3)).toEqual(['    amazon-ebs.ubuntu: Get:1 jammy libc6 [2 kB]', '==> amazon-ebs.ubuntu: W: failed', 'Progress: [100%]']);
  });
});

describe('lines of a chunk as one text', () => {
  // Pieces Packer's output is made of, and the ones that make a chunk take the slow way.
  const PIECES = [
    'a',
    'ok ',
    ' ',
    '\r',
    '\n',
    '\r\n',
    '\x1b[0m',
    '\x1b[1;32m',
    '\x1b[m',
    '\x1b[2K',
    '\x1b]8;;x\x07',
    '\x9b31m',
    'é',
    '\x1b[',
    '\x1b',
    'm',
    '3;',
    '==> b: ',
    '😀',
  ];

  /** A small seeded generator: the same cases on every run. */
  function random(seed: number): () => number {
    return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  }

  /** What a whole output's lines read as, each on its own (plainLine), the last one if it has anything. */
  const linesOf = (raw: string) => {
    const parts = raw.split('\n');
    if (parts.at(-1) === '') parts.pop();
    return parts.map(plainLine);
  };

  it('gives each line as plainLine would, for any text and any chunking', () => {
    const next = random(7);
    for (let round = 0; round < 400; round++) {
      let raw = '';
      const count = 1 + Math.floor(next() * 80);
      for (let i = 0; i < count; i++) raw += PIECES[Math.floor(next() * PIECES.length)];
      const lines: string[] = [];
      const texts: string[] = [];
      const byLine = new LineSplitter((l) => lines.push(l));
      const byBlock = new BlockSplitter((t) => texts.push(t));
      for (let i = 0; i < raw.length;) {
        const size = 1 + Math.floor(next() * 24);
        byLine.push(raw.slice(i, i + size));
        byBlock.push(raw.slice(i, i + size));
        i += size;
      }
      byLine.end();
      byBlock.end();
      expect(lines, JSON.stringify(raw)).toEqual(linesOf(raw));
      expect(texts.join('\n'), JSON.stringify(raw)).toBe(linesOf(raw).join('\n'));
    }
  });

  it("gives the same lines from the redacting terminal's plain pieces as from what it shows", () => {
    // The reader takes a piece without colour codes where the redaction made one: the lines must
    // be those of the shown output, secrets masked the same.
    rememberSecret('plain-value-1');
    const pieces = [...PIECES, 'plain-value-1', 'AKIAIOSFODNN7EXAMPLE', '\x1b[1mAKIA', 'IOSFODNN7EXAMPLE\x1b[0m', 'TOKEN=', '\x1b[32m'];
    const next = random(23);
    try {
      for (let round = 0; round < 400; round++) {
        let raw = '';
        for (let i = 1 + Math.floor(next() * 60); i > 0; i--) raw += pieces[Math.floor(next() * pieces.length)];
        const lines: string[] = [];
        const texts: string[] = [];
        const byLine = new LineSplitter((l) => lines.push(l));
        const reader = new PackerOutput();
        reader.onText((t, redacted) => {
          texts.push(t);
          // What the log writes as it is: redacting it again changes nothing.
          if (redacted) expect(redactBlock(t), JSON.stringify(raw)).toBe(t);
        });
        const stream = new RedactingStream((shown, plain) => {
          byLine.push(shown);
          reader.push(shown, plain);
        });
        for (let i = 0; i < raw.length;) {
          const size = 1 + Math.floor(next() * 24);
          stream.push(raw.slice(i, i + size));
          i += size;
        }
        stream.end();
        byLine.end();
        reader.end();
        expect(texts.join('\n'), JSON.stringify(raw)).toBe(lines.join('\n'));
        expect(lines.join('\n'), JSON.stringify(raw)).not.toContain('plain-value-1');
      }
    } finally {
      forgetSecrets();
    }
  });

  it('says which texts came redacted as plain text and stayed so: those the log writes as they are', () => {
    const said: boolean[] = [];
    const reader = new PackerOutput();
    reader.onText((_, redacted) => said.push(redacted));
    const stream = new RedactingStream((shown, plain) => reader.push(shown, plain));
    // Packer's coloured lines, whole: redacted as plain text.
    stream.push('\x1b[0;32m    b: Get:1 jammy libc6\x1b[0m\r\n\x1b[1;32m==> b: Next\x1b[0m\r\n');
    // A line that rewrites itself: read again once resolved, so redacted too.
    stream.push('Progress: 10%\rProgress: 100%\r\n');
    // Another escape, a line let through in two pieces: not.
    stream.push('a \x1b[2K b\r\n');
    reader.push('half a line ');
    reader.push('and its end\r\n', 'and its end\r\n');
    stream.push('\x1b[1mdone\x1b[0m\r\n');
    stream.end();
    reader.end();
    expect(said).toEqual([true, true, false, false, true]);
  });

  it('reads a line a \\r rewrote again once resolved: a secret that only its final text shows is masked', () => {
    const texts: string[] = [];
    const reader = new PackerOutput();
    reader.onText((text, redacted) => texts.push(`${redacted}:${text}`));
    const stream = new RedactingStream((shown, plain) => reader.push(shown, plain));
    // Neither piece holds a secret's name before its value; the line as shown does.
    stream.push('\x1b[0;32mXXXXXXXX=hunter22\rpassword\x1b[0m\r\n');
    stream.push('XXXXXXXX=hunter22\rpassword\r\n');
    stream.end();
    reader.end();
    expect(texts).toEqual(['true:password=[redacted]', 'true:password=[redacted]']);
  });

  it('takes colour codes and line ends off in one pass, and resolves a line that rewrites itself', () => {
    expect(plainBlockOf('\x1b[0;32m    b: Get:1\x1b[0m\r\n\x1b[1;32m==> b: Next\x1b[0m\r').text).toBe('    b: Get:1\n==> b: Next');
    expect(plainBlockOf('x\r\nProgress: [ 42%]\r\x1b[0;32mProgress: [100%]\x1b[0m\r\ny').text).toBe('x\nProgress: [100%]\ny');
    expect(plainBlockOf('a \x1b[?25l b').text).toBe(plainLine('a \x1b[?25l b'));
  });
});

describe('PackerOutput', () => {
  it('picks out builds, phases with times, the instance id and the AMI, from any chunking', () => {
    for (const size of [1, 7, 64, EBS_LOG.length]) {
      let t = 1000;
      const out = new PackerOutput({ now: () => (t += 10) });
      const events: OutputEvent[] = [];
      out.on((e) => events.push(e));
      for (let i = 0; i < EBS_LOG.length; i += size) out.push(EBS_LOG.slice(i, i + size));
      out.end();
      expect(out.builds).toEqual(['amazon-ebs.ubuntu']);
      expect(out.phases.map((p) => p.message)).toEqual([
        'Prevalidating AMI Name: base/wf/step1',
        'Launching a source AWS instance...',
        'Waiting for instance (i-0123456789abcdef0) to become ready...',
        'Creating AMI base/wf/step1 from instance i-0123456789abcdef0',
      ]);
      expect(out.phases[0]!.endedAt).toBe(out.phases[1]!.startedAt);
      expect(out.phases.every((p) => p.endedAt !== undefined)).toBe(true);
      expect(out.instanceId).toBe('i-0123456789abcdef0');
      expect(out.amiId('eu-west-1')).toBe('ami-0bbbbbbbbbbbbbbbb');
      expect(out.amis).toEqual([{ amiId: 'ami-0bbbbbbbbbbbbbbbb', region: 'eu-west-1' }]);
      expect(events.filter((e) => e.kind === 'instance')).toHaveLength(1);
      expect(out.buildLines('amazon-ebs.ubuntu')).toContain('    amazon-ebs.ubuntu: Instance ID: i-0123456789abcdef0');
      expect(out.buildLines('amazon-ebs.ubuntu')).toContain('--> amazon-ebs.ubuntu: AMIs were created:');
    }
  });

  it('takes only Packer step messages as phases; errors are failed phases; tool output stays in the log', () => {
    const out = new PackerOutput();
    const log = [
      '==> amazon-ebs.ubuntu: Provisioning with shell script: /tmp/packer-shell123',
      '==> amazon-ebs.ubuntu: debconf: unable to initialize frontend: Dialog',
      '==> amazon-ebs.ubuntu: E: Unable to locate package nope',
      '==> amazon-ebs.ubuntu: WARNING: apt does not have a stable CLI interface.',
      '==> amazon-ebs.ubuntu: + apt-get install -y nginx',
      '    amazon-ebs.ubuntu: Setting up nginx (1.18.0)',
      '==> amazon-ebs.ubuntu: Error launching source instance: UnauthorizedOperation: You are not authorized',
      '==> amazon-ebs.ubuntu: Step "StepRunSourceInstance" failed',
      "Build 'amazon-ebs.ubuntu' errored after 2 seconds 10 milliseconds: Error launching source instance",
    ];
    const lines: string[] = [];
    out.onText((text) => lines.push(...text.split('\n')));
    out.push(log.join('\n') + '\n');
    out.end();
    expect(out.phases.map((p) => [p.message, p.failed ?? false])).toEqual([
      ['Provisioning with shell script: /tmp/packer-shell123', false],
      ['Error launching source instance: UnauthorizedOperation: You are not authorized', true],
      ['Step "StepRunSourceInstance" failed', true],
      ['errored: Error launching source instance', true],
    ]);
    expect(lines).toEqual(log);
  });

  it('reads build names of named HCL build blocks, spaces and all', () => {
    const out = new PackerOutput();
    out.push('install python.amazon-ebs.ubuntu: output will be in this color.\n');
    out.push('==> install python.amazon-ebs.ubuntu: Launching a source AWS instance...\n');
    out.push('    install python.amazon-ebs.ubuntu: Instance ID: i-0123456789abcdef0\n');
    out.push('==> Builds finished. The artifacts of successful builds are:\n');
    expect(out.builds).toEqual(['install python.amazon-ebs.ubuntu']);
    expect(out.phases.map((p) => [p.build, p.message])).toEqual([['install python.amazon-ebs.ubuntu', 'Launching a source AWS instance...']]);
    expect(out.buildLines('install python.amazon-ebs.ubuntu')).toContain('    install python.amazon-ebs.ubuntu: Instance ID: i-0123456789abcdef0');
  });

  it("reads a known build's phases by how its lines start as the pattern reads them", () => {
    const lines = [
      'amazon-ebs.ubuntu: output will be in this color.',
      '==> amazon-ebs.ubuntu: Prevalidating AMI Name: paw',
      '==> amazon-ebs.ubuntu: Waiting: for: colons',
      '==> amazon-ebs.ubuntu: Message with a \u2028 separator',
      '==> amazon-ebs.ubuntu:  Leading space kept out by trim',
      '==> amazon-ebs.ubuntu:No space after the colon',
      '==> amazon-ebs.ubuntu.arm: Another build named here',
      '==> amazon-ebs.ubuntu: Launching a source AWS instance...',
    ];
    // Once with the build known from its first line on; once with every phase line read by
    // the pattern alone (no colour line: each `==>` line names its build).
    const known = new PackerOutput();
    const fresh = lines.slice(1).map((line) => {
      const out = new PackerOutput();
      out.push(`${line}\n`);
      return out.phases.map((p) => [p.build, p.message]);
    });
    known.push(lines.join('\n') + '\n');
    expect(known.phases.map((p) => [p.build, p.message])).toEqual(fresh.flat());
    expect(known.phases.map((p) => p.message)).toEqual([
      'Prevalidating AMI Name: paw',
      'Leading space kept out by trim',
      'Another build named here',
      'Launching a source AWS instance...',
    ]);
  });

  it('keeps one line list per parallel build, bounded', () => {
    const out = new PackerOutput({ maxLinesPerBuild: 3 });
    out.push('==> null.a: Running\n==> null.b: Running\n    null.a: one\n    null.b: uno\n    null.a: two\n    null.a: three\n    null.a: four\n');
    expect(out.builds).toEqual(['null.a', 'null.b']);
    expect(out.buildLines('null.a')).toEqual(['    null.a: two', '    null.a: three', '    null.a: four']);
    expect(out.buildLines('null.b')).toEqual(['==> null.b: Running', '    null.b: uno']);
    expect(out.lastLines(2)).toEqual(['    null.a: three', '    null.a: four']);
  });

  it("keeps a name's lines for its build only once Packer has named the build, in every form", () => {
    const out = new PackerOutput();
    out.push('    null.a: before\n    null.b: other\n==> null.a: Running\n    null.a: one\n   null.a: three spaces\n');
    out.push('--> null.a: arrow\n==> null.a: again\n    null.a:no space\n    null.a: two\u2028on one line\n    null.b: still other\n');
    expect(out.builds).toEqual(['null.a']);
    expect(out.buildLines('null.a')).toEqual([
      '==> null.a: Running',
      '    null.a: one',
      '   null.a: three spaces',
      '--> null.a: arrow',
      '==> null.a: again',
      '    null.a: two\u2028on one line',
    ]);
    expect(out.buildLines('null.b')).toEqual([]);
  });

  it('gives the same lines of a build whether a pane asked for them from the start or only at the end', () => {
    const first = '    null.a: before\n    null.b: other\n==> null.a: Running\n    null.a: one\n';
    const rest = '   null.a: three spaces\n--> null.a: arrow\n    null.b: still other\n    null.a: last\n';
    const early = new PackerOutput();
    early.push(first);
    expect(early.buildLines('null.a')).toEqual(['==> null.a: Running', '    null.a: one']);
    early.push(rest);
    const late = new PackerOutput();
    late.push(first);
    late.push(rest);
    expect(early.buildLines('null.a')).toEqual(late.buildLines('null.a'));
    expect(late.buildLines('null.a')).toEqual(['==> null.a: Running', '    null.a: one', '   null.a: three spaces', '--> null.a: arrow', '    null.a: last']);
  });

  it('keeps the last lines of each build asked for, and of the output, within their bounds', () => {
    const out = new PackerOutput({ maxLinesPerBuild: 3, recentLines: 4 });
    out.push('==> null.a: Running\n');
    expect(out.buildLines('null.a')).toEqual(['==> null.a: Running']);
    for (let i = 0; i < 10; i++) out.push(`    null.a: line ${i}\n    other ${i}\n`);
    expect(out.buildLines('null.a')).toEqual(['    null.a: line 7', '    null.a: line 8', '    null.a: line 9']);
    expect(out.lastLines(2)).toEqual(['    null.a: line 9', '    other 9']);
    expect(out.lastLines(10)).toEqual(['    null.a: line 8', '    other 8', '    null.a: line 9', '    other 9']);
    expect(out.lastLines(0)).toEqual([]);
  });

  it("asked for late, a build's lines come from the last 4 MB of output; asked for early, they are all kept", () => {
    const early = new PackerOutput();
    const late = new PackerOutput();
    const named = '==> null.a: Running\n    null.a: early line\n==> null.b: Running\n';
    const flood = `    null.b: ${'x'.repeat(1000)}\n`.repeat(5000);
    for (const out of [early, late]) out.push(named);
    expect(early.buildLines('null.a')).toHaveLength(2);
    for (const out of [early, late]) for (let i = 0; i < 5; i++) out.push(flood);
    expect(early.buildLines('null.a')).toEqual(['==> null.a: Running', '    null.a: early line']);
    expect(late.buildLines('null.a')).toEqual([]);
    expect(late.buildLines('null.b').length).toBeGreaterThan(3000);
  });

  it('reads "Launched instance" and AMIs of several regions', () => {
    const out = new PackerOutput();
    out.push('==> amazon-ebs: Launched instance: i-0fedcba9876543210\n');
    out.push('--> amazon-ebs: AMIs were created:\nus-east-1: ami-01111111111111111\neu-west-1: ami-02222222222222222\n\n');
    out.push('eu-central-1: ami-03333333333333333\n');
    out.end();
    expect(out.instanceId).toBe('i-0fedcba9876543210');
    expect(out.amiId('eu-west-1')).toBe('ami-02222222222222222');
    expect(out.amiId('ap-south-1')).toBe('ami-01111111111111111');
    expect(out.amis).toHaveLength(2);
  });
});

describe('PackerOutput errors', () => {
  it('keeps the error Packer gives for each build that errored', () => {
    const out = new PackerOutput();
    out.push("\x1b[1;31mBuild 'null.broken' errored after 17 milliseconds 875 microseconds: Script exited with non-zero exit status: 3.\x1b[0m\r\n");
    expect(out.errors).toEqual(['null.broken: Script exited with non-zero exit status: 3.']);
  });
});

describe('firstError', () => {
  it("gives the line of Packer's output that says what is wrong, with its position when known", async () => {
    const { firstError } = await import('../../src/packer/preflight.js');
    expect(
      firstError('Error: Unsupported argument\n\n  on step1.pkr.hcl line 4:\n  (source code not available)\n\nAn argument named "x" is not expected here.'),
    ).toBe('Error: Unsupported argument (on step1.pkr.hcl line 4)');
    expect(firstError('Error: Unknown source null.missing\n\n  on  line 0:\n  (source code not available)')).toBe('Error: Unknown source null.missing');
    expect(firstError('something odd\nand more')).toBe('something odd');
  });
});

describe('a progress bar that never ends its line', () => {
  it('keeps memory bounded and still gives the last rewrite', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    for (let i = 0; i <= 100_000; i++) s.push(`\rdownloading ${String(i).padStart(6)} of 100000`);
    s.push('\n');
    expect(lines).toEqual(['downloading 100000 of 100000']);
  });
});
