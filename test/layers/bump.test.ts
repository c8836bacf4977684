import { describe, expect, it } from 'vitest';
import { nextWorkflowId } from '../../src/layers/bump.js';

describe('nextWorkflowId', () => {
  const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  it('replaces the timestamp of an id in the library style, in UTC', () => {
    expect(nextWorkflowId('paw-2024-06-13-12-00-00', now)).toBe('paw-2026-01-02-03-04-05');
  });
  it('adds one to an id without a timestamp, or uses the prefix given', () => {
    expect(nextWorkflowId('paw-example', now)).toBe('paw-example-2026-01-02-03-04-05');
    expect(nextWorkflowId('paw-example', now, 'golden')).toBe('golden-2026-01-02-03-04-05');
  });
});
