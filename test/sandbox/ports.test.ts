import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { errorLine, PawError } from '../../src/errors.js';
import { SandboxStore, sandboxStatePath } from '../../src/sandbox/state.js';
import { ROOT_AMI_ID, eventually, openCloud, workflowDir } from './helpers.js';

let cloud: Cloud;
let dir: string;

beforeAll(async () => {
  process.env.PAW_SANDBOX_SPEED = '4';
  dir = await workflowDir();
  cloud = await openCloud(dir);
});
afterAll(async () => {
  delete process.env.PAW_SANDBOX_SPEED;
  await cloud.close();
});
afterEach(() => {
  delete process.env.PAW_SANDBOX_FAULTS;
  delete process.env.PAW_SANDBOX_LATENCY_MS;
});

async function launch(imageId = ROOT_AMI_ID, instanceType = 't3.micro'): Promise<string> {
  return cloud.instances.run({
    imageId,
    instanceType,
    subnetId: (await cloud.instances.subnetByName('landing-zone-dev/public/1'))!,
    securityGroupIds: [(await cloud.instances.securityGroupByName('landing-zone-dev/sg/allow "ssh"'))!],
    instanceProfileName: 'ec2-admin-role',
    keyName: '',
    tags: { Name: 'manual-step' },
  });
}

async function stateOf(id: string): Promise<string> {
  return (await cloud.instances.describe([id]))[0]!.state;
}

const until = (id: string, wanted: string) => eventually(async () => ((await stateOf(id)) === wanted ? true : undefined));

describe('sandbox base AMIs', () => {
  it('lists Ubuntu releases under the public SSM path and resolves current to the newest build', async () => {
    const params = await cloud.parameters.byPath('/aws/service/canonical/ubuntu/');
    const releases = new Set(params.map((p) => p.name.split('/')[6]));
    expect([...releases].sort()).toEqual(['22.04', '24.04', 'jammy', 'noble']);
    expect(new Set(params.map((p) => p.name.split('/')[5]))).toEqual(new Set(['server', 'server-minimal']));
    const [current] = await cloud.parameters.byPath('/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3');
    expect(current!.name).toBe('/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id');
    const [image] = await cloud.images.describe([current!.value]);
    expect(image).toMatchObject({
      name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20240801',
      ownerId: '099720109477',
      architecture: 'arm64',
      state: 'available',
    });
    expect(image!.raw).toMatchObject({ ImageId: current!.value, State: 'available', RootDeviceType: 'ebs' });
    const [byCodename] = await cloud.parameters.byPath('/aws/service/canonical/ubuntu/server/noble/stable/current/arm64/hvm/ebs-gp3');
    expect(byCodename!.value).toBe(current!.value);
  });

  it('finds Canonical AMIs by name pattern, newest first, and the workflow root AMI among them', async () => {
    const images = await cloud.images.findByNamePattern('ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-amd64-server-*', ['099720109477']);
    expect(images.length).toBe(6);
    expect(images[0]!.name).toMatch(/-20240720$/);
    const dates = images.map((i) => i.creationDate);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(images.map((i) => i.id)).toContain(ROOT_AMI_ID);
    expect(await cloud.images.findByNamePattern('ubuntu/images/*', ['123456789012'])).toEqual([]);
  });

  it('leaves unknown ids out of describe, and says unknown AMIs are not found in one line', async () => {
    expect(await cloud.images.describe(['ami-00000000000000000'])).toEqual([]);
    await expect(cloud.images.deregister('ami-00000000000000000')).rejects.toThrow(/not found \(ec2:DeregisterImage\).*ami-00000000000000000/);
  });
});

describe('sandbox instances and images', () => {
  it('goes pending → running → stopping → stopped → image pending → available → terminated, over time', async () => {
    const id = await launch();
    expect(await stateOf(id)).toBe('pending');
    await until(id, 'running');
    const [running] = await cloud.instances.describe([id]);
    expect(running!.publicDnsName).toMatch(/^ec2-\d+-\d+-\d+-\d+\.compute-1\.amazonaws\.com$/);

    const refused = await cloud.images.createImage({ instanceId: id, name: 'paw/x/manual', tags: {} }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PawError);
    expect(((refused as PawError).cause as Error).name).toBe('IncorrectInstanceState');
    expect((refused as PawError).message).toMatch(/not in the 'stopped' state \(it is 'running'\)/);

    await cloud.instances.stop(id);
    expect(await stateOf(id)).toBe('stopping');
    await until(id, 'stopped');
    expect((await cloud.instances.describe([id]))[0]).toMatchObject({ stateReason: expect.stringMatching(/UserInitiatedShutdown/) });
    expect((await cloud.instances.describe([id]))[0]!.publicIp).toBeUndefined();

    const amiId = await cloud.images.createImage({ instanceId: id, name: 'paw/x/manual', tags: { 'paw:step_id': 'manual' } });
    const [pending] = await cloud.images.describe([amiId]);
    expect(pending).toMatchObject({ state: 'pending', ownerId: '123456789012', tags: { 'paw:step_id': 'manual' } });
    expect(pending!.snapshotIds).toEqual([expect.stringMatching(/^snap-/)]);
    await eventually(async () => ((await cloud.images.describe([amiId]))[0]!.state === 'available' ? true : undefined));
    expect((await cloud.images.findOwnedByName('paw/x/manual')).map((i) => i.id)).toEqual([amiId]);
    const duplicate = cloud.images.createImage({ instanceId: id, name: 'paw/x/manual', tags: {} });
    await expect(duplicate).rejects.toThrow(/already in use by AMI/);

    await cloud.instances.terminate(id);
    expect(await stateOf(id)).toBe('shutting-down');
    await until(id, 'terminated');
  });

  it('survives a restart mid-transition: the state is computed from timestamps on read', async () => {
    const id = await launch();
    await cloud.close();
    cloud = await openCloud(dir);
    await until(id, 'running');
  });

  it('forgets an instance an hour after it terminated, as EC2 does', async () => {
    const gone = await launch();
    const kept = await launch();
    const store = new SandboxStore(sandboxStatePath(dir));
    await store.update((s) => {
      for (const id of [gone, kept]) s.instances[id]!.state = 'terminated';
      s.instances[gone]!.settlesAt = new Date(Date.now() - 61 * 60_000).toISOString();
      s.instances[kept]!.settlesAt = new Date(Date.now() - 59 * 60_000).toISOString();
    });
    await cloud.images.tag([ROOT_AMI_ID], { touched: 'yes' });
    expect((await cloud.instances.describe([gone, kept])).map((i) => [i.id, i.state])).toEqual([[kept, 'terminated']]);
  });

  it('refuses launches EC2 would refuse', async () => {
    await expect(launch('ami-0123456789abcdef0')).rejects.toThrow(/does not exist/);
    await expect(launch(ROOT_AMI_ID, 't4g.micro')).rejects.toThrow(/architecture 'arm64'.*does not match.*'x86_64'/);
    await expect(cloud.instances.stop('i-0123456789abcdef0')).rejects.toThrow(/not found \(ec2:StopInstances\)/);
  });

  it('answers in-use questions for deletion: instances, references, shared snapshots, snapshot in use', async () => {
    const id = await launch();
    expect(await cloud.images.instancesUsing(ROOT_AMI_ID)).toContain(id);
    expect(await cloud.images.references(ROOT_AMI_ID)).toEqual([]);
    await new SandboxStore(sandboxStatePath(dir)).update((s) => {
      s.references[ROOT_AMI_ID] = [{ resourceType: 'ec2:LaunchTemplate', arn: 'arn:aws:ec2:us-east-1:123456789012:launch-template/lt-1' }];
    });
    expect(await cloud.images.references(ROOT_AMI_ID)).toEqual([
      { resourceType: 'ec2:LaunchTemplate', arn: 'arn:aws:ec2:us-east-1:123456789012:launch-template/lt-1' },
    ]);
    // A parameter of the account that holds the AMI id is a reference, as EC2 reports it.
    await cloud.parameterStore.putImageId({ name: '/golden/root', amiId: ROOT_AMI_ID, description: 'pinned', tags: {} });
    await cloud.parameterStore.putImageId({ name: 'flat-name', amiId: ROOT_AMI_ID, description: 'pinned', tags: {} });
    const { account } = await cloud.identity.whoAmI();
    expect(await cloud.images.references(ROOT_AMI_ID)).toEqual([
      { resourceType: 'ec2:LaunchTemplate', arn: 'arn:aws:ec2:us-east-1:123456789012:launch-template/lt-1' },
      { resourceType: 'ssm:Parameter', arn: `arn:aws:ssm:${cloud.region}:${account}:parameter/golden/root` },
      { resourceType: 'ssm:Parameter', arn: `arn:aws:ssm:${cloud.region}:${account}:parameter/flat-name` },
    ]);
    // Several at once answer the same, each image a key; an unknown image fails the call, as in EC2.
    expect((await cloud.images.instancesUsingEach([ROOT_AMI_ID, 'ami-0123456789abcdef0'])).get(ROOT_AMI_ID)).toContain(id);
    expect((await cloud.images.referencesEach([ROOT_AMI_ID]))!.get(ROOT_AMI_ID)).toEqual(await cloud.images.references(ROOT_AMI_ID));
    await expect(cloud.images.referencesEach([ROOT_AMI_ID, 'ami-0123456789abcdef0'])).rejects.toThrow(/does not exist|not found/);
    await cloud.instances.terminate(id);
    await until(id, 'terminated');
    expect(await cloud.images.instancesUsing(ROOT_AMI_ID)).not.toContain(id);

    const [root] = await cloud.images.describe([ROOT_AMI_ID]);
    await expect(cloud.images.deleteSnapshot(root!.snapshotIds[0]!)).rejects.toThrow(/currently in use by/);
    await expect(cloud.images.deregister(ROOT_AMI_ID)).rejects.toThrow(/AuthFailure|rejected/);
  });

  it('deregisters an AMI of the account, then deletes its snapshot', async () => {
    const id = await launch();
    await until(id, 'running');
    await cloud.instances.stop(id);
    await until(id, 'stopped');
    const amiId = await cloud.images.createImage({ instanceId: id, name: 'paw/x/to-delete', tags: {} });
    const [image] = await cloud.images.describe([amiId]);
    await cloud.images.tag([amiId, ...image!.snapshotIds], { Name: 'paw/x/to-delete' });
    expect((await cloud.images.listOwned()).map((i) => i.id)).toContain(amiId);
    expect(await cloud.images.snapshotUsers(image!.snapshotIds, 'ami-other')).toEqual(new Map([[image!.snapshotIds[0]!, [amiId]]]));
    await cloud.images.deregister(amiId);
    await cloud.images.deleteSnapshot(image!.snapshotIds[0]!);
    expect(await cloud.images.describe([amiId])).toEqual([]);
    await expect(cloud.images.deleteSnapshot(image!.snapshotIds[0]!)).rejects.toThrow(/does not exist/);
  });
});

describe('sandbox faults and latency', () => {
  it('throttles the named operation: the SDK’s retry strategy gets through, or the attempts run out in one line', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      const settle = async <T>(p: Promise<T>): Promise<T> => {
        let done = false;
        void p.finally(() => (done = true)).catch(() => undefined);
        while (!done) await vi.advanceTimersByTimeAsync(250);
        return p;
      };
      // STS: the strategy (and its rate limiter, which has seen the fake clock) is one per service.
      process.env.PAW_SANDBOX_FAULTS = 'GetCallerIdentity=throttle';
      const failed = await settle(cloud.identity.whoAmI().catch((e: unknown) => e));
      expect(errorLine(failed)).toMatch(/^AWS throttled sts:GetCallerIdentity after 5 attempts — too many requests/);

      process.env.PAW_SANDBOX_FAULTS = 'GetCallerIdentity=throttle*2';
      const started = Date.now();
      // Two throttled answers, then the real one, after the strategy's back-off.
      expect(await settle(cloud.identity.whoAmI())).toMatchObject({ account: expect.any(String) });
      expect(Date.now() - started).toBeGreaterThan(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails every call with the injected EC2 error code, in one line', async () => {
    process.env.PAW_SANDBOX_FAULTS = 'RunInstances=InsufficientInstanceCapacity';
    await expect(launch()).rejects.toThrow(/ec2:RunInstances failed: InsufficientInstanceCapacity/);
    process.env.PAW_SANDBOX_FAULTS = 'DescribeImages=denied,GetParametersByPath=expired';
    await expect(cloud.images.describe([ROOT_AMI_ID])).rejects.toThrow(/access denied: not allowed to call ec2:DescribeImages/);
    await expect(cloud.parameters.byPath('/aws/service/canonical/ubuntu/')).rejects.toThrow(/credentials have expired/);
  });

  it('adds PAW_SANDBOX_LATENCY_MS to every EC2 call', async () => {
    process.env.PAW_SANDBOX_LATENCY_MS = '150';
    const started = Date.now();
    await cloud.images.describe([ROOT_AMI_ID]);
    await cloud.instances.keyPairs();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('records incidents in the state', async () => {
    const arn = await cloud.incidents.start({
      responsePlanArn: 'arn:aws:ssm-incidents::123456789012:response-plan/paw-builds',
      title: 'paw-test: step1 failed',
      impact: 3,
      summary: 'last lines',
    });
    expect(arn).toMatch(/^arn:aws:ssm-incidents::123456789012:incident-record\/paw-builds\//);
    const state = await new SandboxStore(sandboxStatePath(dir)).read();
    expect(state.incidents).toEqual([expect.objectContaining({ arn, title: 'paw-test: step1 failed', impact: 3 })]);
  });
});
