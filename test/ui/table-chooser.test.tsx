import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { dynamoCatalog } from '../../src/aws/sdk/catalog.js';
import { App } from '../../src/ui/app.js';
import { KeyDispatch } from '../../src/ui/hooks/useKeys.js';
import { settingsPath } from '../../src/workflow/settings.js';
import { ec2Images, fakeEndpoint, jsonError } from '../aws/endpoint.js';
import { startDynalite } from '../aws/sdk/dynalite.js';
import { keys, makeWorkflow, renderText, waitFor } from './fixtures.js';

/**
 * Two tables with the Python library's keys and nothing configured: the app asks which one is
 * the catalog (choices first), then offers to remember it in paw-tui.json next to workflow/.
 * The cloud is the SDK's, against dynalite (DynamoDB) and a stand-in for the other services.
 */
const opened: Cloud[] = [];
const dirs: string[] = [];
let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let aws: Awaited<ReturnType<typeof fakeEndpoint>>;
const saved = { ...process.env };
const CALLER =
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
  '<Arn>arn:aws:iam::111122223333:user/ann</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account>' +
  '</GetCallerIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>';

beforeAll(async () => {
  dynamo = await startDynalite();
  for (const t of ['a_amis', 'b_amis']) await dynamoCatalog(dynamo.client, t, { pollMs: 5 }).createTable();
  aws = await fakeEndpoint((action) => {
    if (action === 'ec2:DescribeImages') return ec2Images([]);
    if (action === 'sts:GetCallerIdentity') return { status: 200, body: CALLER };
    return jsonError('AccessDenied', `not here: ${action}`);
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.PAW_TABLE;
});
afterAll(async () => {
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && saved[k] === undefined) delete process.env[k];
  Object.assign(process.env, saved);
  await dynamo.stop();
  await aws.close();
});
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function startApp() {
  // Inside a folder of its own: paw-tui.json is written next to the workflow folder.
  const root = mkdtempSync(path.join(tmpdir(), 'paw-ui-table-'));
  dirs.push(root);
  const dir = path.join(root, 'workflow');
  const made = makeWorkflow();
  cpSync(made, dir, { recursive: true });
  rmSync(made, { recursive: true, force: true });
  const app = renderText(
    <KeyDispatch>
      <App options={{ workflow: dir, sandbox: false }} onCloud={(c) => c && opened.push(c)} onQuit={() => undefined} />
    </KeyDispatch>,
  );
  return { dir, ...app };
}

describe('the app asks which catalog table', () => {
  it('lists both candidates, takes the chosen one and remembers it in paw-tui.json', async () => {
    const { dir, lastFrame, stdin } = startApp();
    await waitFor(() => expect(lastFrame()).toContain('› a_amis'), 15_000);
    const frame = lastFrame()!;
    expect(frame.indexOf('› a_amis')).toBeGreaterThan(-1);
    expect(frame.indexOf('b_amis')).toBeLessThan(frame.indexOf('Several DynamoDB tables'));
    stdin.write('j');
    await waitFor(() => expect(lastFrame()).toContain('› b_amis'));
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toMatch(/\[y\/n\] Remember b_amis in \S*paw-tui\.json/));
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toMatch(/root AMI → step1\s+○ not built/), 15_000);
    expect(lastFrame()).not.toContain('several DynamoDB tables');
    expect(lastFrame()).not.toContain('a_amis');
    expect(JSON.parse(readFileSync(settingsPath(dir), 'utf8'))).toEqual({ table: 'b_amis' });
    expect(settingsPath(dir)).toBe(path.join(path.dirname(dir), 'paw-tui.json'));
  });

  it('Esc chooses nothing: the error names both tables, nothing is written', async () => {
    const { dir, lastFrame, stdin } = startApp();
    await waitFor(() => expect(lastFrame()).toContain('› a_amis'), 15_000);
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain("several DynamoDB tables could be this workflow's catalog: a_amis, b_amis"), 15_000);
    expect(() => readFileSync(settingsPath(dir), 'utf8')).toThrow();
  });
});
