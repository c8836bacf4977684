import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Catalog, Cloud, CloudOptions } from '../aws/ports.js';
import { resolvingCatalog } from '../aws/table.js';
import { packageRoot } from '../paths.js';
import { DEFAULT_TABLE_NAME } from '../constants.js';
import { sandboxDynamo } from './dynamo.js';
import { killPoint } from './faults.js';
import { sandboxImages } from './ec2.js';
import { sandboxInstances } from './instances.js';
import { ensureNetwork, readWorkflowNames } from './seed.js';
import { sandboxIdentity, sandboxIncidents, sandboxParameterStore, sandboxParameters } from './ssm.js';
import { SandboxStore, sandboxStatePath } from './state.js';
import { makePawDir } from '../paw-dir.js';

/** The simulated packer, built next to the CLI (dist/fake-packer.js, executable). */
export function fakePackerPath(): string {
  return path.join(packageRoot(), 'dist', 'fake-packer.js');
}

/**
 * The offline backend of `--sandbox` (SPEC §9): the same ports as AWS, over a state file and a
 * local DynamoDB. Opening it points Packer at the simulated packer (unless PAW_PACKER is already
 * set) and tells that process where the state is, so the Packer code runs it as it runs Packer.
 */
export async function openSandboxCloud(options: CloudOptions): Promise<Cloud> {
  const region = options.region || 'us-east-1';
  const stateFile = sandboxStatePath(options.workflowDir);
  await makePawDir(path.dirname(stateFile));
  const store = new SandboxStore(stateFile);
  const { network } = await readWorkflowNames(options.workflowDir);
  const state = await store.read();
  const networkMissing =
    !existsSync(stateFile) ||
    !state.subnets.some((s) => s.name === network.subnetName) ||
    !state.securityGroups.some((g) => g.name === network.securityGroupName) ||
    !state.instanceProfiles.includes(network.instanceProfileName) ||
    !state.vpcs.some((v) => v.name === network.vpcName);
  // Params renamed in the editor name a network the sandbox then has, so offline builds keep working.
  if (networkMissing) await store.update((s) => ensureNetwork(s, network));

  process.env.PAW_SANDBOX_STATE = stateFile;
  process.env.PAW_PACKER ??= fakePackerPath();

  const dynamo = sandboxDynamo(path.dirname(stateFile), options.table?.name ?? DEFAULT_TABLE_NAME, region);
  const catalog = resolvingCatalog({
    configured: options.table,
    tables: dynamo.tables,
    workflowId: options.workflowId ?? null,
    where: () => Promise.resolve(`the sandbox, region ${region}`),
    onNote: options.onNote,
    chooseTable: options.chooseTable,
    open: (name) => dynamo.open(name),
  });
  return {
    kind: 'sandbox',
    region,
    profile: null,
    images: sandboxImages(store, region),
    imagesIn: (other) => sandboxImages(store, region, other),
    parameters: sandboxParameters(store),
    parameterStore: sandboxParameterStore(store),
    instances: sandboxInstances(store, region),
    catalog: withKillPoints(catalog),
    tables: dynamo.tables,
    // The simulated packer needs no credentials.
    childEnv: {},
    leases: dynamo.leases,
    incidents: sandboxIncidents(store),
    identity: sandboxIdentity(state.account),
    close: () => dynamo.stop(),
  };
}

/** The catalog's writes with the sandbox's kill points (PAW_SANDBOX_KILL=PutItem:…), as EC2's calls have. */
function withKillPoints(catalog: Catalog): Catalog {
  const put: Catalog['put'] = async (item) => {
    killPoint('PutItem', 'before');
    await catalog.put(item);
    killPoint('PutItem', 'during');
    if (process.env.PAW_SANDBOX_KILL) setImmediate(() => killPoint('PutItem', 'after'));
  };
  return Object.assign(Object.create(catalog) as Catalog, { put });
}
