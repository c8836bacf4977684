import { UsageError } from '../errors.js';
import { DEFAULT_TABLE_NAME } from '../constants.js';
import type { Catalog, CatalogTables, ChooseTable, ConfiguredTable, TableShape } from './ports.js';

/** Where a table name may be set, strongest first (SPEC §4). */
export interface TableSources {
  /** `--table NAME`. */
  flag?: string | null;
  /** `PAW_TABLE`. */
  env?: string | null;
  /** `"table"` in paw-tui.json. */
  settings?: string | null;
  /** `dynamodb_table_name` in workflow_param.json, read for workflows that already have it. */
  params?: string | null;
}

export function configuredTable(sources: TableSources): ConfiguredTable | null {
  const order: [keyof TableSources, string][] = [
    ['flag', '--table'],
    ['env', 'PAW_TABLE'],
    ['settings', 'paw-tui.json'],
    ['params', 'workflow_param.json'],
  ];
  for (const [key, source] of order) {
    const name = sources[key]?.trim();
    if (name) return { name, source };
  }
  return null;
}

/** The keys the Python library's table has: hash workflow_id, range step_id, index step_id_index. */
export function hasLibraryKeys(shape: TableShape): boolean {
  return shape.hashKey === 'workflow_id' && shape.rangeKey === 'step_id' && shape.indexes.some((i) => i.name === 'step_id_index' && i.hashKey === 'step_id');
}

/** The catalog table chosen when none was configured, and the one line that says why. */
export interface TableChoice {
  name: string;
  /** Said once to the user; absent when the default table exists. */
  note?: string;
  /** No table exists yet: the default name is used, and created when an AMI is recorded. */
  missing?: boolean;
}

const HOW_TO_CHOOSE = 'pass --table NAME, export PAW_TABLE=NAME, or write {"table": "NAME"} in paw-tui.json next to workflow/';

/** Several tables could be this workflow's catalog: the user chooses (exit 2 headless). */
export class SeveralTablesError extends UsageError {
  constructor(readonly candidates: string[]) {
    super(
      `several DynamoDB tables could be this workflow's catalog: ${candidates.join(', ')}`,
      `choose one: ${candidates.map((c) => `--table ${c}`).join(' or ')} (or PAW_TABLE, or "table" in paw-tui.json)`,
    );
    this.name = 'SeveralTablesError';
  }
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

/**
 * Finds the team's table when no name is configured: `paw_ami_catalog` if it exists, else the
 * one table with the library's key schema, preferring the one that holds this workflow's items.
 */
export async function findCatalogTable(tables: CatalogTables, workflowId: string | null, where: () => Promise<string>): Promise<TableChoice> {
  if (await tables.describe(DEFAULT_TABLE_NAME)) return { name: DEFAULT_TABLE_NAME };
  const names = await tables.list();
  const shapes = await inBatches(names, 8, (n) => tables.describe(n));
  const candidates = shapes.filter((s): s is TableShape => s !== null && hasLibraryKeys(s)).map((s) => s.name);
  if (candidates.length === 0) return { name: DEFAULT_TABLE_NAME, missing: true };
  const [only] = candidates;
  if (only && candidates.length === 1) {
    return {
      name: only,
      note: `using the catalog table ${only} (the only table in ${await where()} with the library's keys; ${HOW_TO_CHOOSE} to choose another)`,
    };
  }
  if (workflowId) {
    const holding = (await inBatches(candidates, 8, async (n) => ((await tables.holdsWorkflow(n, workflowId)) ? n : null))).filter(
      (n): n is string => n !== null,
    );
    const [holder] = holding;
    if (holder && holding.length === 1) {
      return {
        name: holder,
        note: `using the catalog table ${holder} (it holds workflow ${workflowId}'s AMIs; other candidates: ${candidates.filter((c) => c !== holder).join(', ')})`,
      };
    }
    if (holding.length > 1) throw new SeveralTablesError(holding);
  }
  throw new SeveralTablesError(candidates);
}

export interface ResolvingCatalogOptions {
  configured: ConfiguredTable | null;
  tables: CatalogTables;
  workflowId: string | null;
  /** "account 123456789012, region eu-west-1", for the notes and errors that name a table. */
  where: () => Promise<string>;
  open: (name: string) => Promise<Catalog>;
  onNote?: (line: string) => void;
  /** Asks which table when several could be the catalog, or none exists (the app). */
  chooseTable?: ChooseTable;
  /** Ask also when no table exists yet (not in the sandbox, where a new table is the rule). */
  askWhenNone?: boolean;
}

/** The table found, or the one the user chose when it could not be decided. */
async function settleTable(options: ResolvingCatalogOptions): Promise<TableChoice> {
  const { chooseTable } = options;
  let choice: TableChoice;
  try {
    choice = await findCatalogTable(options.tables, options.workflowId, options.where);
  } catch (e) {
    if (!(e instanceof SeveralTablesError) || !chooseTable) throw e;
    const chosen = await chooseTable({ reason: 'several', candidates: e.candidates, where: await options.where() });
    if (chosen === null) throw e;
    return { name: chosen };
  }
  if (!choice.missing || !chooseTable || !options.askWhenNone) return choice;
  const chosen = await chooseTable({ reason: 'none', candidates: [choice.name], where: await options.where() });
  return chosen === null ? choice : { name: chosen, missing: true };
}

/**
 * The catalog whose table is settled at its first use, so commands that never read the catalog
 * (rendering a first step) never list the account's tables.
 */
export function resolvingCatalog(options: ResolvingCatalogOptions): Catalog & { resolvedName(): Promise<string> } {
  let resolved: string | null = options.configured?.name ?? null;
  let opening: Promise<Catalog> | undefined;
  // Asked once: a user who would not choose is not asked again by every later catalog call.
  let declined = false;
  const ask = options.chooseTable;
  const chooseTable: ChooseTable | undefined =
    ask &&
    (async (question) => {
      if (declined) return null;
      const chosen = await ask(question);
      declined = chosen === null;
      return chosen;
    });
  const current = () =>
    (opening ??= (async () => {
      if (resolved === null) {
        const choice = await settleTable({ ...options, chooseTable });
        resolved = choice.name;
        if (choice.note) options.onNote?.(choice.note);
      }
      return options.open(resolved);
    })().catch((e: unknown) => {
      opening = undefined;
      throw e;
    }));
  return {
    get tableName() {
      return resolved ?? DEFAULT_TABLE_NAME;
    },
    /** The table's name once settled (what other users of the table, such as leases, need). */
    resolvedName: async () => {
      await current();
      return resolved ?? DEFAULT_TABLE_NAME;
    },
    tableExists: async () => (await current()).tableExists(),
    createTable: async () => (await current()).createTable(),
    put: async (item) => (await current()).put(item),
    get: async (w, s) => (await current()).get(w, s),
    getMany: async (keys) => (await current()).getMany(keys),
    listWorkflow: async (w) => (await current()).listWorkflow(w),
    listStepVersions: async (s) => (await current()).listStepVersions(s),
    listAll: async () => (await current()).listAll(),
    delete: async (w, s) => (await current()).delete(w, s),
  };
}
