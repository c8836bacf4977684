import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBaseAmis, findByNamePattern, listUbuntuChoices, writeBaseAmi } from '../../src/aws/base-ami.js';
import { errorLine } from '../../src/errors.js';
import { fakeCloud, image, testWorkflow } from './fake-cloud.js';

const P = '/aws/service/canonical/ubuntu';

function ubuntuCloud() {
  const cloud = fakeCloud();
  cloud.parameterList = [
    { name: `${P}/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id`, value: 'ami-noble-0801' },
    { name: `${P}/server/24.04/stable/20240801/amd64/hvm/ebs-gp3/ami-id`, value: 'ami-noble-0801' },
    { name: `${P}/server/24.04/stable/20240607/amd64/hvm/ebs-gp3/ami-id`, value: 'ami-noble-0607' },
    { name: `${P}/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id`, value: 'ami-noble-arm' },
    { name: `${P}/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id`, value: 'ami-jammy' },
    { name: `${P}/server-minimal/noble/stable/current/amd64/hvm/ebs-gp3/ami-id`, value: 'ami-min' },
    { name: `${P}/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id-extra/ignored`, value: 'x' },
  ];
  cloud.imageList = [
    image('ami-noble-0607', {
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240607',
      creationDate: '2024-06-07T10:00:00.000Z',
      ownerId: '099720109477',
    }),
    image('ami-noble-0801', {
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240801',
      creationDate: '2024-08-01T10:00:00.000Z',
      ownerId: '099720109477',
    }),
    image('ami-jammy', {
      name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240720',
      creationDate: '2024-07-20T00:00:00.000Z',
      ownerId: '099720109477',
    }),
  ];
  return cloud;
}

describe('base AMI finder', () => {
  it('lists the products, releases, architectures and volume types Ubuntu publishes', async () => {
    const choices = await listUbuntuChoices(ubuntuCloud().parameters);
    expect(choices.products).toEqual(['server', 'server-minimal']);
    expect(choices.releases).toEqual(['noble', '24.04', '22.04']);
    expect(choices.arches).toEqual(['amd64', 'arm64']);
    expect(choices.volumeTypes).toEqual(['ebs-gp2', 'ebs-gp3']);
    expect(choices.parameters).toHaveLength(6);
  });

  it('resolves the parameters through EC2 for names and dates, newest first', async () => {
    const found = await findBaseAmis(ubuntuCloud(), { product: 'server', release: '24.04', arch: 'amd64' });
    expect(found.map((i) => i.id)).toEqual(['ami-noble-0801', 'ami-noble-0607']);
    expect(found[0]!.name).toBe('ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240801');
  });

  it('falls back to gp2 for releases published only on gp2', async () => {
    const found = await findBaseAmis(ubuntuCloud(), { product: 'server', release: '22.04', arch: 'amd64' });
    expect(found.map((i) => i.id)).toEqual(['ami-jammy']);
  });

  it('says when nothing matches', async () => {
    const err = await findBaseAmis(ubuntuCloud(), { product: 'server', release: '20.04', arch: 'amd64' }).catch((e: unknown) => e);
    expect(errorLine(err)).toBe(
      'Ubuntu publishes no server 20.04 amd64 ebs-gp2 AMI in us-east-1 — see what exists with other --release, --arch, --product or --volume-type values',
    );
  });

  it('searches Canonical’s images by name pattern, newest first', async () => {
    const found = await findByNamePattern(ubuntuCloud(), 'ubuntu/images/hvm-ssd*/ubuntu-noble-24.04-amd64-server-*');
    expect(found.map((i) => i.id)).toEqual(['ami-noble-0801', 'ami-noble-0607']);
  });

  it('writes root_base_ami_id and root_base_ami_name keeping comments', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'paw-base-'));
    const file = path.join(dir, 'workflow_param.json');
    const original = [
      '// the workflow',
      '{',
      '  "workflow_id": "wf1", // id',
      '  # the root AMI',
      '  "root_base_ami_id": "ami-old",',
      '  "root_base_ami_name": "old-name",',
      '  "vpc_name": "v",',
      '  "is_default_vpc": "true",',
      '  "subnet_name": "s",',
      '  "security_group_name": "g",',
      '  "ec2_iam_role_name": "r"',
      '}',
      '',
    ].join('\n');
    writeFileSync(file, original);
    const wf = { ...testWorkflow(), paramPath: file };
    await writeBaseAmi(wf, image('ami-new', { name: 'ubuntu/images/new' }));
    expect(readFileSync(file, 'utf8')).toBe(original.replace('"ami-old"', '"ami-new"').replace('"old-name"', '"ubuntu/images/new"'));
  });
});
