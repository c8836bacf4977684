import { rememberSecretsOf } from '../../packer/redact.js';
import { PawError } from '../../errors.js';
import { retryConfig } from '../retry.js';
import { awsConfigFile, childAwsEnv, credentialsConflict, resolveRegion } from '../profile.js';
import type { CatalogTables, Cloud, CloudOptions, Identity, Images, Incidents, Instances, Leases, ParameterStore, PublicParameters } from '../ports.js';
import { resolvingCatalog } from '../table.js';

/**
 * What every client is built with: region, profile or keys, and the one retry policy
 * (src/aws/retry.ts). Endpoints are left to the SDK (AWS_ENDPOINT_URL*).
 */
interface ClientConfig {
  region: string;
  maxAttempts?: number;
  retryMode?: string;
  logger: typeof silentLogger;
  profile?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((e: unknown) => {
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

/** Clients log nothing: the SDK's own warnings would draw over the app (the one that matters is said once, in words). */
const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

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
export function openAwsCloud(options: CloudOptions): Promise<Cloud> {
  const region = resolveRegion({ explicit: options.region, profile: options.profile });
  if (!region) {
    return Promise.reject(
      new PawError('no AWS region is set', {
        hint: `set region_name in workflow_param.json, pass --region, export AWS_REGION, or give the profile a region in ${awsConfigFile()}`,
      }),
    );
  }
  const config: ClientConfig = { region, logger: silentLogger, ...retryConfig() };
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
      instancesUsingEach: true,
      referencesEach: true,
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
    securityGroupsNamed: true,
    deleteSecurityGroup: true,
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
  const dynamo = once(async () => made(new (await import('./catalog.js')).DynamoDBClient(config)));
  const tables = lazyPort<CatalogTables>(async () => (await import('./catalog.js')).dynamoTables(await dynamo()), {
    list: true,
    describe: true,
    holdsWorkflow: true,
  });
  const where = async () => {
    const account = await identity.whoAmI().then(
      (w) => w.account,
      () => null,
    );
    return account ? `account ${account}, region ${region}` : `region ${region}`;
  };
  const catalog = resolvingCatalog({
    configured: options.table,
    tables,
    workflowId: options.workflowId ?? null,
    where,
    onNote: options.onNote,
    chooseTable: options.chooseTable,
    askWhenNone: true,
    open: async (name) => (await import('./catalog.js')).dynamoCatalog(await dynamo(), name, { where }),
  });
  const leases = lazyPort<Leases>(async () => (await import('./leases.js')).dynamoLeases(await dynamo(), await catalog.resolvedName()), {
    acquire: true,
    renew: true,
    release: true,
  });
  const conflict = credentialsConflict({ profile: options.profile, credentials: options.credentials });
  if (conflict) options.onNote?.(conflict);

  return Promise.resolve({
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
    tables,
    childEnv: childAwsEnv({ profile: options.profile, credentials: options.credentials, region }),
    close() {
      for (const c of clients.splice(0)) c.destroy();
      return Promise.resolve();
    },
  });
}
