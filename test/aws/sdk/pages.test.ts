import { describe, expect, it } from 'vitest';
import { allPages, tagList, tagMap } from '../../../src/aws/sdk/pages.js';

describe('AWS pages and tags', () => {
  it('reads every page until there is no next token, an empty token ending it too', async () => {
    const pages: Record<string, { items: number[]; next?: string }> = {
      first: { items: [1, 2], next: 't2' },
      t2: { items: [], next: 't3' },
      t3: { items: [3], next: '' },
    };
    const asked: (string | undefined)[] = [];
    const all = await allPages(async (token) => {
      asked.push(token);
      return pages[token ?? 'first']!;
    });
    expect(all).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 't2', 't3']);
  });

  it('turns AWS tags into an object and back; a tag without a key is dropped, one without a value is empty', () => {
    expect(tagMap([{ Key: 'a', Value: '1' }, { Key: 'b' }, { Value: 'lost' }])).toEqual({ a: '1', b: '' });
    expect(tagMap(undefined)).toEqual({});
    expect(tagList({ a: '1', b: '' })).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '' },
    ]);
  });
});
