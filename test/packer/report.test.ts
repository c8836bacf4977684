import { describe, expect, it } from 'vitest';
import { PALETTE_256, rgbHex } from '../../src/packer/colors.js';
import { checkLine, phaseLine, summaryLines } from '../../src/packer/report.js';
import type { BuildState } from '../../src/packer/types.js';

describe('the headless report of a build', () => {
  it('marks each check by its status, with what was found', () => {
    expect(checkLine({ id: 'packer', label: 'packer', status: 'ok', detail: '1.9.0' })).toBe('✓ packer: 1.9.0');
    expect(checkLine({ id: 'init', label: 'packer init', status: 'skipped', detail: 'not needed' })).toBe('- packer init: not needed');
    expect(checkLine({ id: 'validate', label: 'packer validate', status: 'failed' })).toBe('✗ packer validate');
    expect(checkLine({ id: 'render', label: 'render', status: 'running' })).toBe('… render');
  });

  it('gives each phase its duration, a running one up to now', () => {
    expect(phaseLine({ build: 'base.amazon-ebs.ubuntu', message: 'Creating the AMI', startedAt: 0, endedAt: 187_000 })).toBe(
      '  3m 07s  base.amazon-ebs.ubuntu: Creating the AMI',
    );
    expect(phaseLine({ build: 'b', message: 'Waiting', startedAt: 1_000 }, 43_000)).toBe('     42s  b: Waiting');
  });

  it('ends with the phases, the ids, the logs and what was built', () => {
    const state = {
      stepId: 'base',
      status: 'succeeded',
      startedAt: 0,
      endedAt: 65_000,
      amiId: 'ami-1',
      instanceId: 'i-1',
      logPath: '/l.log',
      debugLogPath: '/d.log',
      phases: [{ build: 'b', message: 'Launching', startedAt: 0, endedAt: 5_000 }],
    } as unknown as BuildState;
    expect(summaryLines(state)).toEqual([
      'phases:',
      '      5s  b: Launching',
      'build instance: i-1',
      'log: /l.log',
      'packer debug log: /d.log',
      'built ami-1 for step base in 1m 05s',
    ]);
    expect(summaryLines({ ...state, status: 'failed', phases: [], instanceId: undefined, debugLogPath: undefined })).toEqual(['log: /l.log']);
  });
});

describe("xterm's 256 colours", () => {
  it('are the 16 system colours, the 6×6×6 cube and 24 greys', () => {
    expect(PALETTE_256).toHaveLength(256);
    expect(PALETTE_256[1]).toBe('#cd0000');
    expect(PALETTE_256[16]).toBe('#000000');
    expect(PALETTE_256[196]).toBe('#ff0000');
    expect(PALETTE_256[231]).toBe('#ffffff');
    expect(PALETTE_256[232]).toBe('#080808');
    expect(PALETTE_256[255]).toBe('#eeeeee');
    expect(rgbHex(0x00ab0c)).toBe('#00ab0c');
  });
});
