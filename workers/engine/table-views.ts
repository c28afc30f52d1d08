import type { ColumnInfo } from '../../src/core/csv/dialect';
import { DecantError } from '../../src/core/errors';
import { quotedName } from '../../src/core/quoted-name';
import {
  asciiLower,
  createSchemaSql,
  dropSchemaIfEmptySql,
  dropViewSql,
  MAIN_CATALOG_SQL,
  partitionCastCheckSql,
  tableViewSql,
  type ViewFile,
} from '../../src/core/sql/table-view';
import { isTypeName } from '../../src/core/sql/type-name';
import type { AttachedTable } from '../../src/engine/protocol';
import { engineErrorText, type Relabel } from './sql-error';
import type { SqlSession } from './sql-session';

/** A table as the view builder takes it: files already registered, named by their DuckDB path. */
export interface TableViewInput extends Omit<AttachedTable, 'files'> {
  files: readonly ViewFile[];
  /** A glob matching exactly the files' registered names; see TableViewSpec.pattern. */
  pattern?: string;
}

const catalogs = new WeakMap<SqlSession, string>();

/** The main database's name (`memory`), read once per session: a later `USE` doesn't move views. */
export function mainCatalog(s: SqlSession): string {
  let name = catalogs.get(s);
  if (name === undefined) {
    name = String(s.rows(MAIN_CATALOG_SQL)[0]?.name ?? 'memory');
    catalogs.set(s, name);
  }
  return name;
}

/** `"db"."t"`, for messages. */
export function tableLabel(database: string, name: string): string {
  return `${quotedName(database)}.${quotedName(name)}`;
}

/**
 * Refuses, with a `catalog:` DecantError, a table DuckDB could not serve as described: empty or
 * NUL-bearing names, a classification other than csv, a type that is not a type name, columns
 * whose names collide (DuckDB ignores ASCII case), partition values that don't fit the keys.
 */
export function checkAttachable(t: TableViewInput): void {
  if (t.classification !== 'csv')
    throw new DecantError(
      `catalog: cannot attach ${tableLabel(t.database, t.name)}: ` +
        `${quotedName(t.classification)} tables are not supported yet (csv only)`,
    );
  checkServable(t);
}

/**
 * The checks every kind of table passes before the engine serves it: names, column types,
 * columns DuckDB would confuse, partition values that fit the keys. Throws `catalog:` errors.
 */
export function checkServable(t: {
  database: string;
  name: string;
  columns: readonly ColumnInfo[];
  partitionKeys: readonly ColumnInfo[];
  files: readonly { path: string; partitionValues: readonly string[] }[];
}): void {
  const label = tableLabel(t.database, t.name);
  const fail = (why: string) => new DecantError(`catalog: cannot attach ${label}: ${why}`);
  for (const [what, v] of [
    ['database name', t.database],
    ['table name', t.name],
  ] as const) {
    if (v.length === 0) throw fail(`the ${what} is empty`);
    if (v.includes('\0')) throw fail(`the ${what} contains a NUL character`);
  }
  if (t.columns.length === 0) throw fail('it has no columns');
  const seen = new Map<string, string>();
  const all: [ColumnInfo, string][] = [
    ...t.columns.map((c) => [c, 'column'] as [ColumnInfo, string]),
    ...t.partitionKeys.map((c) => [c, 'partition key'] as [ColumnInfo, string]),
  ];
  for (const [c, what] of all) {
    if (c.name.length === 0) throw fail(`a ${what} has no name`);
    if (c.name.includes('\0')) throw fail(`${what} ${quotedName(c.name)} contains a NUL character`);
    if (!isTypeName(c.type))
      throw fail(
        `${what} ${quotedName(c.name)} has type ${quotedName(c.type)}, which is not a DuckDB type name`,
      );
    const other = seen.get(asciiLower(c.name));
    if (other !== undefined)
      throw fail(
        `${quotedName(other)} and ${quotedName(c.name)} are the same column to DuckDB, which ignores case in names`,
      );
    seen.set(asciiLower(c.name), c.name);
  }
  for (const f of t.files) {
    if (f.partitionValues.length !== t.partitionKeys.length)
      throw fail(
        `file ${quotedName(f.path)} has ${f.partitionValues.length} partition values for ` +
          `${t.partitionKeys.length} partition keys`,
      );
    if (f.partitionValues.some((v) => v.includes('\0')))
      throw fail(`file ${quotedName(f.path)} has a partition value with a NUL character`);
  }
}

/**
 * Creates the database's schema if needed and `CREATE OR REPLACE`s the table's view over the
 * given registered files. Checks first (see checkAttachable) and casts every partition value, so
 * a bad one is reported now, not at query time. On failure nothing is replaced: a previous
 * view of the same name stays as it was. Throws `catalog:` DecantErrors.
 */
export function attachTableView(
  s: SqlSession,
  t: TableViewInput,
  relabel: Relabel = (x) => x,
): void {
  checkAttachable(t);
  const label = tableLabel(t.database, t.name);
  const check = partitionCastCheckSql(t.partitionKeys, t.files);
  if (check !== null) {
    const bad = s.rows(check)[0];
    if (bad) {
      const key = t.partitionKeys[Number(bad.k)]!;
      throw new DecantError(
        `catalog: cannot attach ${label}: partition value ${quotedName(String(bad.v))} of ` +
          `${quotedName(key.name)} is not a ${key.type}`,
        { code: 'cast' },
      );
    }
  }
  const catalog = mainCatalog(s);
  const sql = tableViewSql({ ...t, catalog });
  try {
    s.run(createSchemaSql(catalog, t.database), sql);
  } catch (e) {
    const { text } = engineErrorText(e instanceof Error ? e.message : String(e), relabel);
    throw new DecantError(`catalog: cannot attach ${label}: ${text}`, { cause: e, sql });
  }
}

/**
 * Drops the table's view (no error if there is none), then its database's schema if that is
 * now empty and not `main`.
 */
export function detachTableView(s: SqlSession, database: string, name: string): void {
  const catalog = mainCatalog(s);
  s.run(dropViewSql(catalog, database, name));
  if (asciiLower(database) === 'main') return;
  try {
    s.run(dropSchemaIfEmptySql(catalog, database));
  } catch {
    // Not empty (other tables, or the user's own): DuckDB keeps it, which is what we want.
  }
}
