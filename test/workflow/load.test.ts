import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import { maskHashComments } from '../../src/workflow/jsonc.js';
import { WORKFLOW_PARAM, makeWorkflow, stepParam } from './helpers.js';

async function loadError(dir: string): Promise<string> {
  try {
    await loadWorkflow(dir);
  } catch (e) {
    return errorLine(e);
  }
  throw new Error('expected loadWorkflow to fail');
}

describe('loadWorkflow', () => {
  it('reads params with // and # comments, fills defaults and keeps unknown keys', async () => {
    const text = WORKFLOW_PARAM.replace('"vpc_name"', '"team_note": "kept", # mine\n  "vpc_name"');
    const dir = await makeWorkflow({}, text);
    const wf = await loadWorkflow(dir);
    expect(wf.param.workflow_id).toBe('wf-test');
    expect(wf.param.is_default_vpc).toBe('false');
    expect(wf.param.aws_tags).toEqual({});
    expect(wf.param.dynamodb_table_name).toBeUndefined();
    expect(wf.param.unknownKeys).toEqual(['team_note']);
    expect(wf.param.raw.team_note).toBe('kept');
    expect(wf.steps).toEqual([]);
  });

  it('finds steps by step_param.json, not by folder name, and orders the chain', async () => {
    const dir = await makeWorkflow({
      'a-last': stepParam('app', 'pyenv'),
      'z-first': stepParam('pyenv', null),
      'm-middle': stepParam('tools', 'app'),
    });
    await mkdir(path.join(dir, 'notes'));
    await writeFile(path.join(dir, 'notes', 'readme.txt'), 'not a step');
    const wf = await loadWorkflow(dir);
    expect(wf.steps.map((s) => [s.id, s.folderName, s.manual])).toEqual([
      ['pyenv', 'z-first', true],
      ['app', 'a-last', true],
      ['tools', 'm-middle', true],
    ]);
    expect(findStep(wf, 'app').dir).toBe(path.join(dir, 'a-last'));
    expect(() => findStep(wf, 'nope')).toThrow(/no step "nope".*/);
    try {
      findStep(wf, 'nope');
    } catch (e) {
      expect(errorLine(e)).toMatch(/steps: pyenv, app, tools$/);
    }
  });

  it('names path:line:col of malformed JSON', async () => {
    const dir = await makeWorkflow({}, WORKFLOW_PARAM.replace('"vpc_name": "dev-vpc",', '"vpc_name": "dev-vpc"'));
    expect(await loadError(dir)).toMatch(/workflow_param\.json:5:3: expected "," between entries — /);
  });

  it('refuses a trailing comma with its position', async () => {
    const dir = await makeWorkflow({ s1: '{\n  "step_id": "a",\n  "previous_step_id": null,\n}\n' });
    expect(await loadError(dir)).toMatch(/s1\/step_param\.json:4:1: /);
  });

  it('says which key has the wrong type, where', async () => {
    const dir = await makeWorkflow({}, WORKFLOW_PARAM.replace('"is_default_vpc": "false"', '"is_default_vpc": 1'));
    expect(await loadError(dir)).toMatch(/workflow_param\.json:5:21: "is_default_vpc" must be "true" or "false", not number 1/);
    const tags = await makeWorkflow({}, WORKFLOW_PARAM.replace('"vpc_name"', '"aws_tags": { "team": [7] },\n  "vpc_name"'));
    expect(await loadError(tags)).toMatch(/workflow_param\.json:4:25: "aws_tags\.team" must be a string \(or a number, boolean or null\), not an array/);
  });

  it('says which required key is missing', async () => {
    const dir = await makeWorkflow({}, WORKFLOW_PARAM.replace('  "subnet_name": "dev/public/1",\n', ''));
    expect(await loadError(dir)).toMatch(/workflow_param\.json:2:1: missing required key "subnet_name"/);
    const step = await makeWorkflow({ s1: '{ "step_id": "a" }' });
    expect(await loadError(step)).toMatch(/s1\/step_param\.json:1:1: missing required key "previous_step_id"/);
  });

  it('refuses an unknown previous step, naming the file and the known ids', async () => {
    const dir = await makeWorkflow({ one: stepParam('a', null), two: stepParam('b', 'zzz') });
    expect(await loadError(dir)).toMatch(/two\/step_param\.json: previous_step_id "zzz" is not a step of this workflow — known steps: a, b/);
  });

  it('refuses two steps with one id, naming both files', async () => {
    const dir = await makeWorkflow({ one: stepParam('a', null), two: stepParam('a', null) });
    expect(await loadError(dir)).toMatch(/two steps have the id "a": .*one\/step_param\.json and .*two\/step_param\.json/);
  });

  it('refuses a cycle, naming the steps and files', async () => {
    const dir = await makeWorkflow({ one: stepParam('a', null), two: stepParam('b', 'c'), three: stepParam('c', 'b') });
    expect(await loadError(dir)).toMatch(/the steps form a cycle: (b → c → b|c → b → c) \(.*step_param\.json, .*step_param\.json\)/);
    const noFirst = await makeWorkflow({ one: stepParam('a', 'b'), two: stepParam('b', 'a') });
    expect(await loadError(noFirst)).toMatch(/cycle/);
  });

  it('refuses a fork and two first steps', async () => {
    const fork = await makeWorkflow({ one: stepParam('a', null), two: stepParam('b', 'a'), zz: stepParam('c', 'a') });
    expect(await loadError(fork)).toMatch(/steps "b" \(.*two\/step_param\.json\) and "c" \(.*zz\/step_param\.json\) both follow "a"/);
    const two = await makeWorkflow({ one: stepParam('a', null), two: stepParam('b', null) });
    expect(await loadError(two)).toMatch(/more than one first step/);
  });

  it('refuses a workflow_id that is not a safe name, with its position', async () => {
    const dir = await makeWorkflow({}, WORKFLOW_PARAM.replace('"workflow_id": "wf-test"', '"workflow_id": "a/../../b"'));
    expect(await loadError(dir)).toMatch(/workflow_param\.json:\d+:\d+: workflow_id "a\/\.\.\/\.\.\/b" is not a safe name — use letters, digits/);
  });

  it('refuses a step id that is not a safe name', async () => {
    const dir = await makeWorkflow({ one: stepParam('../evil', null) });
    expect(await loadError(dir)).toMatch(/one\/step_param\.json:2:14: step_id "\.\.\/evil" is not a safe name/);
  });

  it('explains a missing workflow folder', async () => {
    expect(await loadError('/nonexistent/workflow')).toMatch(/no workflow folder at .* — run `paw-tui init`/);
  });
});

describe('maskHashComments', () => {
  it('masks # comments with // of the same length, leaving strings alone', () => {
    const text = '{ "a": "x # y", # note\n "b": 1 #\n}';
    const masked = maskHashComments(text);
    expect(masked).toBe('{ "a": "x # y", //    \n "b": 1  \n}');
    expect(masked.length).toBe(text.length);
  });
});

describe('missing keys with a fixed set of values', () => {
  it('says the key is missing, not that its value is wrong', async () => {
    const dir = await makeWorkflow({}, WORKFLOW_PARAM.replace('  "is_default_vpc": "false", # please use string\n', ''));
    expect(await loadError(dir)).toMatch(/workflow_param\.json:2:1: missing required key "is_default_vpc"/);
  });
});
