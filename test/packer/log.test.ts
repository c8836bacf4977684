import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LOG_FLUSH_MS, RunLog, runLogPaths } from '../../src/packer/log.js';
import { redactSecrets } from '../../src/packer/redact.js';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const TEMP_KEY_ID = 'ASIAY34FZKBOKMUTVV7A';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEMv//////////wEaCXVzLWVhc3QtMSJHMEUCIQD' + 'A'.repeat(300) + '==';

describe('redaction', () => {
  it('removes access key ids, secret keys and session tokens in the forms logs use', () => {
    const text = [
      `export AWS_ACCESS_KEY_ID=${KEY_ID}`,
      `AWS_SECRET_ACCESS_KEY=${SECRET}`,
      `aws_secret_access_key = ${SECRET}`,
      `"aws_session_token": "${TOKEN}"`,
      `GET /?Action=DescribeImages&X-Amz-Security-Token=${encodeURIComponent(TOKEN)}&X-Amz-Credential=${TEMP_KEY_ID}%2F20260613`,
      `AWS_SESSION_TOKEN ${TOKEN}`,
      `2026/06/13 [DEBUG] session token in use (redacted?): ${TOKEN}`,
      'ami-0123456789abcdef0 stays, and so does i-0123456789abcdef0',
    ].join('\n');
    const clean = redactSecrets(text);
    for (const secret of [KEY_ID, TEMP_KEY_ID, SECRET, TOKEN, encodeURIComponent(TOKEN), 'IQoJb3JpZ2luX2Vj']) {
      expect(clean).not.toContain(secret);
    }
    expect(clean).toContain('AWS_ACCESS_KEY_ID=[redacted]');
    expect(clean).toContain('AWS_SECRET_ACCESS_KEY=[redacted]');
    expect(clean).toContain('ami-0123456789abcdef0 stays, and so does i-0123456789abcdef0');
  });

  it('saves a log without credentials, ANSI codes or \\r rewrites, even when chunks split them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-log-'));
    const paths = runLogPaths(dir, 'step1-20260613T120000Z');
    expect(path.basename(paths.log)).toBe('step1-20260613T120000Z.log');
    expect(path.relative(dir, paths.debugLog)).toBe(path.join('.paw', 'logs', 'step1-20260613T120000Z.debug.log'));
    const log = await RunLog.open(paths.log, '$ packer build .');
    const raw = `\x1b[0;32m    amazon-ebs.x: key ${KEY_ID} secret aws_secret_access_key=${SECRET}\x1b[0m\r\nup 10%\rup 100%\r\n`;
    for (let i = 0; i < raw.length; i += 5) log.write(raw.slice(i, i + 5));
    log.note(`token aws_session_token=${TOKEN}`);
    await log.close();
    const saved = await readFile(paths.log, 'utf8');
    expect(saved).toBe(
      '$ packer build .\n    amazon-ebs.x: key AKIA[redacted] secret aws_secret_access_key=[redacted]\nup 100%\ntoken aws_session_token=[redacted]\n',
    );
  });

  /** A new run log with two lines of output taken, one holding a secret. */
  async function logWithTwoLines() {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-log-'));
    const paths = runLogPaths(dir, 'step1-20260613T120000Z');
    const log = await RunLog.open(paths.log);
    log.writeText(`one aws_secret_access_key=${SECRET}`);
    log.writeText('two');
    return { log, paths };
  }

  it("has a running build's lines on disk within a fraction of a second, without waiting for the end", async () => {
    const { log, paths } = await logWithTwoLines();
    await vi.waitFor(async () => expect(await readFile(paths.log, 'utf8')).toBe('one aws_secret_access_key=[redacted]\ntwo\n'), { timeout: LOG_FLUSH_MS * 10 });
    await log.close();
  });

  it('writes lines split by the output reader in order with its own notes, redacted', async () => {
    const { log, paths } = await logWithTwoLines();
    // A note comes after the lines taken before it, even before they were flushed.
    log.note('paw-tui: a note');
    log.writeText('three');
    log.flush();
    log.writeText('four');
    await log.close();
    expect(await readFile(paths.log, 'utf8')).toBe('one aws_secret_access_key=[redacted]\ntwo\npaw-tui: a note\nthree\nfour\n');
  });

  it('writes every text whole and in order, whatever its size and characters, over many flushes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-log-'));
    const paths = runLogPaths(dir, 'big-20260101T000000Z-abcd');
    const log = await RunLog.open(paths.log);
    const expected: string[] = [];
    let seed = 11;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < 400; i++) {
      // ASCII, accents, emoji, and now and then a text too big for one buffer.
      const unit = ['line ', 'héllo ', '😀 ', '✓'][next(4)]!;
      const text = `${i}: ${unit.repeat(next(7) === 0 ? 300_000 : 1 + next(3000))}`;
      const redacted = next(2) === 0;
      log.writeText(text, redacted);
      expected.push(text);
      if (next(5) === 0) log.flush();
    }
    await log.close();
    expect(await readFile(paths.log, 'utf8')).toBe(expected.join('\n') + '\n');
  });
});
