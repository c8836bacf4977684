import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  forgetSecrets,
  hasBase64Run,
  isSecretName,
  redactBlock,
  redactSecrets,
  RedactingStream,
  rememberSecret,
  rememberSecretsOf,
  secretRanges,
  secretRangesUnfiltered,
} from '../../src/packer/redact.js';

afterEach(() => {
  forgetSecrets();
  vi.useRealTimers();
});

/** What a redacting stream lets through of `line` pushed in two chunks, cut at `cut`. */
function streamed(line: string, cut: number): string {
  let out = '';
  const stream = new RedactingStream((t) => (out += t));
  stream.push(line.slice(0, cut));
  stream.push(line.slice(cut));
  stream.end();
  return out;
}

const PAT = 'ghp_' + 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('redaction by shape', () => {
  it.each([
    [`export TOKEN=${PAT}`, 'export TOKEN=[redacted]'],
    [`cloning with ${PAT}`, 'cloning with [redacted]'],
    ['token github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'token [redacted]'],
    ['hook xoxb-1234567890-abcdefABCDEF sent', 'hook [redacted] sent'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', 'Authorization: Bearer [redacted]'],
    ['mysql -u root password=hunter2x', 'mysql -u root password=[redacted]'],
    ['credentials: okay-not-a-state', 'credentials: [redacted]'],
    ['{"db_password": "s3cr3t!"}', '{"db_password": "[redacted]"}'],
    [`secret ${SECRET_KEY} here`, 'secret [redacted] here'],
    ['key ASIAY34FZKBOKMUTVV7A', 'key ASIA[redacted]'],
  ])('%s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
    // The log reads what the screen masked once more: nothing changes the second time.
    expect(redactSecrets(output)).toBe(output);
    expect(redactBlock(output)).toBe(output);
  });

  it('leaves ids, hashes and placeholders alone', () => {
    const text = [
      'ami-0123456789abcdef0 i-0123456789abcdef0 snap-0123456789abcdef0',
      'commit 3f786850e387550fdab836ed7e6dc881de23001b',
      'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      'aws_secret_access_key = null',
      'token: ${var.token}',
      'check AWS credentials: ok',
      'api_key: missing',
    ].join('\n');
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('redaction by value', () => {
  it('masks every remembered value, bare, URL-encoded and JSON-escaped, and the secret keys of params', () => {
    rememberSecretsOf({ workflow_id: 'paw-example', github_token: 'plain-value-1', nested: { api_key: 'plain-value-2' }, vpc_name: 'default-vpc' });
    rememberSecret('a/b+c"d=e');
    expect(redactSecrets('plain-value-1 plain-value-2 default-vpc paw-example')).toBe('[redacted] [redacted] default-vpc paw-example');
    expect(redactSecrets('q=a%2Fb%2Bc%22d%3De and "a/b+c\\"d=e"')).toBe('q=[redacted] and "[redacted]"');
  });

  it('reads secret-named variables of the environment', () => {
    vi.stubEnv('MY_SERVICE_TOKEN', 'from-the-env-123');
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', '/var/run/secrets/token');
    forgetSecrets();
    expect(redactSecrets('x from-the-env-123 /var/run/secrets/token')).toBe('x [redacted] /var/run/secrets/token');
    vi.unstubAllEnvs();
  });

  it('knows which names hold secrets', () => {
    for (const name of ['aws_secret_access_key', 'aws_session_token', 'AWS_ACCESS_KEY_ID', 'GITHUB_TOKEN', 'db_password', 'api_key'])
      expect(isSecretName(name), name).toBe(true);
    for (const name of ['workflow_id', 'ec2_iam_role_name', 'ssh_private_key_file', 'profile_name', 'security_group_name'])
      expect(isSecretName(name), name).toBe(false);
  });
});

describe('RedactingStream', () => {
  const line = `start export TOKEN=${PAT} key AKIAIOSFODNN7EXAMPLE known plain-value-1 end\n`;
  const expected = 'start export TOKEN=[redacted] key AKIA[redacted] known [redacted] end\n';

  it('masks a secret split at any point between two chunks', () => {
    rememberSecret('plain-value-1');
    for (let cut = 1; cut < line.length; cut++) expect(streamed(line, cut), `cut at ${cut}`).toBe(expected);
  });

  it('lets an unfinished line (a prompt) through when no more comes, keeping the line as context', () => {
    vi.useFakeTimers();
    let out = '';
    const stream = new RedactingStream((t) => (out += t), 100);
    stream.push('[c] Clean up and exit? ');
    expect(out).toBe('');
    vi.advanceTimersByTime(150);
    expect(out).toBe('[c] Clean up and exit? ');
    stream.push('password: hun');
    vi.advanceTimersByTime(150);
    // The unfinished word waits a little longer: it may be the start of a secret.
    expect(out).toBe('[c] Clean up and exit? password: ');
    stream.push('ter2x\n');
    expect(out).toBe('[c] Clean up and exit? password: [redacted]\n');
    stream.push('waiting');
    vi.advanceTimersByTime(1000);
    expect(out.endsWith('\nwaiting')).toBe(true);
  });

  it('hands on coloured lines as plain text too, their colour codes and the \\r of each \\r\\n gone', () => {
    const got: [string, string | undefined][] = [];
    const stream = new RedactingStream((text, plain) => got.push([text, plain]));
    const raw = '\x1b[0;32m    b: Get:1\x1b[0m\r\n\x1b[1;32m==> b: Next\x1b[0m\r\nno colour\r\n\x1b[0;32mtail';
    stream.push(raw);
    stream.end();
    expect(got.map(([text]) => text).join('')).toBe(raw);
    // A line without colour keeps its \r\n (the line reader takes it off); a rewrite keeps its \r.
    expect(got[0]).toEqual([raw.slice(0, raw.lastIndexOf('\n') + 1), '    b: Get:1\n==> b: Next\nno colour\r\n']);
    const rewrite: (string | undefined)[] = [];
    const again = new RedactingStream((_, plain) => rewrite.push(plain));
    again.push('\x1b[0;32m10%\r\x1b[0;32m100%\x1b[0m\r\n');
    expect(rewrite).toEqual(['10%\r100%\n']);
  });

  it('hands on the plain text of whole lines when a chunk stops inside a colour code', () => {
    vi.useFakeTimers();
    try {
      const got: [string, string | undefined][] = [];
      const stream = new RedactingStream((text, plain) => got.push([text, plain]), 100);
      stream.push('\x1b[0;32mA\x1b[0m\r\n\x1b[0;3');
      stream.push('2mB\x1b[0m\r\nC \x1b');
      // Let through at last, unfinished: no plain text holds the start of a code.
      vi.advanceTimersByTime(1000);
      expect(got).toEqual([
        ['\x1b[0;32mA\x1b[0m\r\n', 'A\n'],
        ['\x1b[0;32mB\x1b[0m\r\n', 'B\n'],
        ['C ', 'C '],
        ['\x1b', undefined],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits for the idle time after the last chunk, not the first, before it lets a line through', () => {
    vi.useFakeTimers();
    try {
      let out = '';
      const stream = new RedactingStream((t) => (out += t), 100);
      stream.push('Progress: 1');
      vi.advanceTimersByTime(80);
      stream.push('0% ');
      vi.advanceTimersByTime(80);
      stream.push('20% ');
      vi.advanceTimersByTime(80);
      expect(out).toBe('');
      vi.advanceTimersByTime(30);
      expect(out).toBe('Progress: 10% 20% ');
      // A longer wait under way (for a trailing word) gives way to the usual one when more comes.
      stream.push('abc def');
      vi.advanceTimersByTime(100);
      expect(out).toBe('Progress: 10% 20% abc ');
      vi.advanceTimersByTime(10);
      stream.push('g');
      vi.advanceTimersByTime(310);
      expect(out).toBe('Progress: 10% 20% abc defg');
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets a very long line through in pieces that never split a character in two', () => {
    // 70,000 emoji (two UTF-16 units each) and no line break: cut at 64 KB, where a pair falls.
    const text = '😀'.repeat(35_000) + 'x' + '😀'.repeat(35_000);
    const pieces: string[] = [];
    const stream = new RedactingStream((t) => pieces.push(t));
    for (let i = 0; i < text.length; i += 4095) stream.push(text.slice(i, i + 4095));
    stream.end();
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(2);
    const loneHalf = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const piece of pieces) expect(loneHalf.test(piece)).toBe(false);
  });
});

describe('secrets printed with escape sequences in or around them', () => {
  // How the screen and stdout would show them, each line cut at every point between two chunks.
  const cases: [string, string][] = [
    // In colour: the colour code's `m` is no part of the key, and no word goes on into it.
    [`\x1b[32m${SECRET_KEY}\x1b[0m\r\n`, '\x1b[32m[redacted]\x1b[0m\r\n'],
    ['\x1b[1mAKIAIOSFODNN7EXAMPLE\x1b[0m\r\n', '\x1b[1mAKIA[redacted]\x1b[0m\r\n'],
    // A highlight inside it (grep --color): read as the terminal shows it.
    ['key: AKIA\x1b[1mIOSFODNN7EXAMPLE\x1b[0m\r\n', 'key: AKIA\x1b[1m[redacted]\x1b[0m\r\n'],
    ['AWS_SECRET_ACCESS_\x1b[01;31mKEY\x1b[m=hunter2hunter2 and more\r\n', 'AWS_SECRET_ACCESS_\x1b[01;31mKEY\x1b[m=[redacted] and more\r\n'],
    [`known: plain-\x1b]8;;x\x07value\x1b]8;;\x07-1 \x9b1mok\x9b0m\r\n`, 'known: [redacted] \x9b1mok\x9b0m\r\n'],
  ];

  it('masks them on the screen as the log does, wherever the output is cut', () => {
    rememberSecret('plain-value-1');
    for (const [line, expected] of cases) {
      for (let cut = 1; cut < line.length; cut++) expect(streamed(line, cut), `${JSON.stringify(line)} cut at ${cut}`).toBe(expected);
    }
  });

  it('masks a known value however escape sequences and their look-alikes are mixed into it', () => {
    rememberSecret('plain-value-1');
    // What strip-ansi takes out, as a terminal shows the text: the value must not be there.
    const strip = (t: string) => t.replace(/(?:\x1b\[|\x9b)[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '');
    const bits = ['\x1b[0m', '\x1b[1;32m', '\x1b[', '\x1b', '\x9b', '\x9b1m', '\x9b[0m', '\x1b]8;;x\x07', '\x1b[2K', '\x1bM', 'm', '[', '-', ' '];
    let seed = 11;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 0) % n;
    for (let round = 0; round < 2000; round++) {
      let text = '';
      for (const ch of 'plain-value-1') text += (random(3) === 0 ? bits[random(bits.length)] : '') + ch;
      text = bits[random(bits.length)] + text + bits[random(bits.length)];
      const shown = strip(text);
      const out = strip(redactSecrets(text));
      if (shown.includes('plain-value-1')) expect(out, JSON.stringify(text)).not.toContain('plain-value-1');
      else expect(redactSecrets(text), JSON.stringify(text)).toBe(text);
    }
  });

  it('keeps every escape sequence outside a secret, and text without one as it is', () => {
    const text = '\x1b[0;32m    amazon-ebs.ubuntu: Get:1 jammy libc6 [2 kB]\x1b[0m\r\n\x1b[1;31m==> b: failed\x1b[0m';
    expect(redactSecrets(text)).toBe(text);
    expect(secretRanges('\x1b[1m\x1b[0m')).toEqual([]);
    expect(redactSecrets(`a \x1b[2K\x1b[1A${SECRET_KEY}`)).toBe('a \x1b[2K\x1b[1A[redacted]');
  });
});

describe('the literal checks before each pattern', () => {
  // Pieces of secrets and of their neighbours, in several cases, joined at random: every text
  // must give the same ranges whether the patterns run on it or not.
  const pieces = [
    PAT,
    SECRET_KEY,
    'AKIAIOSFODNN7EXAMPLE',
    'ASIAY34FZKBOKMUTVV7A',
    'github_pat_11ABCDEFG0123456789_abcdefijklmnopqrst',
    'xoxb-1234567890-abcdef',
    'Bearer ',
    'BEARER\t',
    'Authorization: ',
    'password=',
    'PassWd: ',
    'db_password": "',
    'PRIVATE_KEY=',
    'apiKey:',
    'Access_Key = ',
    'credentials=',
    'aws_secret_access_key ',
    'X-Amz-Security-Token ',
    'Session Token: ',
    'security-token ',
    'A'.repeat(120),
    'aB3/+'.repeat(25),
    'hunter2x',
    's3cr3t!',
    ' ',
    '\n',
    '\r',
    '=',
    '"',
    "'",
    '\x1b[1;32m',
    '\x1b[0m',
    'ami-0123456789abcdef0',
    '3f786850e387550fdab836ed7e6dc881de23001b',
    '${var.token}',
    'null',
    'ſecret',
    'İ',
    'K',
    'plain-value-1',
  ];
  it('change no range over 3,000 mixed texts', () => {
    rememberSecret('plain-value-1');
    let seed = 7;
    // xorshift32: every piece comes up (a plain linear congruential step skips half of them).
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    for (let i = 0; i < 3000; i++) {
      const parts = Array.from({ length: 1 + random(8) }, () => {
        const p = pieces[random(pieces.length)]!;
        return random(4) === 0 ? p.toUpperCase() : random(4) === 0 ? p.toLowerCase() : p;
      });
      const text = parts.join(random(2) ? '' : ' ');
      expect(secretRanges(text), JSON.stringify(text)).toEqual(secretRangesUnfiltered(text));
      const lines = text.split('\n');
      expect(redactBlock(lines.join('\n')), JSON.stringify(text)).toBe(lines.map(redactSecrets).join('\n'));
    }
  });

  it('finds a run of 40 base64 characters only where there is one', () => {
    expect(hasBase64Run('x'.repeat(39) + '-' + 'y'.repeat(39), 40)).toBe(false);
    expect(hasBase64Run('-' + 'a/+Z9'.repeat(8) + '-', 40)).toBe(true);
    // Wherever the run starts and ends against the probes, and at the very ends of the text.
    for (let lead = 0; lead < 45; lead++) {
      for (const length of [39, 40, 41, 80]) {
        const text = '.'.repeat(lead) + 'b'.repeat(length) + '.'.repeat(lead % 3);
        expect(hasBase64Run(text, 40), `${lead}+${length}`).toBe(length >= 40);
      }
    }
    // Short runs one after another, where a probe lands in one and the next run starts right after it.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      for (let length = Math.floor(random() * 160); text.length < length;)
        text += random() < 0.96 ? 'aZ9/+'[Math.floor(random() * 5)] : ' -.:é'[Math.floor(random() * 5)];
      expect(hasBase64Run(text, 40), JSON.stringify(text)).toBe(/[A-Za-z0-9/+]{40}/.test(text));
    }
  });
});
