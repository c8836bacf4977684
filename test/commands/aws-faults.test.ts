import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, errorLineOf, exampleWorkflow, paw, removeBuiltCopy } from '../aws/cli.js';
import { ec2Error, ec2Images, fakeEndpoint, jsonError, type Reply } from '../aws/endpoint.js';

/**
 * Faults on the real AWS path: the built CLI, the real SDK, and a stand-in endpoint on
 * 127.0.0.1 answering as AWS does (AWS_ENDPOINT_URL, which paw-tui must leave to the SDK).
 */

let closeEndpoint: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeEndpoint?.();
  closeEndpoint = undefined;
});
beforeAll(() => ensureBuilt());
afterAll(() => removeBuiltCopy());

function awsEnv(workflow: string, extra: Record<string, string> = {}): Record<string, string> {
  const empty = path.join(path.dirname(workflow), 'empty-aws-config');
  writeFileSync(empty, '');
  return {
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

async function endpoint(answer: (action: string) => Reply) {
  const e = await fakeEndpoint((action) => answer(action));
  closeEndpoint = e.close;
  return e;
}

const keys = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

describe('AWS faults, each one line and a non-zero exit', () => {
  it('no credentials', async () => {
    const wf = exampleWorkflow();
    const r = await paw(['--workflow', wf, 'amis', 'list'], awsEnv(wf));
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe(
      'paw-tui: no AWS credentials found — set profile_name in workflow_param.json, pass --profile, or export AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (--sandbox runs offline)',
    );
  });

  it('doctor: one line per check, what to do for the failing ones, exit 1', async () => {
    const wf = exampleWorkflow();
    const r = await paw(['--workflow', wf, 'doctor'], awsEnv(wf, { PAW_PACKER: '/nonexistent/packer' }));
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^FAIL {2}packer {9}PAW_PACKER points at \/nonexistent\/packer, which is not an executable file — install it/),
      'ok    workflow       paw-example: base → app → hardening',
      'ok    region         us-east-1',
      'FAIL  credentials    no AWS credentials found — set profile_name in workflow_param.json, pass --profile, or export AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (--sandbox runs offline)',
      'FAIL  catalog table  not checked: no credentials',
      'ok    interrupted    no interrupted builds',
    ]);
  });

  it('expired token', async () => {
    const wf = exampleWorkflow();
    const e = await endpoint(() => jsonError('com.amazon.coral.service#ExpiredTokenException', 'The security token included in the request is expired'));
    const r = await paw(['--workflow', wf, 'amis', 'list'], awsEnv(wf, { ...keys, AWS_SESSION_TOKEN: 'old', AWS_ENDPOINT_URL: e.url }));
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe('paw-tui: AWS credentials have expired — refresh them (for SSO: aws sso login --profile <profile>) and try again');
    expect(e.calls.map((c) => c.action)).toEqual(['dynamodb:DescribeTable']);
  });

  it('access denied, naming the action', async () => {
    const wf = exampleWorkflow();
    const before = await import('node:fs').then((fs) => fs.readFileSync(path.join(wf, 'workflow_param.json'), 'utf8'));
    const e = await endpoint(() =>
      jsonError('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized to perform: ssm:GetParametersByPath', 'application/x-amz-json-1.1'),
    );
    const r = await paw(['--workflow', wf, 'base-ami', '--write'], awsEnv(wf, { ...keys, AWS_ENDPOINT_URL: e.url }));
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe(
      'paw-tui: access denied: not allowed to call ssm:GetParametersByPath — grant ssm:GetParametersByPath to the role or user in use, or use another --profile',
    );
    const after = await import('node:fs').then((fs) => fs.readFileSync(path.join(wf, 'workflow_param.json'), 'utf8'));
    expect(after).toBe(before);
  });

  it('throttling is retried by the SDK client, then reported with its attempts', async () => {
    const wf = exampleWorkflow();
    const e = await endpoint(() => ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503));
    const r = await paw(
      ['--workflow', wf, 'record', 'base', '--ami', 'ami-0123456789abcdef0'],
      awsEnv(wf, { ...keys, AWS_ENDPOINT_URL: e.url, AWS_MAX_ATTEMPTS: '3' }),
    );
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe(
      'paw-tui: AWS throttled ec2:DescribeImages after 3 attempts — too many requests in this account and region; wait a minute and try again',
    );
    // Three HTTP requests for one call: the SDK's retries, and nothing on top of them.
    expect(e.calls.map((c) => c.action)).toEqual(Array(3).fill('ec2:DescribeImages'));
  });

  it('unknown AMI id on record: nothing is written', async () => {
    const wf = exampleWorkflow();
    const e = await endpoint((action) => (action === 'ec2:DescribeImages' ? ec2Images([]) : jsonError('InternalFailure', 'unexpected call')));
    const r = await paw(['--workflow', wf, 'record', 'base', '--ami', 'ami-0123456789abcdef0', '--yes'], awsEnv(wf, { ...keys, AWS_ENDPOINT_URL: e.url }));
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe(
      'paw-tui: AMI ami-0123456789abcdef0 does not exist in us-east-1 — check the id and the region (--region) or account (--profile) in use',
    );
    expect(e.calls.map((c) => c.action)).toEqual(['ec2:DescribeImages']);
  });

  it('catalog table missing in headless mode without --yes: no table created, nothing recorded', async () => {
    const wf = exampleWorkflow();
    const e = await endpoint((action) => {
      if (action === 'ec2:DescribeImages') return ec2Images([{ id: 'ami-0123456789abcdef0', name: 'ubuntu/x/paw-example/base' }]);
      if (action === 'dynamodb:DescribeTable')
        return jsonError('com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', 'Requested resource not found: Table: paw_ami_catalog not found');
      if (action === 'dynamodb:ListTables') return { status: 200, contentType: 'application/x-amz-json-1.0', body: '{"TableNames":[]}' };
      return jsonError('InternalFailure', `unexpected ${action}`);
    });
    const r = await paw(['--workflow', wf, 'record', 'base', '--ami', 'ami-0123456789abcdef0'], awsEnv(wf, { ...keys, AWS_ENDPOINT_URL: e.url }));
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe(
      'paw-tui: catalog table paw_ami_catalog does not exist in us-east-1 — pass --yes to create it, or create it yourself (hash workflow_id, range step_id, index step_id_index)',
    );
    expect(e.calls.map((c) => c.action)).toEqual(['ec2:DescribeImages', 'dynamodb:DescribeTable', 'dynamodb:ListTables', 'dynamodb:DescribeTable']);
  });

  it('a usage mistake: an AMI id that is not one', async () => {
    const wf = exampleWorkflow();
    const r = await paw(['--sandbox', '--workflow', wf, 'record', 'base', '--ami', 'not-an-ami']);
    expect(r.code).toBe(2);
    expect(errorLineOf(r)).toBe('paw-tui: "not-an-ami" is not an AMI id — AMI ids look like ami-0123456789abcdef0');
  });
});
