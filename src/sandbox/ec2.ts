import type { AmiImage, ImageReference, Images } from '../aws/ports.js';
import { sandboxCall, sandboxError } from './faults.js';
import { parameterArn } from '../aws/published.js';
import { newId } from './ids.js';
import { settleTime, visibleImageState, visibleInstanceState, type ImageRecord, type SandboxState, type SandboxStore } from './state.js';

/** The sandbox's EC2 images and snapshots (the `Images` port), kept in the shared state file. */

const IMAGE_READY_MS = 4_000;
/** The characters EC2 allows in an AMI name (3 to 128 of them). */
const AMI_NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;

function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** An image as DescribeImages answers it now, `raw` in the SDK's shape. */
export function toAmiImage(image: ImageRecord, now = Date.now()): AmiImage {
  const state = visibleImageState(image, now);
  const raw: Record<string, unknown> = {
    Architecture: image.architecture,
    CreationDate: image.creationDate,
    ImageId: image.id,
    ImageLocation: `${image.ownerId}/${image.name}`,
    ImageType: 'machine',
    Public: image.public,
    OwnerId: image.ownerId,
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    State: state,
    BlockDeviceMappings: [
      {
        DeviceName: image.rootDeviceName,
        Ebs: {
          DeleteOnTermination: true,
          SnapshotId: image.snapshotIds[0],
          VolumeSize: image.volumeSize,
          VolumeType: image.volumeType,
          Encrypted: false,
        },
      },
      { DeviceName: '/dev/sdb', VirtualName: 'ephemeral0' },
    ],
    Description: image.description,
    EnaSupport: true,
    Hypervisor: 'xen',
    Name: image.name,
    RootDeviceName: image.rootDeviceName,
    RootDeviceType: 'ebs',
    SriovNetSupport: 'simple',
    VirtualizationType: 'hvm',
    BootMode: image.architecture === 'arm64' ? 'uefi' : 'uefi-preferred',
    ...(Object.keys(image.tags).length ? { Tags: tagList(image.tags) } : {}),
    ...(image.deprecationTime ? { DeprecationTime: image.deprecationTime } : {}),
  };
  return {
    id: image.id,
    name: image.name,
    state,
    creationDate: image.creationDate,
    ownerId: image.ownerId,
    architecture: image.architecture,
    description: image.description,
    snapshotIds: [...image.snapshotIds],
    tags: { ...image.tags },
    raw,
  };
}

/** EC2's `*` and `?` name wildcards as a regular expression. */
export function namePattern(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

const newestFirst = (a: AmiImage, b: AmiImage) => b.creationDate.localeCompare(a.creationDate);

function imageNotFound(id: string): Error {
  return sandboxError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
}

/**
 * The images of one region. Images and snapshots of the sandbox's own region have no `region`;
 * copies made into another region carry it, and only that region's port sees them.
 */
export function sandboxImages(store: SandboxStore, home: string, region = home): Images {
  const read = () => store.read();
  const copyRegion = region === home ? undefined : region;
  const here = (i: { region?: string } | undefined): boolean => i !== undefined && i.region === copyRegion;
  const imageHere = (s: SandboxState, id: string) => (here(s.images[id]) ? s.images[id] : undefined);
  const owned = (s: SandboxState) => Object.values(s.images).filter((i) => here(i) && i.ownerId === s.account);

  const instancesUsingEach = (imageIds: string[]) =>
    sandboxCall('ec2', 'DescribeInstances', async () => {
      const s = await read();
      const using = new Map<string, string[]>(imageIds.map((id) => [id, []]));
      for (const i of Object.values(s.instances)) if (visibleInstanceState(i) !== 'terminated') using.get(i.imageId)?.push(i.id);
      return using;
    });

  const referencesEach = (imageIds: string[]) =>
    sandboxCall('ec2', 'DescribeImageReferences', async () => {
      const s = await read();
      const missing = imageIds.find((id) => !imageHere(s, id));
      if (missing) throw imageNotFound(missing);
      // The account's own aws:ec2:image parameters live in the home region, as SSM keeps them.
      const parameters = copyRegion ? [] : Object.entries(s.ownParameters ?? {}).filter(([, p]) => p.dataType === 'aws:ec2:image');
      return new Map<string, ImageReference[]>(
        imageIds.map((id) => [
          id,
          [
            ...(s.references[id] ?? []).map((r) => ({ ...r })),
            ...parameters.filter(([, p]) => p.value === id).map(([name]) => ({ resourceType: 'ssm:Parameter', arn: parameterArn(home, s.account, name) })),
          ],
        ]),
      );
    });

  return {
    describe: (ids) =>
      sandboxCall('ec2', 'DescribeImages', async () => {
        const s = await read();
        return ids.flatMap((id) => {
          const image = imageHere(s, id);
          return image ? [toAmiImage(image)] : [];
        });
      }),

    findByNamePattern: (pattern, owners) =>
      sandboxCall('ec2', 'DescribeImages', async () => {
        const s = await read();
        const re = namePattern(pattern);
        const ownerIds = owners.map((o) => (o === 'self' ? s.account : o));
        return Object.values(s.images)
          .filter((i) => here(i) && re.test(i.name) && (ownerIds.length === 0 || ownerIds.includes(i.ownerId)))
          .map((i) => toAmiImage(i))
          .filter((i) => i.state === 'available')
          .sort(newestFirst);
      }),

    findOwnedByName: (name) =>
      sandboxCall('ec2', 'DescribeImages', async () => {
        const s = await read();
        return owned(s)
          .filter((i) => i.name === name)
          .map((i) => toAmiImage(i));
      }),

    listOwned: (filter = {}) =>
      sandboxCall('ec2', 'DescribeImages', async () => {
        const s = await read();
        return owned(s)
          .filter((i) => filter.workflowId === undefined || i.tags['paw:workflow_id'] === filter.workflowId)
          .filter((i) => filter.stepId === undefined || i.tags['paw:step_id'] === filter.stepId)
          .map((i) => toAmiImage(i))
          .sort(newestFirst);
      }),

    tag: (resourceIds, tags) =>
      sandboxCall('ec2', 'CreateTags', () =>
        store.update((s) => {
          // All or nothing, as CreateTags: every id is checked before any is tagged.
          const targets = resourceIds.map((id) => {
            const target = s.images[id] ?? s.snapshots[id] ?? s.instances[id];
            if (target) return target;
            if (id.startsWith('snap-')) throw sandboxError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
            if (id.startsWith('i-')) throw sandboxError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
            throw imageNotFound(id);
          });
          for (const target of targets) Object.assign(target.tags, tags);
        }),
      ),

    createImage: (input) => sandboxCall('ec2', 'CreateImage', () => store.update((s) => createImageIn(s, input))),

    deregister: (imageId) =>
      sandboxCall('ec2', 'DeregisterImage', () =>
        store.update((s) => {
          const image = imageHere(s, imageId);
          if (!image) throw imageNotFound(imageId);
          if (image.ownerId !== s.account) throw sandboxError('AuthFailure', `Not authorized for image:${imageId}`, { status: 403 });
          delete s.images[imageId];
        }),
      ),

    copyFrom: (input) =>
      sandboxCall('ec2', 'CopyImage', () =>
        store.update((s) => {
          const fromHome = input.sourceRegion === home;
          const source = s.images[input.sourceImageId];
          if (!source || source.region !== (fromHome ? undefined : input.sourceRegion)) throw imageNotFound(input.sourceImageId);
          const again = Object.values(s.images).find((i) => here(i) && i.copyToken === input.clientToken);
          if (again) return again.id;
          if (Object.values(s.images).some((i) => here(i) && i.ownerId === s.account && i.name === input.name)) {
            throw sandboxError('InvalidAMIName.Duplicate', `AMI name ${input.name} is already in use by AMI in ${region}`);
          }
          const id = newId('ami');
          const snapshotIds = source.snapshotIds.map((from) => {
            const snapshot = newId('snap');
            s.snapshots[snapshot] = {
              id: snapshot,
              volumeSize: s.snapshots[from]?.volumeSize ?? source.volumeSize,
              ownerId: s.account,
              startTime: new Date().toISOString(),
              region: copyRegion,
              tags: { ...s.snapshots[from]?.tags },
            };
            return snapshot;
          });
          s.images[id] = {
            ...source,
            id,
            name: input.name,
            description: input.description,
            ownerId: s.account,
            creationDate: new Date().toISOString(),
            state: 'available',
            settlesAt: settleTime(IMAGE_READY_MS),
            snapshotIds,
            public: false,
            region: copyRegion,
            copyToken: input.clientToken,
            launchPermissions: undefined,
            deprecationTime: undefined,
            tags: { ...source.tags },
          };
          return id;
        }),
      ),

    share: (imageId, snapshotIds, accountIds) =>
      sandboxCall('ec2', 'ModifyImageAttribute', () =>
        store.update((s) => {
          const image = imageHere(s, imageId);
          if (!image) throw imageNotFound(imageId);
          const bad = accountIds.find((a) => !/^\d{12}$/.test(a));
          if (bad) throw sandboxError('InvalidUserID.Malformed', `Invalid user id: "${bad}"`);
          image.launchPermissions = [...new Set([...(image.launchPermissions ?? []), ...accountIds])];
          for (const id of snapshotIds) {
            const snapshot = here(s.snapshots[id]) ? s.snapshots[id] : undefined;
            if (!snapshot) throw sandboxError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
            snapshot.createVolumePermissions = [...new Set([...(snapshot.createVolumePermissions ?? []), ...accountIds])];
          }
        }),
      ),

    deprecate: (imageId, at) =>
      sandboxCall('ec2', 'EnableImageDeprecation', () =>
        store.update((s) => {
          const image = imageHere(s, imageId);
          if (!image) throw imageNotFound(imageId);
          if (image.ownerId !== s.account) throw sandboxError('AuthFailure', `Not authorized for image:${imageId}`, { status: 403 });
          if (at.getTime() < Date.now() - 60_000) throw sandboxError('InvalidParameterValue', 'The deprecation time cannot be in the past.');
          // EC2 rounds to the minute.
          image.deprecationTime = new Date(Math.round(at.getTime() / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
        }),
      ),

    deleteSnapshot: (snapshotId) =>
      sandboxCall('ec2', 'DeleteSnapshot', () =>
        store.update((s) => {
          const snapshot = here(s.snapshots[snapshotId]) ? s.snapshots[snapshotId] : undefined;
          if (!snapshot) throw sandboxError('InvalidSnapshot.NotFound', `The snapshot '${snapshotId}' does not exist.`);
          const user = Object.values(s.images).find((i) => i.snapshotIds.includes(snapshotId));
          if (user) throw sandboxError('InvalidSnapshot.InUse', `The snapshot ${snapshotId} is currently in use by ${user.id}`);
          if (snapshot.ownerId !== s.account) throw sandboxError('AuthFailure', `Not authorized for snapshot:${snapshotId}`, { status: 403 });
          delete s.snapshots[snapshotId];
        }),
      ),

    instancesUsing: async (imageId) => (await instancesUsingEach([imageId])).get(imageId) ?? [],

    references: async (imageId) => (await referencesEach([imageId])).get(imageId) ?? [],

    instancesUsingEach,

    referencesEach,

    snapshotUsers: (snapshotIds, exceptImageId) =>
      sandboxCall('ec2', 'DescribeImages', async () => {
        const s = await read();
        const users = new Map<string, string[]>();
        for (const image of owned(s)) {
          if (image.id === exceptImageId) continue;
          for (const snap of image.snapshotIds) {
            if (snapshotIds.includes(snap)) users.set(snap, [...(users.get(snap) ?? []), image.id]);
          }
        }
        return users;
      }),
  };
}

/**
 * CreateImage as the manual path uses it: only from a stopped instance (EC2 would reboot a
 * running one; the guide wants it stopped, so the sandbox answers like EC2 does for a state it
 * cannot image from).
 */
function createImageIn(s: SandboxState, input: { instanceId: string; name: string; description?: string; tags: Record<string, string> }): string {
  const instance = s.instances[input.instanceId];
  if (!instance) throw sandboxError('InvalidInstanceID.NotFound', `The instance ID '${input.instanceId}' does not exist`);
  const state = visibleInstanceState(instance);
  if (state !== 'stopped') {
    throw sandboxError('IncorrectInstanceState', `The instance '${input.instanceId}' is not in the 'stopped' state (it is '${state}').`);
  }
  if (!AMI_NAME.test(input.name)) {
    throw sandboxError(
      'InvalidAMIName.Malformed',
      `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'`,
    );
  }
  const taken = Object.values(s.images).find((i) => i.ownerId === s.account && i.name === input.name);
  if (taken) throw sandboxError('InvalidAMIName.Duplicate', `AMI name ${input.name} is already in use by AMI ${taken.id}`);
  return registerImage(s, { name: input.name, description: input.description ?? '', instanceId: input.instanceId, tags: input.tags });
}

/** Adds a new pending image of this account with one snapshot (also used by the simulated packer). */
export function registerImage(
  s: SandboxState,
  input: { name: string; description: string; instanceId: string; tags: Record<string, string>; readyInMs?: number },
): string {
  const instance = s.instances[input.instanceId];
  const source = instance ? s.images[instance.imageId] : undefined;
  const now = Date.now();
  const id = newId('ami');
  const snapshotId = newId('snap');
  const volumeSize = source?.volumeSize ?? 8;
  s.snapshots[snapshotId] = { id: snapshotId, volumeSize, ownerId: s.account, startTime: new Date(now).toISOString(), tags: { ...input.tags } };
  s.images[id] = {
    id,
    name: input.name,
    description: input.description,
    ownerId: s.account,
    architecture: source?.architecture ?? 'x86_64',
    creationDate: new Date(now).toISOString(),
    state: 'available',
    settlesAt: settleTime(input.readyInMs ?? IMAGE_READY_MS, now),
    snapshotIds: [snapshotId],
    rootDeviceName: source?.rootDeviceName ?? '/dev/sda1',
    volumeType: source?.volumeType ?? 'gp3',
    volumeSize,
    public: false,
    sourceInstanceId: input.instanceId,
    tags: { ...input.tags },
  };
  return id;
}
