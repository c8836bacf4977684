import type { AmiImage, CatalogItem, Cloud, ImageParameter, ImageReference, Instance, PublicParameter } from '../../src/aws/ports.js';
import type { Step, Workflow } from '../../src/workflow/types.js';

/** An in-memory cloud for core tests: plain data the test sets up and inspects afterwards. */
export interface FakeCloud extends Cloud {
  imageList: AmiImage[];
  items: CatalogItem[];
  table: boolean;
  parameterList: PublicParameter[];
  /** The account's own parameters by name, as PutParameter left them. */
  ownParameters: Map<string, ImageParameter & { tags: Record<string, string> }>;
  instanceList: Instance[];
  referenceMap: Map<string, ImageReference[] | null>;
  deregistered: string[];
  deletedSnapshots: string[];
  deprecated: { id: string; at: Date }[];
  tagCalls: { ids: string[]; tags: Record<string, string> }[];
  /** Every call made, in order, as `<port>.<method> <first argument>`. */
  calls: string[];
  /** Runs before each images call; a test throws from it to simulate failures or add latency. */
  beforeImageCall?: (method: string, arg: unknown) => Promise<void> | void;
}

export function image(id: string, over: Partial<AmiImage> = {}): AmiImage {
  const snapshotIds = over.snapshotIds ?? [`snap-${id.slice(4)}`];
  return {
    id,
    name: `name-of-${id}`,
    state: 'available',
    creationDate: '2024-06-13T12:00:00.000Z',
    ownerId: '111122223333',
    snapshotIds,
    tags: {},
    raw: { ImageId: id, Name: over.name ?? `name-of-${id}`, State: over.state ?? 'available' },
    ...over,
  };
}

export function fakeCloud(region = 'us-east-1'): FakeCloud {
  const cloud: FakeCloud = {
    kind: 'sandbox',
    region,
    profile: null,
    imageList: [],
    items: [],
    table: true,
    parameterList: [],
    ownParameters: new Map(),
    instanceList: [],
    referenceMap: new Map(),
    deregistered: [],
    deletedSnapshots: [],
    deprecated: [],
    tagCalls: [],
    calls: [],
    images: {
      async describe(ids) {
        await hook('describe', ids);
        return cloud.imageList.filter((i) => ids.includes(i.id));
      },
      async findByNamePattern(pattern, owners) {
        await hook('findByNamePattern', pattern);
        const re = new RegExp('^' + pattern.split('*').map(escape).join('.*') + '$');
        return cloud.imageList
          .filter((i) => re.test(i.name) && owners.includes(i.ownerId) && i.state === 'available')
          .sort((a, b) => b.creationDate.localeCompare(a.creationDate));
      },
      async findOwnedByName(name) {
        return cloud.imageList.filter((i) => i.name === name);
      },
      async listOwned(filter) {
        return cloud.imageList.filter(
          (i) => (!filter?.workflowId || i.tags['paw:workflow_id'] === filter.workflowId) && (!filter?.stepId || i.tags['paw:step_id'] === filter.stepId),
        );
      },
      async tag(ids, tags) {
        await hook('tag', ids);
        cloud.tagCalls.push({ ids, tags });
      },
      async createImage() {
        throw new Error('not used by these tests');
      },
      async deregister(id) {
        await hook('deregister', id);
        cloud.deregistered.push(id);
        cloud.imageList = cloud.imageList.filter((i) => i.id !== id);
      },
      copyFrom: unused,
      share: unused,
      async deprecate(id, at) {
        await hook('deprecate', id);
        cloud.deprecated.push({ id, at });
      },
      async deleteSnapshot(id) {
        await hook('deleteSnapshot', id);
        cloud.deletedSnapshots.push(id);
      },
      async instancesUsing(id) {
        await hook('instancesUsing', id);
        return cloud.instanceList.filter((i) => i.imageId === id && i.state !== 'terminated').map((i) => i.id);
      },
      async references(id) {
        await hook('references', id);
        return cloud.referenceMap.has(id) ? cloud.referenceMap.get(id)! : [];
      },
      async instancesUsingEach(ids) {
        await hook('instancesUsingEach', ids);
        return new Map(ids.map((id) => [id, cloud.instanceList.filter((i) => i.imageId === id && i.state !== 'terminated').map((i) => i.id)]));
      },
      async referencesEach(ids) {
        await hook('referencesEach', ids);
        // The API answers for all or, when it cannot tell about one, for none.
        if (ids.some((id) => cloud.referenceMap.get(id) === null)) return null;
        return new Map(ids.map((id) => [id, cloud.referenceMap.get(id) ?? []]));
      },
      async snapshotUsers(snapshotIds, exceptImageId) {
        await hook('snapshotUsers', snapshotIds);
        const out = new Map<string, string[]>();
        for (const s of snapshotIds) {
          const users = cloud.imageList.filter((i) => i.id !== exceptImageId && i.snapshotIds.includes(s)).map((i) => i.id);
          if (users.length) out.set(s, users);
        }
        return out;
      },
    },
    parameters: {
      async byPath(path) {
        return cloud.parameterList.filter((p) => p.name.startsWith(path));
      },
    },
    imagesIn(region) {
      if (region === cloud.region) return cloud.images;
      throw new Error(`this fake cloud has only ${cloud.region}`);
    },
    parameterStore: {
      async putImageId({ name, amiId, tags }) {
        cloud.calls.push(`parameterStore.putImageId ${name}`);
        const version = (cloud.ownParameters.get(name)?.version ?? 0) + 1;
        cloud.ownParameters.set(name, { name, value: amiId, version, tags });
        return version;
      },
      async get(names) {
        return names.flatMap((n) => {
          const p = cloud.ownParameters.get(n);
          return p ? [{ name: p.name, value: p.value, version: p.version }] : [];
        });
      },
    },
    instances: {
      run: unused,
      describe: unused,
      stop: unused,
      terminate: unused,
      subnetByName: unused,
      securityGroupByName: unused,
      instanceProfileExists: unused,
      keyPairs: unused,
      createKeyPair: unused,
      deleteKeyPair: unused,
      securityGroupsNamed: unused,
      deleteSecurityGroup: unused,
      find: unused,
    },
    tables: { list: unused, describe: unused, holdsWorkflow: unused },
    childEnv: {},
    catalog: {
      tableName: 'paw_ami_catalog',
      async tableExists() {
        return cloud.table;
      },
      async createTable() {
        cloud.calls.push('catalog.createTable');
        cloud.table = true;
      },
      async put(item) {
        if (!cloud.table) throw new Error('table missing');
        cloud.calls.push(`catalog.put ${item.ami_id}`);
        cloud.items = cloud.items.filter((i) => !(i.workflow_id === item.workflow_id && i.step_id === item.step_id));
        cloud.items.push(item);
      },
      async get(w, s) {
        return cloud.items.find((i) => i.workflow_id === w && i.step_id === s) ?? null;
      },
      async getMany(keys) {
        cloud.calls.push(`catalog.getMany ${keys.map((k) => `${k.workflowId}/${k.stepId}`).join(',')}`);
        return cloud.items.filter((i) => keys.some((k) => i.workflow_id === k.workflowId && i.step_id === k.stepId));
      },
      async listWorkflow(w) {
        return cloud.items.filter((i) => i.workflow_id === w);
      },
      async listStepVersions(s) {
        return cloud.items.filter((i) => i.step_id === s).sort((a, b) => b.create_at.localeCompare(a.create_at));
      },
      async listAll() {
        return [...cloud.items];
      },
      async delete(w, s) {
        cloud.calls.push(`catalog.delete ${w}/${s}`);
        cloud.items = cloud.items.filter((i) => !(i.workflow_id === w && i.step_id === s));
      },
    },
    incidents: { start: unused },
    identity: {
      async whoAmI() {
        return { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/tester' };
      },
    },
    async close() {},
  };
  async function hook(method: string, arg: unknown) {
    cloud.calls.push(`images.${method} ${Array.isArray(arg) ? arg.join(',') : String(arg)}`);
    await cloud.beforeImageCall?.(method, arg);
  }
  return cloud;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function unused(): Promise<never> {
  throw new Error('not used by these tests');
}

/** A workflow of three chained steps, as loaded (no files behind it). */
export function testWorkflow(over: Partial<Workflow['param']> = {}): Workflow {
  const dir = '/tmp/wf';
  const step = (id: string, previousId: string | null): Step => ({
    id,
    previousId,
    dir: `${dir}/${id}`,
    folderName: id,
    paramPath: `${dir}/${id}/step_param.json`,
    param: { step_id: id, previous_step_id: previousId, metadata: { what_is_included: `${id} stuff` }, raw: {} },
    manual: false,
  });
  return {
    dir,
    paramPath: `${dir}/workflow_param.json`,
    param: {
      workflow_id: 'wf1',
      vpc_name: 'vpc',
      is_default_vpc: 'true',
      subnet_name: 'subnet',
      security_group_name: 'sg',
      ec2_iam_role_name: 'role',
      root_base_ami_id: 'ami-root',
      root_base_ami_name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/',
      aws_tags: {},
      dynamodb_table_name: 'paw_ami_catalog',
      raw: {},
      unknownKeys: [],
      ...over,
    },
    steps: [step('step1', null), step('step2', 'step1'), step('step3', 'step2')],
  };
}
