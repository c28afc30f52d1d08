/**
 * Reading Glue catalog JSON back (our export, or `aws glue get-tables` / `get-databases` output)
 * into a plan: what would be created, what clashes with the catalog, what is already there.
 * Pure: nothing is written until the store applies the plan with the user's choices.
 */
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import { describeChanges, diffSchemas, sameColumnOrder } from './schema-diff';
import {
  CATALOG_EXPORT_VERSION,
  DUCKDB_TYPE_PARAMETER,
  GLUE_PARAMETER_NAMES,
  LOCATION_PARAMETER,
  SERDES,
  type GlueColumn,
  type GlueTableInput,
} from './glue-export';
import { duckDbTypeToGlue, glueTypeToDuckDb } from './glue-types';
import { tableLabel } from './catalog-errors';
import { checkTable } from './validate';
import { caseClash, foldedName, reservedDatabaseReason } from './name-rules';
import type {
  CatalogColumn,
  CatalogDatabase,
  CatalogTable,
  Classification,
  TableParameters,
} from './model';

export type ImportConflict =
  | { key: string; kind: 'database'; database: string; reason: string; incoming: CatalogDatabase }
  | {
      key: string;
      kind: 'table';
      database: string;
      table: string;
      reason: string;
      incoming: CatalogTable;
    };

export interface ImportPlan {
  /** New to this catalog: applying the plan adds them. */
  create: { databases: CatalogDatabase[]; tables: CatalogTable[] };
  /** Present with different content: written only for the keys the user picks to overwrite. */
  conflicts: ImportConflict[];
  /** Present and identical: nothing to do. */
  unchanged: { database: string; table?: string }[];
  /** In the document but not importable (an ORC table, a type DuckDB lacks…), and why. */
  skipped: { database: string; table?: string; reason: string }[];
  /**
   * Databases (as the document names them) whose name is reserved or differs from another only
   * in case: left out with their tables until planned again with a rename (see `renames`).
   */
  needsRename: { database: string; reason: string; suggestion: string }[];
}

/** The key a conflict is chosen by: unambiguous for any names. */
export function importKey(database: string, table?: string): string {
  return JSON.stringify(table === undefined ? [database] : [database, table]);
}

const NUMERIC_PARAMETERS = new Set(['recordCount', 'sizeBytes', 'objectCount']);
/** Glue-side parameters that Decant derives on export and so never stores. */
const DERIVED_PARAMETERS = new Set(['classification', 'skip.header.line.count']);
const DECANT_PARAMETER_NAMES = Object.fromEntries(
  Object.entries(GLUE_PARAMETER_NAMES).map(([decant, glue]) => [glue, decant]),
);

/**
 * Plans importing `doc` into a catalog that holds `existing`. Never overwrites: anything already
 * present and different is a conflict. Throws a DecantError when `doc` is not a catalog document
 * (or was written by a newer Decant); a table that cannot be read is `skipped`, not fatal.
 */
export function planImport(
  doc: unknown,
  existing: { databases: readonly CatalogDatabase[]; tables: readonly CatalogTable[] },
  now = Date.now(),
  /** Document database name → the name to import it as (the user's answer to `needsRename`). */
  renames: Readonly<Record<string, string>> = {},
): ImportPlan {
  const document = readDocument(doc);
  const renamed = (name: string) => (Object.hasOwn(renames, name) ? renames[name]! : name);
  const plan: ImportPlan = {
    create: { databases: [], tables: [] },
    conflicts: [],
    unchanged: [],
    skipped: [],
    needsRename: [],
  };
  const knownDatabases = new Map(existing.databases.map((d) => [d.name, d]));
  const knownTables = new Map(existing.tables.map((t) => [importKey(t.database, t.name), t]));
  // Table names as DuckDB compares them, per database: the stored name each folds from.
  const foldedKey = (database: string, table: string) => importKey(database, foldedName(table));
  const foldedTables = new Map(
    existing.tables.map((t) => [foldedKey(t.database, t.name), t.name] as const),
  );

  // Names checked as the store will check them, so applying the plan does not fail on them.
  const refused = new Set<string>();
  const documentNames = [
    ...new Set([
      ...document.databases.map((d) => d.Name),
      ...document.tables.map((t) => t.DatabaseName),
    ]),
  ];
  const claimed: string[] = [...knownDatabases.keys()];
  for (const original of documentNames) {
    const name = renamed(original);
    const clash = caseClash(claimed, name);
    const reason =
      reservedDatabaseReason(name) ??
      (clash === undefined
        ? undefined
        : `database name ${quotedName(name)} differs from ${quotedName(clash)} only in case, which SQL cannot tell apart`);
    if (reason === undefined) {
      claimed.push(name);
      continue;
    }
    refused.add(original);
    let suggestion = `${foldedName(name)}_imported`;
    for (
      let i = 2;
      caseClash(claimed, suggestion) !== undefined || claimed.includes(suggestion);
      i++
    )
      suggestion = `${foldedName(name)}_imported_${i}`;
    plan.needsRename.push({ database: original, reason, suggestion });
  }
  const databases = document.databases
    .filter((d) => !refused.has(d.Name))
    .map((d) => ({ ...d, Name: renamed(d.Name) }));
  const tables = document.tables
    .filter((t) => !refused.has(t.DatabaseName))
    .map((t) => ({ ...t, DatabaseName: renamed(t.DatabaseName) }));

  const planDatabase = (name: string, description: string) => {
    const incoming: CatalogDatabase = { name, description, createdAt: now, updatedAt: now };
    const current = knownDatabases.get(name);
    if (!current) plan.create.databases.push(incoming);
    else if (current.description === description) plan.unchanged.push({ database: name });
    else
      plan.conflicts.push({
        key: importKey(name),
        kind: 'database',
        database: name,
        reason: `database ${quotedName(name)} already exists with another description`,
        incoming,
      });
    knownDatabases.set(name, current ?? incoming);
  };

  for (const d of databases) planDatabase(d.Name, d.Description ?? '');
  for (const { DatabaseName: database, TableInput: input } of tables) {
    if (!knownDatabases.has(database)) planDatabase(database, '');
    let incoming: CatalogTable;
    try {
      incoming = tableFromTableInput(database, input, now);
      checkTable(incoming);
    } catch (err) {
      const reason =
        err instanceof DecantError ? err.message.replace(/^catalog: /, '') : String(err);
      plan.skipped.push({ database, table: input.Name, reason });
      continue;
    }
    const key = importKey(database, incoming.name);
    const current = knownTables.get(key);
    const twin = current ? undefined : foldedTables.get(foldedKey(database, incoming.name));
    if (twin !== undefined) {
      const reason = `differs from table ${tableLabel(database, twin)} only in case, which SQL cannot tell apart`;
      plan.skipped.push({ database, table: input.Name, reason });
    } else if (!current) {
      plan.create.tables.push(incoming);
      foldedTables.set(foldedKey(database, incoming.name), incoming.name);
    } else {
      const difference = tableDifference(current, incoming);
      if (!difference) plan.unchanged.push({ database, table: incoming.name });
      else
        plan.conflicts.push({
          key,
          kind: 'table',
          database,
          table: incoming.name,
          reason: `table ${tableLabel(database, incoming.name)} already exists: ${difference}`,
          incoming,
        });
    }
  }
  return plan;
}

/** A catalog table from Glue's TableInput (version 1, no sources: those are this browser's). */
export function tableFromTableInput(
  database: string,
  input: GlueTableInput,
  now = Date.now(),
): CatalogTable {
  const sd = input.StorageDescriptor;
  const where = `table ${tableLabel(database, input.Name)}`;
  const classification = classificationOf(input);
  if (!classification)
    throw new DecantError(
      `catalog: ${where} is stored as ${quotedName(input.Parameters?.classification ?? sd.SerdeInfo?.SerializationLibrary ?? 'unknown')}, which Decant cannot read`,
    );
  const columnOf = (c: GlueColumn): CatalogColumn => ({
    name: c.Name,
    type: decantType(c, where),
    comment: c.Comment ?? '',
  });
  return {
    database,
    name: input.Name,
    description: input.Description ?? '',
    classification,
    sources: [],
    columns: (sd.Columns ?? []).map(columnOf),
    partitionKeys: (input.PartitionKeys ?? []).map(columnOf),
    parameters: decantParameters(input),
    updatedBy: { kind: 'user' },
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** A short account of how `incoming` differs from `current`, or undefined when it does not. */
function tableDifference(current: CatalogTable, incoming: CatalogTable): string | undefined {
  const columns = diffSchemas(current.columns, incoming.columns);
  const keys = diffSchemas(current.partitionKeys, incoming.partitionKeys);
  const parts: string[] = [];
  if (columns.length) parts.push(describeChanges(columns));
  else if (!sameColumnOrder(current.columns, incoming.columns)) parts.push('column order differs');
  if (keys.length || !sameColumnOrder(current.partitionKeys, incoming.partitionKeys))
    parts.push('partition keys differ');
  if (current.classification !== incoming.classification)
    parts.push(`stored as ${incoming.classification}, not ${current.classification}`);
  if (current.description !== incoming.description) parts.push('description differs');
  if (!sameParameters(current.parameters, incoming.parameters)) parts.push('parameters differ');
  return parts.length ? parts.join('; ') : undefined;
}

function sameParameters(a: TableParameters, b: TableParameters): boolean {
  const defined = (p: TableParameters) =>
    Object.entries(p)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : 1));
  return JSON.stringify(defined(a)) === JSON.stringify(defined(b));
}

function classificationOf(input: GlueTableInput): Classification | undefined {
  const named = input.Parameters?.classification?.toLowerCase();
  if (named === 'csv' || named === 'json' || named === 'parquet') return named;
  if (named) return undefined;
  const serde = input.StorageDescriptor.SerdeInfo?.SerializationLibrary;
  if (serde === SERDES.parquet) return 'parquet';
  if (serde === SERDES.json || serde === 'org.apache.hive.hcatalog.data.JsonSerDe') return 'json';
  if (serde === SERDES.openCsv || serde === SERDES.lazySimple) return 'csv';
  return undefined;
}

/** The DuckDB type: the one we kept in the column's parameters if Glue's type still matches. */
function decantType(c: GlueColumn, where: string): string {
  const kept = c.Parameters?.[DUCKDB_TYPE_PARAMETER];
  if (kept && duckDbTypeToGlue(kept) === c.Type) return kept;
  try {
    return glueTypeToDuckDb(c.Type);
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/^catalog: /, '') : String(err);
    throw new DecantError(`catalog: ${where}, column ${quotedName(c.Name)}: ${why}`, {
      cause: err,
    });
  }
}

function decantParameters(input: GlueTableInput): TableParameters {
  const sd = input.StorageDescriptor;
  const glue = { ...sd.Parameters, ...input.Parameters };
  const out: TableParameters = {};
  for (const [glueKey, raw] of Object.entries(glue)) {
    if (DERIVED_PARAMETERS.has(glueKey)) continue;
    const key = DECANT_PARAMETER_NAMES[glueKey] ?? glueKey;
    if (NUMERIC_PARAMETERS.has(key) && Number.isFinite(Number(raw))) out[key] = Number(raw);
    else if (key === 'header') out.header = raw === 'true';
    else out[key] = raw;
  }
  if (out.header === undefined && glue['skip.header.line.count'] === '1') out.header = true;
  const serde = sd.SerdeInfo?.Parameters ?? {};
  out.delimiter ??= serde.separatorChar ?? serde['field.delim'];
  if (sd.SerdeInfo?.SerializationLibrary === SERDES.openCsv) out.quote ??= serde.quoteChar ?? '"';
  if (sd.Location) out[LOCATION_PARAMETER] = sd.Location;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

interface DocumentTables {
  databases: { Name: string; Description?: string }[];
  tables: { DatabaseName: string; TableInput: GlueTableInput }[];
}

/**
 * Accepts our export ({DatabaseList, TableList: [{DatabaseName, TableInput}]}) and Glue's own
 * `get-tables` output (TableList of Table objects that carry DatabaseName themselves).
 */
function readDocument(doc: unknown): DocumentTables {
  const bad = (why: string) => new DecantError(`catalog: import: ${why}`);
  if (!isObject(doc)) throw bad('the file is not a JSON object');
  const version = doc.decantVersion;
  if (typeof version === 'number' && version > CATALOG_EXPORT_VERSION)
    throw bad(`this file was written by a newer Decant (format ${version}); update Decant first`);
  const databaseList = doc.DatabaseList ?? [];
  const tableList = doc.TableList ?? [];
  if (!Array.isArray(databaseList) || !Array.isArray(tableList))
    throw bad('expected DatabaseList and TableList arrays');
  if (databaseList.length === 0 && tableList.length === 0)
    throw bad('the file has neither a DatabaseList nor a TableList');
  const seen = new Set<string>();
  const databases = databaseList.map((d: unknown, i) => {
    if (!isObject(d) || typeof d.Name !== 'string') throw bad(`DatabaseList[${i}] has no Name`);
    if (seen.has(importKey(d.Name))) throw bad(`database ${quotedName(d.Name)} appears twice`);
    seen.add(importKey(d.Name));
    return { Name: d.Name, Description: typeof d.Description === 'string' ? d.Description : '' };
  });
  const tables = tableList.map((entry: unknown, i) => {
    const input = isObject(entry) && isObject(entry.TableInput) ? entry.TableInput : entry;
    const database = isObject(entry) ? entry.DatabaseName : undefined;
    if (!isObject(input) || typeof input.Name !== 'string')
      throw bad(`TableList[${i}] has no Name`);
    if (typeof database !== 'string') throw bad(`TableList[${i}] has no DatabaseName`);
    if (!isObject(input.StorageDescriptor))
      throw bad(`TableList[${i}] (${quotedName(input.Name)}) has no StorageDescriptor`);
    const key = importKey(database, input.Name);
    if (seen.has(key)) throw bad(`table ${tableLabel(database, input.Name)} appears twice`);
    seen.add(key);
    return { DatabaseName: database, TableInput: input as unknown as GlueTableInput };
  });
  return { databases, tables };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
