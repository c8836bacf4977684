import { afterEach, describe, expect, it, vi } from 'vitest';
import { forgetSecrets, isSecretName, redactSecrets, RedactingStream, rememberSecret, rememberSecretsOf } from '../../src/packer/redact.js';

afterEach(() => {
  forgetSecrets();
  vi.useRealTimers();
});

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
    ['{"db_password": "s3cr3t!"}', '{"db_password": "[redacted]"}'],
    [`secret ${SECRET_KEY} here`, 'secret [redacted] here'],
    ['key ASIAY34FZKBOKMUTVV7A', 'key ASIA[redacted]'],
  ])('%s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });

  it('leaves ids, hashes and placeholders alone', () => {
    const text = [
      'ami-0123456789abcdef0 i-0123456789abcdef0 snap-0123456789abcdef0',
      'commit 3f786850e387550fdab836ed7e6dc881de23001b',
      'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      'aws_secret_access_key = null',
      'token: ${var.token}',
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
    for (const name of ['aws_secret_access_key', 'aws_session_token', 'AWS_ACCESS_KEY_ID', 'GITHUB_TOKEN', 'db_password', 'api_key']) expect(isSecretName(name), name).toBe(true);
    for (const name of ['workflow_id', 'ec2_iam_role_name', 'ssh_private_key_file', 'profile_name', 'security_group_name']) expect(isSecretName(name), name).toBe(false);
  });
});

describe('RedactingStream', () => {
  const line = `start export TOKEN=${PAT} key AKIAIOSFODNN7EXAMPLE known plain-value-1 end\n`;
  const expected = 'start export TOKEN=[redacted] key AKIA[redacted] known [redacted] end\n';

  it('masks a secret split at any point between two chunks', () => {
    rememberSecret('plain-value-1');
    for (let cut = 1; cut < line.length; cut++) {
      let out = '';
      const stream = new RedactingStream((t) => (out += t));
      stream.push(line.slice(0, cut));
      stream.push(line.slice(cut));
      stream.end();
      expect(out, `cut at ${cut}`).toBe(expected);
    }
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
});
