import { describe, expect, it } from 'vitest';
import { amiTags } from '../../src/aws/tags.js';
import { catalogItem } from '../../src/aws/record.js';
import { errorLine } from '../../src/errors.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { previewStep } from '../../src/workflow/scaffold.js';
import { WORKFLOW_PARAM, makeWorkflow } from './helpers.js';

/** What the Python library accepts when it reads a workflow, paw-tui reads too. */
describe('params the Python library accepts', () => {
  it('is_default_vpc as "False", "TRUE" or a JSON boolean', async () => {
    for (const [written, read] of [['"False"', 'false'], ['false', 'false'], ['"TRUE"', 'true'], ['true', 'true']] as const) {
      const dir = await makeWorkflow({}, WORKFLOW_PARAM.replace('"is_default_vpc": "false"', `"is_default_vpc": ${written}`));
      expect((await loadWorkflow(dir)).param.is_default_vpc).toBe(read);
    }
    const bad = await makeWorkflow({}, WORKFLOW_PARAM.replace('"is_default_vpc": "false"', '"is_default_vpc": "no"'));
    await expect(loadWorkflow(bad)).rejects.toThrow(/is_default_vpc/);
  });

  it('non-string aws_tags and metadata: tags stringified for AWS as Python prints them, metadata kept as written', async () => {
    const params = WORKFLOW_PARAM.replace('"root_base_ami_name"', '"aws_tags": {"cost_center": 1234, "prod": true, "owner": null},\n  "root_base_ami_name"');
    const dir = await makeWorkflow(
      { s1: JSON.stringify({ step_id: 's1', previous_step_id: null, metadata: { version: 3, flags: ['a'], ok: false } }) },
      params,
    );
    const wf = await loadWorkflow(dir);
    const step = wf.steps[0]!;
    expect(wf.param.aws_tags).toEqual({ cost_center: '1234', prod: 'True', owner: 'None' });
    expect(amiTags(wf, step, { sourceAmiId: 'ami-1', sourceAmiName: 'n' })).toMatchObject({ cost_center: '1234', prod: 'True' });
    const item = catalogItem(wf, step, { id: 'ami-1', name: 'n', state: 'available', creationDate: '2024-06-13T12:00:00.000Z', ownerId: '1', snapshotIds: [], tags: {}, raw: { ImageId: 'ami-1' } }, {
      region: 'us-east-1',
      baseAmiId: 'ami-0',
      baseAmiName: 'b',
      buildMethod: 'packer',
    });
    // json.dumps of the step's metadata, as the library stores it.
    expect(item.metadata).toBe('{"version": 3, "flags": ["a"], "ok": false}');
  });

  it('a step id with a space is read; a new step with one is still refused', async () => {
    const dir = await makeWorkflow({ 's01 base': JSON.stringify({ step_id: 'base image', previous_step_id: null }) });
    const wf = await loadWorkflow(dir);
    expect(wf.steps.map((s) => s.id)).toEqual(['base image']);
    const err = await previewStep(wf, { id: 'next step', previous: 'base image', scaffold: 'step1' }).catch((e: unknown) => e);
    expect(errorLine(err)).toMatch(/^"next step" is not a safe step id/);
    const traversal = await makeWorkflow({ s1: JSON.stringify({ step_id: '../x', previous_step_id: null }) });
    await expect(loadWorkflow(traversal)).rejects.toThrow(/not a safe name/);
  });
});
