import { PawError } from '../../errors.js';
import type { Catalog, Cloud, CloudOptions, Identity, Images, Incidents, Instances, PublicParameters } from '../ports.js';

/** What every client is built with: region, profile or keys. Endpoints are left to the SDK (AWS_ENDPOINT_URL*). */
interface ClientConfig {
  region: string;
  profile?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make().catch((e: unknown) => {
    made = undefined;
    throw e;
  }));
}

/**
 * A port whose adapter (and SDK client) is loaded at its first call. Every member of a port is
 * an async method, so each is forwarded as one.
 */
function lazyPort<T extends object>(load: () => Promise<T>): T {
  return new Proxy({} as T, {
    get(_target, member) {
      if (typeof member !== 'string' || member === 'then') return undefined;
      return async (...args: unknown[]) => {
        const port = (await load()) as Record<string, (...a: unknown[]) => unknown>;
        return port[member]!(...args);
      };
    },
  });
}

/** The region from the options, the environment, or the profile's config file (the SDK's own lookup). */
async function resolveRegion(options: CloudOptions): Promise<string> {
  const explicit = options.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (explicit) return explicit;
  const { STSClient } = await import('./identity.js');
  const probe = new STSClient(options.profile ? { profile: options.profile } : {});
  try {
    const region = await probe.config.region();
    if (region) return region;
  } catch {
    // No region anywhere: reported below with what to set.
  } finally {
    probe.destroy();
  }
  throw new PawError('no AWS region is set', {
    hint: 'set region_name in workflow_param.json, pass --region, or export AWS_REGION',
  });
}

/** The cloud of SPEC §4 over the AWS SDK v3. Opening it loads no SDK client; each is made at its first use. */
export async function openAwsCloud(options: CloudOptions): Promise<Cloud> {
  const region = await resolveRegion(options);
  const config: ClientConfig = { region };
  if (options.credentials) {
    config.credentials = {
      accessKeyId: options.credentials.accessKeyId,
      secretAccessKey: options.credentials.secretAccessKey,
      ...(options.credentials.sessionToken ? { sessionToken: options.credentials.sessionToken } : {}),
    };
  } else if (options.profile) {
    config.profile = options.profile;
  }

  const clients: { destroy(): void }[] = [];
  const made = <C extends { destroy(): void }>(client: C): C => {
    clients.push(client);
    return client;
  };
  const ec2 = once(async () => made(new (await import('./images.js')).EC2Client(config)));
  const iam = once(async () => made(new (await import('./iam.js')).IAMClient(config)));

  const images = lazyPort<Images>(async () => (await import('./images.js')).ec2Images(await ec2()));
  const instances = lazyPort<Instances>(async () => (await import('./instances.js')).ec2Instances(await ec2(), iam));
  const parameters = lazyPort<PublicParameters>(async () => {
    const { SSMClient, ssmParameters } = await import('./parameters.js');
    return ssmParameters(made(new SSMClient(config)));
  });
  const incidents = lazyPort<Incidents>(async () => {
    const { SSMIncidentsClient, ssmIncidents } = await import('./incidents.js');
    return ssmIncidents(made(new SSMIncidentsClient(config)));
  });
  const identity = lazyPort<Identity>(async () => {
    const { STSClient, stsIdentity } = await import('./identity.js');
    return stsIdentity(made(new STSClient(config)));
  });
  const catalogPort = lazyPort<Catalog>(async () => {
    const { DynamoDBClient, dynamoCatalog } = await import('./catalog.js');
    return dynamoCatalog(made(new DynamoDBClient(config)), options.tableName);
  });
  const catalog: Catalog = {
    tableName: options.tableName,
    tableExists: () => catalogPort.tableExists(),
    createTable: () => catalogPort.createTable(),
    put: (item) => catalogPort.put(item),
    get: (w, s) => catalogPort.get(w, s),
    listWorkflow: (w) => catalogPort.listWorkflow(w),
    listStepVersions: (s) => catalogPort.listStepVersions(s),
    listAll: () => catalogPort.listAll(),
    delete: (w, s) => catalogPort.delete(w, s),
  };

  return {
    kind: 'aws',
    region,
    profile: options.credentials ? null : (options.profile ?? process.env.AWS_PROFILE ?? null),
    images,
    instances,
    parameters,
    incidents,
    identity,
    catalog,
    async close() {
      for (const c of clients.splice(0)) c.destroy();
    },
  };
}
