import { open, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
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
interface LocalServer {
  port: Promise<number>;
  refs: number;
  server: Server | null;
  guard: { close: () => void } | null;
  /** Another process's server, found while waiting for the start lock. */
  shared: boolean;
}
const localServers = new Map<string, LocalServer>();

/**
 * Holds `<sandbox>/dynamodb.lock` while `work` runs: one process at a time looks for a server and
 * starts one (LevelDB lets one process open the folder). A lock left by a dead process is taken.
 */
async function withStartLock<T>(lockFile: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(await readFile(lockFile, 'utf8').catch(() => ''));
    if (Number.isInteger(holder) && holder > 0 && !processAlive({ pid: holder })) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new PawError(`the sandbox catalog is being started by another process (${lockFile})`, {
        hint: 'delete the lock file if no paw-tui --sandbox is running',
      });
    }
    await sleep(20 + Math.random() * 30);
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}

/** A server this process runs stops taking requests when it closes: a request then would crash it. */
function guardClosing(server: Server): { close: () => void } {
  let closing = false;
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // The other process sees its connection reset, and starts (or finds) a server of its own.
    if (closing) return void req.socket.destroy();
    for (const h of handlers) h(req, res);
  });
  return { close: () => void (closing = true) };
}

/** A DynamoDB endpoint for the data folder: this process's, another process's, or a new one. */
async function acquirePort(dataDir: string, endpointFile: string): Promise<{ port: number; owned: boolean; release: () => Promise<void> }> {
  let entry = localServers.get(dataDir);
  if (!entry) {
    const shared = await sharedEndpoint(endpointFile);
    if (shared) return { port: shared.port, owned: false, release: () => Promise.resolve() };
    entry = localServers.get(dataDir);
    if (!entry) {
      const created: LocalServer = { port: Promise.resolve(0), refs: 0, server: null, guard: null, shared: false };
      created.port = withStartLock(path.join(path.dirname(endpointFile), 'dynamodb.lock'), async () => {
        // Another process may have started one while this one waited for the lock.
        const meanwhile = await sharedEndpoint(endpointFile);
        if (meanwhile) {
          created.shared = true;
          return meanwhile.port;
        }
        const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
        const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
        created.server = server;
        created.guard = guardClosing(server);
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
      });
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
  if (held.shared) {
    // Not this process's server: forget it, so a later start looks again.
    if (localServers.get(dataDir) === held) localServers.delete(dataDir);
    return { port, owned: false, release: () => Promise.resolve() };
  }
  return {
    port,
    owned: true,
    release: async () => {
      if (released) return;
      released = true;
      held.refs -= 1;
      if (held.refs > 0 || !held.server) return;
      localServers.delete(dataDir);
      // Others find no server from now on (they start their own); requests already sent are reset.
      await rm(endpointFile, { force: true });
      held.guard?.close();
      await closeServer(held.server);
    },
  };
}

interface Started {
  catalog: Catalog;
  client: DynamoDBClient;
  /** This process runs the server (else another process of the same workflow does). */
  owned: boolean;
  release: () => Promise<void>;
  tables: CatalogTables;
  open: (name: string) => Catalog;
}

/** How long starting tries again while another process still holds the data folder. */
const START_RETRY_MS = 10_000;

/** The other process's server is gone: refused, reset, or closing under the request. */
function serverGone(e: unknown): boolean {
  const seen: string[] = [];
  for (let x: unknown = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const err = x as { message?: string; code?: string; name?: string };
    seen.push(`${err.name ?? ''} ${err.code ?? ''} ${err.message ?? ''}`);
  }
  return /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|Database is closed/.test(seen.join(' '));
}

/**
 * The sandbox's DynamoDB. Its table (the one configured, else the default name) simply exists:
 * there is no one to ask offline. Other tables are reached through the same local server.
 */
export function sandboxDynamo(sandboxDir: string, tableName: string, region: string): SandboxDynamo {
  const dataDir = path.join(sandboxDir, 'dynamodb');
  const endpointFile = path.join(sandboxDir, 'dynamodb.json');
  let started: Promise<Started> | null = null;
  let url: string | null = null;

  async function startOnce(): Promise<Started> {
    await makePawDir(dataDir);
    const { port, owned, release } = await acquirePort(dataDir, endpointFile);
    url = `http://127.0.0.1:${port}`;
    const [{ DynamoDBClient }, { dynamoCatalog, dynamoTables }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('../aws/sdk/catalog.js')]);
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
    return {
      catalog,
      client,
      owned,
      release,
      tables: dynamoTables(client),
      open: (name: string) => dynamoCatalog(client, name, { pollMs: 20, where: () => Promise.resolve(`the sandbox, region ${region}`) }),
    };
  }

  /** Starts, trying again for a while: another process may still be letting go of the folder. */
  async function start(): Promise<Started> {
    const deadline = Date.now() + START_RETRY_MS;
    for (;;) {
      try {
        return await startOnce();
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
      await sleep(200);
    }
  }

  const ready = () =>
    (started ??= start().catch((e: unknown) => {
      started = null;
      throw e;
    }));

  /**
   * A call on the server: when it was another process's and that process closed it meanwhile,
   * again on a server found or started again (this process's own, if need be). Several processes
   * may come and go at once (the one found next may be closing too): it tries for a while.
   */
  const withServer = async <T>(call: (s: Started) => Promise<T>): Promise<T> => {
    const deadline = Date.now() + START_RETRY_MS;
    for (;;) {
      const current = ready();
      const s = await current;
      try {
        return await call(s);
      } catch (e) {
        if (s.owned || !serverGone(e) || Date.now() > deadline) throw e;
        if (started === current) {
          started = null;
          s.client.destroy();
        }
      }
    }
  };

  /** Calls still running: closing waits for them, so the store never closes under a scan. */
  const pending = new Set<Promise<unknown>>();
  const track = <T>(call: () => Promise<T>): Promise<T> => {
    const p = call();
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    pending.add(settled);
    void settled.then(() => pending.delete(settled));
    return p;
  };
  /** A catalog whose every call is tracked; `inner` gives the adapter on the running server. */
  const trackedCatalog = (name: string, inner: (s: Started) => Catalog): Catalog => {
    const via = <T>(call: (c: Catalog) => Promise<T>): Promise<T> => track(() => withServer((s) => call(inner(s))));
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
  const catalog = trackedCatalog(tableName, (s) => s.catalog);

  const onLeases = <T>(call: (l: Leases) => Promise<T>): Promise<T> =>
    track(() => withServer(async (s) => call((await import('../aws/sdk/leases.js')).dynamoLeases(s.client, tableName))));
  const leases: Leases = {
    acquire: (...args) => onLeases((l) => l.acquire(...args)),
    renew: (...args) => onLeases((l) => l.renew(...args)),
    release: (...args) => onLeases((l) => l.release(...args)),
  };
  const tables: CatalogTables = {
    list: () => track(() => withServer((s) => s.tables.list())),
    describe: (name) => track(() => withServer((s) => s.tables.describe(name))),
    holdsWorkflow: (name, workflowId) => track(() => withServer((s) => s.tables.holdsWorkflow(name, workflowId))),
  };

  return {
    catalog,
    leases,
    tables,
    open: (name) => Promise.resolve(name === tableName ? catalog : trackedCatalog(name, (s) => s.open(name))),
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
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadline - Date.now());
      }),
    ]);
    clearTimeout(timer);
    // A caller may chain its next call on the one that just settled.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
