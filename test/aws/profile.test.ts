import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childAwsEnv, credentialsConflict, profileRegion, resolveRegion } from '../../src/aws/profile.js';
import { startPackerRun } from '../../src/packer/run.js';

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'paw-profile-'));
  const file = path.join(dir, 'config');
  await writeFile(file, text);
  return file;
}

describe("the profile's region (AWS_CONFIG_FILE)", () => {
  it('reads [profile NAME] and [default], ignoring other sections and comments', async () => {
    const file = await configFile(
      '[default]\nregion = us-west-2\n\n[profile dev]\n# region = nope\noutput = json\nregion=ap-south-1\n[sso-session x]\nregion = eu-north-1\n',
    );
    const env = { AWS_CONFIG_FILE: file };
    expect(profileRegion('dev', env)).toBe('ap-south-1');
    expect(profileRegion('default', env)).toBe('us-west-2');
    expect(profileRegion('x', env)).toBeNull();
    expect(profileRegion('dev', { AWS_CONFIG_FILE: path.join(path.dirname(file), 'missing') })).toBeNull();
  });

  it('is used when region_name is null and nothing is exported; the exported region and region_name win', async () => {
    const file = await configFile('[profile dev]\nregion = ap-south-1\n');
    expect(resolveRegion({ explicit: null, profile: 'dev' }, { AWS_CONFIG_FILE: file })).toBe('ap-south-1');
    expect(resolveRegion({ explicit: null, profile: null }, { AWS_CONFIG_FILE: file, AWS_PROFILE: 'dev' })).toBe('ap-south-1');
    expect(resolveRegion({ explicit: null, profile: 'dev' }, { AWS_CONFIG_FILE: file, AWS_REGION: 'eu-west-1' })).toBe('eu-west-1');
    expect(resolveRegion({ explicit: 'us-east-2', profile: 'dev' }, { AWS_CONFIG_FILE: file })).toBe('us-east-2');
    expect(resolveRegion({ explicit: null, profile: 'other' }, { AWS_CONFIG_FILE: file })).toBeNull();
  });
});

describe("Packer's AWS environment", () => {
  it('a profile: AWS_PROFILE and the region set, keys in the environment removed (Packer would prefer them)', () => {
    expect(childAwsEnv({ profile: 'dev', region: 'ap-south-1' }, { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' })).toEqual({
      AWS_REGION: 'ap-south-1',
      AWS_DEFAULT_REGION: 'ap-south-1',
      AWS_PROFILE: 'dev',
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
    });
  });

  it("workflow_param.json's keys: passed, any profile removed", () => {
    const env = childAwsEnv(
      { profile: 'dev', credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's1', sessionToken: null }, region: 'eu-west-1' },
      { AWS_PROFILE: 'x' },
    );
    expect(env).toEqual({
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIA1',
      AWS_SECRET_ACCESS_KEY: 's1',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_DEFAULT_PROFILE: undefined,
    });
  });

  it('says once which wins when a profile and keys in the environment both exist', () => {
    const keys = { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' };
    expect(credentialsConflict({ profile: 'dev' }, keys)).toBe(
      'using the profile dev (workflow_param.json or --profile); AWS_ACCESS_KEY_ID in the environment is ignored, by Packer too',
    );
    expect(credentialsConflict({ profile: null }, { ...keys, AWS_PROFILE: 'ci' })).toMatch(/^using AWS_PROFILE=ci;/);
    expect(credentialsConflict({ profile: null }, keys)).toBeNull();
    expect(credentialsConflict({ profile: 'dev' }, {})).toBeNull();
  });

  it('reaches the Packer child: its environment holds the profile and not the exported keys', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-penv-'));
    const fake = path.join(dir, 'packer');
    const out = path.join(dir, 'env.txt');
    await writeFile(fake, `#!/bin/sh\nprintf '%s|%s|%s' "$AWS_PROFILE" "\${AWS_ACCESS_KEY_ID-unset}" "$AWS_REGION" > ${JSON.stringify(out)}\n`);
    await chmod(fake, 0o755);
    const saved = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXPORTED';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    try {
      const run = await startPackerRun({
        packer: { path: fake, args: [], version: '1.11.2' },
        workflowId: 'wf',
        stepId: 's1',
        stepDir: dir,
        args: ['build', '.'],
        cols: 80,
        rows: 10,
        env: childAwsEnv({ profile: 'dev', region: 'ap-south-1' }),
      });
      await run.exited;
      await run.closeLogs();
    } finally {
      process.env = saved;
    }
    expect(await readFile(out, 'utf8')).toBe('dev|unset|ap-south-1');
  });
});
