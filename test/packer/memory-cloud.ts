import type { AmiImage, CatalogItem, Cloud, Instance } from '../../src/aws/ports.js';

/**
 * A small in-memory cloud for unit tests of the Packer core: only the calls the core makes.
 * Whole-system behaviour is tested against the sandbox adapters.
 */
export interface MemoryCloud extends Cloud {
  imagesById: Map<string, AmiImage>;
  instancesById: Map<string, Instance>;
  items: CatalogItem[];
  tagged: { ids: string[]; tags: Record<string, string> }[];
  terminated: string[];
  incidentsStarted: { responsePlanArn: string; title: string; impact: number; summary: string }[];
}

export function image(id: string, name: string, state = 'available', snapshotIds: string[] = []): AmiImage {
  return { id, name, state, creationDate: '2026-06-13T12:00:00.000Z', ownerId: '123456789012', snapshotIds, tags: {}, raw: { ImageId: id, Name: name } };
}

const unused = (what: string) => () => {
  throw new Error(`${what} is not expected in this test`);
};

export function memoryCloud(images: AmiImage[] = [], instances: Instance[] = []): MemoryCloud {
  const imagesById = new Map(images.map((i) => [i.id, i]));
  const instancesById = new Map(instances.map((i) => [i.id, i]));
  const items: CatalogItem[] = [];
  const tagged: MemoryCloud['tagged'] = [];
  const terminated: string[] = [];
  const incidentsStarted: MemoryCloud['incidentsStarted'] = [];
  return {
    kind: 'sandbox',
    region: 'eu-west-1',
    profile: null,
    imagesById,
    instancesById,
    items,
    tagged,
    terminated,
    incidentsStarted,
    images: {
      describe: async (ids) => ids.flatMap((id) => (imagesById.has(id) ? [imagesById.get(id)!] : [])),
      findOwnedByName: async (name) => [...imagesById.values()].filter((i) => i.name === name),
      tag: async (ids, tags) => {
        tagged.push({ ids, tags });
      },
      findByNamePattern: unused('findByNamePattern'),
      listOwned: unused('listOwned'),
      createImage: unused('createImage'),
      deregister: unused('deregister'),
      deprecate: unused('deprecate'),
      copyFrom: unused('copyFrom'),
      share: unused('share'),
      deleteSnapshot: unused('deleteSnapshot'),
      instancesUsing: unused('instancesUsing'),
      references: unused('references'),
      instancesUsingEach: unused('instancesUsingEach'),
      referencesEach: unused('referencesEach'),
      snapshotUsers: unused('snapshotUsers'),
    },
    instances: {
      describe: async (ids) => ids.flatMap((id) => (instancesById.has(id) ? [instancesById.get(id)!] : [])),
      terminate: async (id) => {
        terminated.push(id);
        const i = instancesById.get(id);
        if (i) i.state = 'shutting-down';
      },
      run: unused('run'),
      stop: unused('stop'),
      subnetByName: unused('subnetByName'),
      securityGroupByName: unused('securityGroupByName'),
      instanceProfileExists: unused('instanceProfileExists'),
      keyPairs: unused('keyPairs'),
      createKeyPair: unused('createKeyPair'),
      deleteKeyPair: unused('deleteKeyPair'),
      securityGroupsNamed: unused('securityGroupsNamed'),
      deleteSecurityGroup: unused('deleteSecurityGroup'),
      find: async () => [],
    },
    parameters: { byPath: unused('byPath') },
    imagesIn: () => {
      throw new Error('not used by these tests');
    },
    parameterStore: { putImageId: unused('putImageId'), get: unused('get') },
    tables: { list: unused('list'), describe: unused('describe'), holdsWorkflow: unused('holdsWorkflow') },
    childEnv: {},
    catalog: {
      tableName: 'paw_ami_catalog',
      tableExists: async () => true,
      createTable: async () => {},
      put: async (item) => {
        items.push(item);
      },
      get: async (w, s) => items.filter((i) => i.workflow_id === w && i.step_id === s).at(-1) ?? null,
      getMany: unused('getMany'),
      listWorkflow: async (w) => items.filter((i) => i.workflow_id === w),
      listStepVersions: unused('listStepVersions'),
      listAll: async () => items,
      delete: unused('delete'),
    },
    incidents: {
      start: async (input) => {
        incidentsStarted.push(input);
        return 'arn:aws:ssm-incidents::123456789012:incident-record/x';
      },
    },
    identity: { whoAmI: async () => ({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/test' }) },
    close: async () => {},
  };
}
