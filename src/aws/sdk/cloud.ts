import { rememberSecretsOf } from '../../packer/redact.js';
import { PawError } from '../../errors.js';
import { retryConfig } from '../retry.js';
import type { Catalog, Cloud, CloudOptions, Identity, Images, Incidents, Instances, Leases, ParameterStore, PublicParameters } from '../ports.js';

/**
 * What every client is built with: region, profile or keys, and the one retry policy
 * (src/aws/retry.ts). Endpoints are left to the SDK (AWS_ENDPOINT_URL*).
 */
interface ClientConfig {
  region: string;
  maxAttempts?: number;
  retryMode?: string;
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
 * A port whose adapter (and SDK client) is loaded at its first call. The method list is a
 * record of every key of the port, so the compiler refuses one that leaves a method out, and
 * the port is a plain object (it can be spread or wrapped like any other adapter).
 */
function lazyPort<T extends object>(load: () => Promise<T>, methods: Record<keyof T, true>): T {
  const adapter = once(load);
  const port: Record<string, unknown> = {};
  for (const name of Object.keys(methods)) {
    port[name] = async (...args: unknown[]) => {
      const loaded = (await adapter()) as Record<string, (...a: unknown[]) => unknown>;
      return loaded[name]!(...args);
    };
  }
  return port as T;
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

/**
 * The credentials the SDK resolves (a profile, SSO, an instance role) are masked in output too.
 * Asking for them resolves nothing new: the SDK memoizes them for the client's first call.
 */
function rememberCredentials(config: unknown): void {
  const provider = (config as { credentials?: unknown } | undefined)?.credentials;
  if (typeof provider !== 'function') return;
  void Promise.resolve()
    .then(() => (provider as () => Promise<Record<string, unknown>>)())
    .then((found) => rememberSecretsOf({ secretAccessKey: found.secretAccessKey, sessionToken: found.sessionToken, accessKeyId: found.accessKeyId }))
    .catch(() => undefined);
}

/** The cloud of SPEC §4 over the AWS SDK v3. Opening it loads no SDK client; each is made at its first use. */
export async function openAwsCloud(options: CloudOptions): Promise<Cloud> {
  const region = await resolveRegion(options);
  const config: ClientConfig = { region, ...retryConfig() };
  if (options.credentials) {
    rememberSecretsOf(options.credentials);
    config.credentials = {
      accessKeyId: options.credentials.accessKeyId,
      secretAccessKey: options.credentials.secretAccessKey,
      ...(options.credentials.sessionToken ? { sessionToken: options.credentials.sessionToken } : {}),
    };
  } else if (options.profile) {
    config.profile = options.profile;
  }

  const clients: { destroy(): void }[] = [];
  const made = <C extends { destroy(): void; config?: unknown }>(client: C): C => {
    clients.push(client);
    rememberCredentials(client.config);
    return client;
  };
  const ec2 = once(async () => made(new (await import('./images.js')).EC2Client(config)));
  const iam = once(async () => made(new (await import('./iam.js')).IAMClient(config)));

  const imagesOf = (client: () => Promise<import('./images.js').EC2Client>) =>
    lazyPort<Images>(async () => (await import('./images.js')).ec2Images(await client()), {
      describe: true,
      findByNamePattern: true,
      findOwnedByName: true,
      listOwned: true,
      tag: true,
      createImage: true,
      deregister: true,
      copyFrom: true,
      share: true,
      deprecate: true,
      deleteSnapshot: true,
      instancesUsing: true,
      references: true,
      snapshotUsers: true,
    });
  const images = imagesOf(ec2);
  const elsewhere = new Map<string, Images>();
  const imagesIn = (other: string): Images => {
    if (other === region) return images;
    let port = elsewhere.get(other);
    if (!port) {
      const client = once(async () => made(new (await import('./images.js')).EC2Client({ ...config, region: other })));
      elsewhere.set(other, (port = imagesOf(client)));
    }
    return port;
  };
  const instances = lazyPort<Instances>(async () => (await import('./instances.js')).ec2Instances(await ec2(), iam), {
    run: true,
    describe: true,
    stop: true,
    terminate: true,
    subnetByName: true,
    securityGroupByName: true,
    instanceProfileExists: true,
    keyPairs: true,
    createKeyPair: true,
    deleteKeyPair: true,
    find: true,
  });
  const parameters = lazyPort<PublicParameters>(
    async () => {
      const { SSMClient, ssmParameters } = await import('./parameters.js');
      return ssmParameters(made(new SSMClient(config)));
    },
    { byPath: true },
  );
  const parameterStore = lazyPort<ParameterStore>(
    async () => {
      const { SSMClient, ssmParameterStore } = await import('./parameters.js');
      return ssmParameterStore(made(new SSMClient(config)));
    },
    { putImageId: true, get: true },
  );
  const incidents = lazyPort<Incidents>(
    async () => {
      const { SSMIncidentsClient, ssmIncidents } = await import('./incidents.js');
      return ssmIncidents(made(new SSMIncidentsClient(config)));
    },
    { start: true },
  );
  const identity = lazyPort<Identity>(
    async () => {
      const { STSClient, stsIdentity } = await import('./identity.js');
      return stsIdentity(made(new STSClient(config)));
    },
    { whoAmI: true },
  );
  const catalogMethods = lazyPort<Omit<Catalog, 'tableName'>>(
    async () => {
      const { DynamoDBClient, dynamoCatalog } = await import('./catalog.js');
      return dynamoCatalog(made(new DynamoDBClient(config)), options.tableName);
    },
    {
      tableExists: true,
      createTable: true,
      put: true,
      get: true,
      listWorkflow: true,
      listStepVersions: true,
      listAll: true,
      delete: true,
    },
  );
  const catalog: Catalog = { tableName: options.tableName, ...catalogMethods };
  const leases = lazyPort<Leases>(
    async () => {
      const [{ DynamoDBClient }, { dynamoLeases }] = await Promise.all([import('./catalog.js'), import('./leases.js')]);
      return dynamoLeases(made(new DynamoDBClient(config)), options.tableName);
    },
    { acquire: true, renew: true, release: true },
  );

  return {
    kind: 'aws',
    region,
    profile: options.credentials ? null : (options.profile ?? process.env.AWS_PROFILE ?? null),
    images,
    imagesIn,
    instances,
    parameters,
    parameterStore,
    incidents,
    identity,
    catalog,
    leases,
    close() {
      for (const c of clients.splice(0)) c.destroy();
      return Promise.resolve();
    },
  };
}
