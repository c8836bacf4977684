import {
  CreateImageCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  CopyImageCommand,
  DeregisterImageCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  EnableImageDeprecationCommand,
  DescribeImageReferencesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  type DescribeImagesCommandInput,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { PawError } from '../../errors.js';
import { awsCall, isThrottling, translateAwsError } from '../errors.js';
import type { AmiImage, ImageReference, Images } from '../ports.js';
import { allPages, tagList, tagMap } from './pages.js';

/** Re-exported so the lazy loader gets the client from this module (a bundled dynamic import of the SDK's CommonJS build has no named exports). */
export { EC2Client } from '@aws-sdk/client-ec2';

/** The parts of EC2's `Image` that paw-tui depends on; everything else is kept as it came. */
const ec2Image = z.looseObject({
  ImageId: z.string(),
  Name: z.string().optional(),
  State: z.string().optional(),
  CreationDate: z.string().optional(),
  OwnerId: z.string().optional(),
  Architecture: z.string().optional(),
  Description: z.string().optional(),
  BlockDeviceMappings: z.array(z.looseObject({ Ebs: z.looseObject({ SnapshotId: z.string().optional() }).optional() })).optional(),
  Tags: z.array(z.object({ Key: z.string().optional(), Value: z.string().optional() })).optional(),
});

export function toAmiImage(raw: unknown): AmiImage {
  const r = ec2Image.safeParse(raw);
  if (!r.success) throw new PawError(`EC2 answered with an image paw-tui cannot read: ${r.error.issues[0]?.message}`);
  const i = r.data;
  return {
    id: i.ImageId,
    name: i.Name ?? '',
    state: i.State ?? 'unknown',
    creationDate: i.CreationDate ?? '',
    ownerId: i.OwnerId ?? '',
    architecture: i.Architecture,
    description: i.Description,
    snapshotIds: (i.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [])),
    tags: tagMap(i.Tags),
    // As EC2 answered, keys in its order (the catalog stores it under details.data).
    raw: raw as Record<string, unknown>,
  };
}

const newestFirst = (a: AmiImage, b: AmiImage) => b.creationDate.localeCompare(a.creationDate);

/** Instances in these states still hold an image (terminated ones do not). */
const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

/** DescribeImageReferences of these images: image id → references (every id a key); null when the API cannot answer. */
async function imageReferences(ec2: EC2Client, imageIds: string[]): Promise<Map<string, ImageReference[]> | null> {
  const byImage = new Map<string, ImageReference[]>(imageIds.map((id) => [id, []]));
  if (imageIds.length === 0) return byImage;
  try {
    const references = await allPages(async (token) => {
      const out = await ec2.send(new DescribeImageReferencesCommand({ ImageIds: imageIds, IncludeAllResourceTypes: true, NextToken: token }));
      return { items: out.ImageReferences ?? [], next: out.NextToken };
    });
    for (const r of references) {
      // An answer without its image id can only be about the one image asked for.
      const id = r.ImageId ?? (imageIds.length === 1 ? imageIds[0] : undefined);
      if (id) byImage.get(id)?.push({ resourceType: r.ResourceType ?? 'unknown', arn: r.Arn ?? '' });
    }
    return byImage;
  } catch (e) {
    // Older partitions and some regions do not offer the API: that is "cannot tell", not a failure.
    // Credentials and throttling problems still stop the caller.
    const translated = translateAwsError(e, 'ec2:DescribeImageReferences');
    if (e instanceof PawError || isThrottling(e) || /credentials/i.test(translated.message)) throw translated;
    return null;
  }
}

export function ec2Images(ec2: EC2Client): Images {
  const call = <T>(action: string, fn: () => Promise<T>) => awsCall(`ec2:${action}`, fn);

  /** Instances not terminated launched from these images: image id → instance ids (every id a key). */
  async function liveInstancesOf(imageIds: string[]): Promise<Map<string, string[]>> {
    const using = new Map<string, string[]>(imageIds.map((id) => [id, []]));
    if (imageIds.length === 0) return using;
    const instances = await allPages(async (token) => {
      const out = await call('DescribeInstances', () =>
        ec2.send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: 'image-id', Values: imageIds },
              { Name: 'instance-state-name', Values: LIVE_STATES },
            ],
            MaxResults: 1000,
            NextToken: token,
          }),
        ),
      );
      return { items: (out.Reservations ?? []).flatMap((r) => r.Instances ?? []), next: out.NextToken };
    });
    for (const i of instances) {
      // An answer without its image id can only be about the one image asked for.
      const id = i.ImageId ?? (imageIds.length === 1 ? imageIds[0] : undefined);
      if (i.InstanceId && id) using.get(id)?.push(i.InstanceId);
    }
    return using;
  }

  function describeAll(input: Omit<DescribeImagesCommandInput, 'NextToken' | 'MaxResults'>): Promise<AmiImage[]> {
    return allPages(async (token) => {
      const out = await call('DescribeImages', () => ec2.send(new DescribeImagesCommand({ ...input, MaxResults: 1000, NextToken: token })));
      return { items: (out.Images ?? []).map(toAmiImage), next: out.NextToken };
    });
  }

  return {
    async describe(ids) {
      // A filter, not ImageIds: EC2 fails the whole call on one unknown id, the port leaves it out.
      // A filter takes at most 200 values.
      const out: AmiImage[] = [];
      for (let i = 0; i < ids.length; i += 200) {
        out.push(...(await describeAll({ Filters: [{ Name: 'image-id', Values: ids.slice(i, i + 200) }], IncludeDeprecated: true })));
      }
      return out;
    },

    async findByNamePattern(pattern, owners) {
      const found = await describeAll({
        Owners: owners,
        Filters: [
          { Name: 'name', Values: [pattern] },
          { Name: 'state', Values: ['available'] },
        ],
      });
      return found.sort(newestFirst);
    },

    findOwnedByName(name) {
      return describeAll({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] });
    },

    async listOwned(filter = {}) {
      const filters: Filter[] = [];
      if (filter.workflowId) filters.push({ Name: 'tag:paw:workflow_id', Values: [filter.workflowId] });
      else filters.push({ Name: 'tag-key', Values: ['paw:workflow_id'] });
      if (filter.stepId) filters.push({ Name: 'tag:paw:step_id', Values: [filter.stepId] });
      return (await describeAll({ Owners: ['self'], Filters: filters })).sort(newestFirst);
    },

    async tag(resourceIds, tags) {
      if (resourceIds.length === 0) return;
      await call('CreateTags', () => ec2.send(new CreateTagsCommand({ Resources: resourceIds, Tags: tagList(tags) })));
    },

    async createImage(input) {
      const tags = tagList(input.tags);
      const out = await call('CreateImage', () =>
        ec2.send(
          new CreateImageCommand({
            InstanceId: input.instanceId,
            Name: input.name,
            Description: input.description,
            TagSpecifications: [
              { ResourceType: 'image', Tags: tags },
              { ResourceType: 'snapshot', Tags: tags },
            ],
          }),
        ),
      );
      if (!out.ImageId) throw new PawError(`EC2 created no image from ${input.instanceId}`);
      return out.ImageId;
    },

    async deregister(imageId) {
      await call('DeregisterImage', () => ec2.send(new DeregisterImageCommand({ ImageId: imageId })));
    },

    async copyFrom(input) {
      const out = await call('CopyImage', () =>
        ec2.send(
          new CopyImageCommand({
            SourceImageId: input.sourceImageId,
            SourceRegion: input.sourceRegion,
            Name: input.name,
            Description: input.description,
            CopyImageTags: true,
            ClientToken: input.clientToken,
          }),
        ),
      );
      if (!out.ImageId) throw new PawError(`EC2 made no copy of ${input.sourceImageId}`);
      return out.ImageId;
    },

    async share(imageId, snapshotIds, accountIds) {
      if (accountIds.length === 0) return;
      await call('ModifyImageAttribute', () =>
        ec2.send(new ModifyImageAttributeCommand({ ImageId: imageId, LaunchPermission: { Add: accountIds.map((UserId) => ({ UserId })) } })),
      );
      for (const snapshotId of snapshotIds) {
        await call('ModifySnapshotAttribute', () =>
          ec2.send(
            new ModifySnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission', OperationType: 'add', UserIds: accountIds }),
          ),
        );
      }
    },

    async deprecate(imageId, at) {
      await call('EnableImageDeprecation', () => ec2.send(new EnableImageDeprecationCommand({ ImageId: imageId, DeprecateAt: at })));
    },

    async deleteSnapshot(snapshotId) {
      await call('DeleteSnapshot', () => ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })));
    },

    async instancesUsing(imageId) {
      return (await liveInstancesOf([imageId])).get(imageId) ?? [];
    },

    async references(imageId) {
      return (await imageReferences(ec2, [imageId]))?.get(imageId) ?? null;
    },

    instancesUsingEach: liveInstancesOf,

    referencesEach(imageIds) {
      return imageReferences(ec2, imageIds);
    },

    async snapshotUsers(snapshotIds, exceptImageId) {
      const users = new Map<string, string[]>();
      if (snapshotIds.length === 0) return users;
      const images = await describeAll({
        Owners: ['self'],
        Filters: [{ Name: 'block-device-mapping.snapshot-id', Values: snapshotIds }],
      });
      for (const image of images) {
        if (image.id === exceptImageId) continue;
        for (const s of image.snapshotIds) {
          if (!snapshotIds.includes(s)) continue;
          users.set(s, [...(users.get(s) ?? []), image.id]);
        }
      }
      return users;
    },
  };
}
