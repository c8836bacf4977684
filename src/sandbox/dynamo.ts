import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Catalog, CatalogTables, Leases } from '../aws/ports.js';
import { retryConfig } from '../aws/retry.js';
import { PawError } from '../errors.js';
import { processAlive } from '../locks/process.js';
import { writeFileAtomic } from '../workflow/atomic.js';
import { makePawDir } from '../paw-dir.js';

/**
 * The sandbox's catalog: the real DynamoDB API served by dynalite on 127.0.0.1, its data kept on
 * disk under `<workflowDir>/.paw/sandbox/dynamodb/` so records survive restarts, and the same
 * `dynamoCatalog` adapter as with AWS. Nothing starts until the catalog is first used, so the
 * app's first frame never waits for it. LevelDB allows one process per folder, so a second
 * paw-tui on the same workflow uses the server the first one started (`dynamodb.json`).
 */

type DynaliteFactory = (options: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

interface Endpoint {
  pid: number;
  port: number;
}

export interface SandboxDynamo {
  /** The catalog over the sandbox's own table. */
  readonly catalog: Catalog;
  readonly leases: Leases;
  readonly tables: CatalogTables;
  /** The catalog over any table of the local server. */
  open(name: string): Promise<Catalog>;
  /** The endpoint in use once started (tests and `doctor` show it). */
  endpoint(): string | null;
  stop(): Promise<void>;
}


async function sharedEndpoint(file: string): Promise<Endpoint | null> {
  try {
    const e = JSON.parse(await readFile(file, 'utf8')) as Partial<Endpoint>;
    if (typeof e.pid === 'number' && typeof e.port === 'number' && e.pid !== process.pid && processAlive({ pid: e.pid })) {
      return { pid: e.pid, port: e.port };
    }
  } catch {
    // No server of another process: start ours.
  }
  return null;
}

/** Servers this process runs, by data folder: two clouds open on one workflow share one. */
const localServers = new Map<string, { port: Promise<number>; refs: number; server: Server | null }>();

/** A DynamoDB endpoint for the data folder: this process's, another process's, or a new one. */
async function acquirePort(dataDir: string, endpointFile: string): Promise<{ port: number; release: () => Promise<void> }> {
  let entry = localServers.get(dataDir);
  if (!entry) {
    const shared = await sharedEndpoint(endpointFile);
    if (shared) return { port: shared.port, release: () => Promise.resolve() };
    entry = localServers.get(dataDir);
    if (!entry) {
      const created: { port: Promise<number>; refs: number; server: Server | null } = { port: Promise.resolve(0), refs: 0, server: null };
      created.port = (async () => {
        const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
        const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
        created.server = server;
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve());
        });
        const port = (server.address() as AddressInfo).port;
        try {
          await writeFileAtomic(endpointFile, JSON.stringify({ pid: process.pid, port }) + '\n');
        } catch (e) {
          // A server nobody can find (a full disk) must not keep the process from ending.
          await closeServer(server);
          throw e;
        }
        return port;
      })();
      localServers.set(dataDir, created);
      entry = created;
    }
  }
  const held = entry;
  held.refs += 1;
  let port: number;
  try {
    port = await held.port;
  } catch (e) {
    held.refs -= 1;
    if (localServers.get(dataDir) === held) localServers.delete(dataDir);
    throw e;
  }
  let released = false;
  return {
    port,
    release: async () => {
      if (released) return;
      released = true;
      held.refs -= 1;
      if (held.refs > 0 || !held.server) return;
      localServers.delete(dataDir);
      await closeServer(held.server);
      await rm(endpointFile, { force: true });
    },
  };
}

/**
 * The sandbox's DynamoDB. Its table (the one configured, else the default name) simply exists:
 * there is no one to ask offline. Other tables are reached through the same local server.
 */
export function sandboxDynamo(sandboxDir: string, tableName: string, region: string): SandboxDynamo {
  const dataDir = path.join(sandboxDir, 'dynamodb');
  const endpointFile = path.join(sandboxDir, 'dynamodb.json');
  let started: Promise<{
    catalog: Catalog;
    client: DynamoDBClient;
    release: () => Promise<void>;
    tables: CatalogTables;
    open: (name: string) => Catalog;
  }> | null = null;
  let url: string | null = null;

  async function start() {
    await makePawDir(dataDir);
    const { port, release } = await acquirePort(dataDir, endpointFile);
    url = `http://127.0.0.1:${port}`;
    const [{ DynamoDBClient }, { dynamoCatalog, dynamoTables }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../aws/sdk/catalog.js'),
    ]);
    const client = new DynamoDBClient({
      endpoint: url,
      region,
      credentials: { accessKeyId: 'SANDBOXACCESSKEY', secretAccessKey: 'sandbox-secret-key' },
      ...retryConfig(),
    });
    const catalog = dynamoCatalog(client, tableName, { pollMs: 20 });
    try {
      // The sandbox has no one to ask: its table simply exists.
      if (!(await catalog.tableExists())) await catalog.createTable();
    } catch (e) {
      client.destroy();
      await release();
      url = null;
      throw new PawError(`the sandbox catalog could not start in ${dataDir}`, {
        hint: 'another program may hold it; close other paw-tui --sandbox processes of this workflow, or delete the folder to start afresh',
        cause: e,
      });
    }
    return { catalog, client, release, tables: dynamoTables(client), open: (name: string) => dynamoCatalog(client, name, { pollMs: 20, where: () => Promise.resolve(`the sandbox, region ${region}`) }) };
  }

  const ready = () => (started ??= start().catch((e: unknown) => {
    started = null;
    throw e;
  }));

  /** Calls still running: closing waits for them, so the store never closes under a scan. */
  const pending = new Set<Promise<unknown>>();
  const track = <T>(call: () => Promise<T>): Promise<T> => {
    const p = call();
    const settled = p.then(() => undefined, () => undefined);
    pending.add(settled);
    void settled.then(() => pending.delete(settled));
    return p;
  };
  /** A catalog whose every call is tracked; `inner` gives the adapter once the server runs. */
  const trackedCatalog = (name: string, inner: () => Promise<Catalog>): Catalog => {
    const via = <T>(call: (c: Catalog) => Promise<T>): Promise<T> => track(async () => call(await inner()));
    return {
      tableName: name,
      tableExists: () => via((c) => c.tableExists()),
      createTable: () => via((c) => c.createTable()),
      put: (item) => via((c) => c.put(item)),
      get: (workflowId, stepId) => via((c) => c.get(workflowId, stepId)),
      getMany: (keys) => via((c) => c.getMany(keys)),
      listWorkflow: (workflowId) => via((c) => c.listWorkflow(workflowId)),
      listStepVersions: (stepId) => via((c) => c.listStepVersions(stepId)),
      listAll: () => via((c) => c.listAll()),
      delete: (workflowId, stepId) => via((c) => c.delete(workflowId, stepId)),
    };
  };
  const catalog = trackedCatalog(tableName, async () => (await ready()).catalog);

  const leasesOf = async () => {
    const { client } = await ready();
    const { dynamoLeases } = await import('../aws/sdk/leases.js');
    return dynamoLeases(client, tableName);
  };
  const leases: Leases = {
    acquire: (...args) => track(async () => (await leasesOf()).acquire(...args)),
    renew: (...args) => track(async () => (await leasesOf()).renew(...args)),
    release: (...args) => track(async () => (await leasesOf()).release(...args)),
  };
  const tables: CatalogTables = {
    list: () => track(async () => (await ready()).tables.list()),
    describe: (name) => track(async () => (await ready()).tables.describe(name)),
    holdsWorkflow: (name, workflowId) => track(async () => (await ready()).tables.holdsWorkflow(name, workflowId)),
  };

  return {
    catalog,
    leases,
    tables,
    open: (name) => Promise.resolve(name === tableName ? catalog : trackedCatalog(name, async () => (await ready()).open(name))),
    endpoint: () => url,
    async stop() {
      if (!started) return;
      // Calls in flight finish first (bounded: a stuck one never holds the exit).
      await settleWithin(pending, STOP_WAIT_MS);
      const current = started as typeof started | null;
      if (current === null) return;
      started = null;
      url = null;
      let running;
      try {
        running = await current;
      } catch {
        return;
      }
      running.client.destroy();
      await running.release();
    },
  };
}

/** How long closing waits for catalog calls still running. */
const STOP_WAIT_MS = 3000;

/** Waits until no call is pending (one call's follow-up counts too), or `ms` have passed. */
async function settleWithin(pending: Set<Promise<unknown>>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pending.size > 0 && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...pending]),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, deadline - Date.now()); }),
    ]);
    clearTimeout(timer);
    // A caller may chain its next call on the one that just settled.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
