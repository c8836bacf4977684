import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, exampleWorkflow, paw, removeBuiltCopy } from '../aws/cli.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeBuiltCopy());

describe("render of a first step with the region only in the profile's config", () => {
  it('uses the region of profile_name from AWS_CONFIG_FILE (region_name null, nothing exported)', async () => {
    const wf = exampleWorkflow();
    const params = path.join(wf, 'workflow_param.json');
    writeFileSync(
      params,
      readFileSync(params, 'utf8').replace('"profile_name": null', '"profile_name": "team-dev"').replace('"region_name": "us-east-1"', '"region_name": null'),
    );
    const config = path.join(path.dirname(wf), 'aws-config');
    writeFileSync(config, '[default]\nregion = us-west-2\n\n[profile team-dev]\nregion = ap-southeast-2\n');
    const r = await paw(['--workflow', wf, '--json', 'render', 'base'], { AWS_CONFIG_FILE: config });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ step: 'base', region: 'ap-southeast-2' });

    const none = await paw(['--workflow', wf, 'render', 'base'], { AWS_CONFIG_FILE: path.join(path.dirname(wf), 'missing') });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^paw-tui: no AWS region known — /);
  });
});
