import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import { getParam, paramKeyPath, parseParamValue, removeParam, setParams } from '../../src/workflow/params.js';
import { makeWorkflow, snapshot, stepParam } from './helpers.js';

const twoSteps = () => makeWorkflow({ s01: stepParam('base', null), s02: stepParam('app', 'base') });

describe('one param by its dotted key', () => {
  it('splits a dotted key, refusing an empty part', () => {
    expect(paramKeyPath('aws_tags.team')).toEqual(['aws_tags', 'team']);
    expect(() => paramKeyPath('aws_tags.')).toThrow('"aws_tags." is not a param key');
  });

  it('reads what the file holds, not a default, and nothing through a text value', async () => {
    const workflow = await loadWorkflow(await twoSteps());
    expect(getParam(workflow, undefined, 'vpc_name')).toBe('dev-vpc');
    expect(getParam(workflow, undefined, 'aws_tags')).toBeUndefined();
    expect(getParam(workflow, undefined, 'vpc_name.length')).toBeUndefined();
    expect(getParam(workflow, findStep(workflow, 'app'), 'previous_step_id')).toBe('base');
  });

  it('takes JSON from the command line, but keeps text where the file holds text', () => {
    expect(parseParamValue('{"team":"a"}', undefined)).toEqual({ team: 'a' });
    expect(parseParamValue('null', 'x')).toBeNull();
    expect(parseParamValue('false', 'true')).toBe('false');
    expect(parseParamValue('42', 'x')).toBe('42');
    expect(parseParamValue('42', undefined)).toBe(42);
    expect(parseParamValue('dev vpc', 'x')).toBe('dev vpc');
  });
});

describe('several params saved at once', () => {
  it('writes every change in one go, comments kept, and removes what is undefined', async () => {
    const dir = await twoSteps();
    const workflow = await loadWorkflow(dir);
    await setParams(workflow, undefined, [
      { path: ['vpc_name'], value: 'prod-vpc' },
      { path: ['aws_tags', 'team'], value: 'platform' },
      { path: ['aws_tags', 'owner'], value: 'ops' },
    ]);
    const text = await readFile(path.join(dir, 'workflow_param.json'), 'utf8');
    expect(text).toContain('// a workflow written for the Python library');
    expect(text).toContain('"vpc_name": "prod-vpc"');
    const saved = await loadWorkflow(dir);
    expect(getParam(saved, undefined, 'aws_tags')).toEqual({ team: 'platform', owner: 'ops' });
    await setParams(saved, undefined, [{ path: ['aws_tags', 'owner'], value: undefined }]);
    expect(getParam(await loadWorkflow(dir), undefined, 'aws_tags')).toEqual({ team: 'platform' });
  });

  it('writes nothing when one change would break the chain, or names no key', async () => {
    const dir = await twoSteps();
    const workflow = await loadWorkflow(dir);
    const before = await snapshot(dir);
    const broken = await setParams(workflow, findStep(workflow, 'app'), [
      { path: ['metadata'], value: { what_is_included: 'app' } },
      { path: ['previous_step_id'], value: 'nowhere' },
    ]).catch((e: unknown) => e);
    expect(errorLine(broken)).toMatch(/previous_step_id "nowhere" is not a step of this workflow/);
    await expect(setParams(workflow, undefined, [{ path: ['a', ''], value: 1 }])).rejects.toThrow('"a." is not a param key');
    await expect(removeParam(workflow, undefined, 'aws_tags.team')).rejects.toThrow('no key "aws_tags.team"');
    expect(await snapshot(dir)).toEqual(before);
  });
});
