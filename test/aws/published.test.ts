import { describe, expect, it } from 'vitest';
import { copiesOf } from '../../src/aws/copies.js';
import type { Cloud } from '../../src/aws/ports.js';
import { parameterArn, parametersHolding, publishedTo, withParameters } from '../../src/aws/published.js';

describe('what a catalog item says beyond its AMI', () => {
  it('lists the copies in other regions, none when the attribute is absent or unreadable', () => {
    expect(copiesOf({ copies: '[{"region":"eu-west-1","ami_id":"ami-2"}]' })).toEqual([{ region: 'eu-west-1', ami_id: 'ami-2' }]);
    expect(copiesOf({ copies: '[{"region":"eu-west-1"}]' })).toEqual([]);
    expect(copiesOf({ copies: 'not json' })).toEqual([]);
    expect(copiesOf(null)).toEqual([]);
  });

  it('lists the parameters it was published to, text entries only', () => {
    expect(publishedTo({ published_to: '["/golden/base", 3]' })).toEqual(['/golden/base']);
    expect(publishedTo({ published_to: '{"a":1}' })).toEqual([]);
    expect(publishedTo({ published_to: '[' })).toEqual([]);
    expect(publishedTo({})).toEqual([]);
  });
});

describe('the parameters that hold an AMI', () => {
  it('names each in its partition, with the slash SSM adds', () => {
    expect(parameterArn('us-east-1', '111122223333', '/golden/base')).toBe('arn:aws:ssm:us-east-1:111122223333:parameter/golden/base');
    expect(parameterArn('cn-north-1', '1', 'golden')).toBe('arn:aws-cn:ssm:cn-north-1:1:parameter/golden');
    expect(parameterArn('us-gov-west-1', '1', '/g')).toBe('arn:aws-us-gov:ssm:us-gov-west-1:1:parameter/g');
  });

  it('asks once for each name, and groups them by the AMI they hold', async () => {
    const asked: string[][] = [];
    const cloud = {
      parameterStore: {
        get: async (names: string[]) => {
          asked.push(names);
          return [
            { name: '/a', value: 'ami-1' },
            { name: '/b', value: 'ami-1' },
            { name: '/c', value: 'ami-2' },
          ];
        },
      },
    } as unknown as Cloud;
    expect(await parametersHolding(cloud, [])).toEqual(new Map());
    expect(asked).toEqual([]);
    expect(await parametersHolding(cloud, ['/a', '/b', '/a', '/c'])).toEqual(
      new Map([
        ['ami-1', ['/a', '/b']],
        ['ami-2', ['/c']],
      ]),
    );
    expect(asked).toEqual([['/a', '/b', '/c']]);
  });

  it('adds them to what DescribeImageReferences said, once each, even when it could not answer', () => {
    const arn = parameterArn('us-east-1', '1', '/a');
    expect(withParameters([{ resourceType: 'ssm:Parameter', arn }], ['/a', '/b'], 'us-east-1', '1')).toEqual([
      { resourceType: 'ssm:Parameter', arn },
      { resourceType: 'ssm:Parameter', arn: parameterArn('us-east-1', '1', '/b') },
    ]);
    expect(withParameters(null, ['/a'], 'us-east-1', '1')).toEqual([{ resourceType: 'ssm:Parameter', arn }]);
    expect(withParameters(null, [], 'us-east-1', '1')).toBeNull();
  });
});
