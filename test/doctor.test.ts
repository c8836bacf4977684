import { describe, expect, it } from 'vitest';
import { doctorChecks } from '../src/doctor.js';
import { PawError } from '../src/errors.js';
import { loadWorkflow } from '../src/workflow/load.js';
import { openCloud, workflowDir } from './sandbox/helpers.js';

describe('doctorChecks', () => {
  it('checks a sandbox workflow in order, each ok with what it found', async () => {
    const dir = await workflowDir();
    const checks = await doctorChecks({ sandbox: true, loadWorkflow: () => loadWorkflow(dir), openCloud: () => openCloud(dir) });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['packer', true],
      ['workflow', true],
      ['region', true],
      ['credentials', true],
      ['catalog table', true],
      ['root base AMI', true],
      ['left behind', true],
      ['interrupted', true],
    ]);
    expect(checks.find((c) => c.name === 'region')!.detail).toMatch(/sandbox, offline/);
  }, 60_000);

  it('a workflow that does not load: its line says why, the cloud checks are skipped in the sandbox', async () => {
    const checks = await doctorChecks({
      sandbox: true,
      loadWorkflow: () => Promise.reject(new PawError('workflow_param.json is missing', { hint: 'run paw-tui init' })),
      openCloud: () => Promise.reject(new Error('not asked')),
    });
    expect(checks.find((c) => c.name === 'workflow')).toMatchObject({
      name: 'workflow',
      ok: false,
      detail: 'workflow_param.json is missing — run paw-tui init',
    });
    expect(checks.find((c) => c.name === 'region')).toMatchObject({ name: 'region', ok: false, detail: 'not checked: the sandbox needs a workflow folder' });
    expect(checks.map((c) => c.name)).not.toContain('interrupted');
  });
});
