import { describe, expect, it } from 'vitest';
import type { Cloud, Instance } from '../../src/aws/ports.js';
import { adoptableInstances } from '../../src/manual/adoptable.js';
import { packerNameTime } from '../../src/manual/leftovers.js';

const instance = (id: string, state: string, launchTime: string, name?: string): Instance => ({
  id,
  state,
  imageId: 'ami-1',
  instanceType: 't3.micro',
  launchTime,
  tags: name ? { Name: name } : {},
});

describe('instances that can be adopted', () => {
  it('are the running and stopped ones, running first, newest first within each', async () => {
    const found = [
      instance('i-old-running', 'running', '2026-01-01T00:00:00Z', 'old'),
      instance('i-gone', 'terminated', '2026-03-01T00:00:00Z'),
      instance('i-new-stopped', 'stopped', '2026-03-01T00:00:00Z'),
      instance('i-new-running', 'pending', '2026-02-01T00:00:00Z'),
      instance('i-going', 'shutting-down', '2026-03-02T00:00:00Z'),
      instance('i-old-stopped', 'stopping', '2026-01-02T00:00:00Z'),
    ];
    const cloud = { instances: { find: () => Promise.resolve(found) } } as unknown as Cloud;
    const listed = await adoptableInstances(cloud);
    // A pending instance is about to run: it is adopted as running, and listed with them.
    expect(listed.map((i) => i.id)).toEqual(['i-new-running', 'i-old-running', 'i-new-stopped', 'i-old-stopped']);
    expect(listed[1]).toEqual({ id: 'i-old-running', name: 'old', instanceType: 't3.micro', state: 'running', launchTime: '2026-01-01T00:00:00Z' });
    expect(listed[0]!.name).toBe('');
  });
});

describe("Packer's temporary names", () => {
  it('carry the time they were made in their first 8 hex digits', () => {
    expect(packerNameTime('packer_65f1a2b3-1111-2222-3333-444455556666')).toBe(new Date(0x65f1a2b3 * 1000).toISOString());
    expect(packerNameTime('packer-65f1a2b3')).toBeNull();
    expect(packerNameTime('my-key')).toBeNull();
  });
});
