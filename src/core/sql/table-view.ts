import type { ColumnInfo, CsvDialect } from '../csv/dialect';
import { quoteLiteral } from './quote';
import { ident, joinSql, raw, sql, type Sql } from './sql-template';
import { readCsvSql } from './read-csv';
import { isTypeName } from './type-name';

/**
 * SQL for a catalog table as a DuckDB view, `"catalog"."database"."table"`, so the SQL console
 * reaches it as `database.table` (Athena-style). Names are always fully qualified in the DDL:
 * a database named `temp` or `system` is otherwise ambiguous with DuckDB's own catalogs.
 */

/** One registered file of a table and its values for the table's partition keys, in order. */
export interface ViewFile {
  /** The name the file is registered under with DuckDB. */
  path: string;
  partitionValues: readonly string[];
  /** The file's own column names in order, when they differ from the table's columns. */
  columns?: readonly string[];
}

export interface TableViewSpec {
  /** DuckDB's catalog (database file) the schema lives in, e.g. `memory`. */
  catalog: string;
  database: string;
  name: string;
  dialect: CsvDialect;
  columns: readonly ColumnInfo[];
  partitionKeys: readonly ColumnInfo[];
  files: readonly ViewFile[];
  /**
   * A glob that matches exactly the registered names in `files`, read instead of listing them.
   * DuckDB-WASM resolves each listed path by matching it against every registered file, so a
   * list of n files costs n² matches at every bind (10,000 files: ~40 s); a glob costs n.
   * Default: the list.
   */
  pattern?: string;
}

/** Hive's spelling of a NULL partition value (`year=__HIVE_DEFAULT_PARTITION__`), read as NULL. */
export const HIVE_NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/** `name`: the main database's name (`memory` for an in-memory one): where views go. */
export const MAIN_CATALOG_SQL =
  'SELECT database_name AS name FROM duckdb_databases() WHERE NOT internal ' +
  'ORDER BY database_oid LIMIT 1';

/** `"catalog"."schema"."name"`. */
export function qualifiedName(catalog: string, schema: string, name: string): string {
  return ident(catalog, schema, name).text;
}

export function createSchemaSql(catalog: string, database: string): string {
  return sql`CREATE SCHEMA IF NOT EXISTS ${ident(catalog, database)}`.text;
}

export function dropViewSql(catalog: string, database: string, name: string): string {
  return sql`DROP VIEW IF EXISTS ${ident(catalog, database, name)}`.text;
}

/**
 * `kind` rows (`BASE TABLE`, `VIEW`) of what is attached as `database.name` in `catalog`, names
 * compared as DuckDB compares them (see asciiLower).
 */
export function attachedKindSql(catalog: string, database: string, name: string): string {
  return sql`SELECT table_type AS kind FROM information_schema.tables WHERE table_catalog = ${catalog} AND lower(table_schema) = ${asciiLower(database)} AND lower(table_name) = ${asciiLower(name)}`
    .text;
}

/** Drops the schema only if it is empty (DuckDB refuses otherwise: RESTRICT is the default). */
export function dropSchemaIfEmptySql(catalog: string, database: string): string {
  return sql`DROP SCHEMA IF EXISTS ${ident(catalog, database)}`.text;
}

/**
 * `CREATE OR REPLACE VIEW` over all the table's files in one `read_csv` (of the list, or of
 * `pattern`). Partition values
 * come from a join on the file name against a VALUES list (one row per file, each value cast to
 * its key's type), so many files make one scan, not a UNION of scans. The view's columns are
 * the data columns, then the partition keys. With no files, the view is empty but typed.
 * Throws when a type is not a type name (see type-name.ts) or a file's values don't fit the keys.
 */
export function tableViewSql(spec: TableViewSpec): string {
  const target = ident(spec.catalog, spec.database, spec.name);
  return sql`CREATE OR REPLACE VIEW ${target} AS ${raw(viewBodySql(spec))}`.text;
}

/**
 * The SELECT behind tableViewSql: the columns, then the partition keys, of exactly `spec.files`
 * (a job reads only some partitions' files with it). `catalog`, `database` and `name` are unused.
 */
export function viewBodySql(spec: TableViewSpec): string {
  const groups = filesByColumns(spec);
  if (groups.length > 1 || (groups.length === 1 && groups[0]!.columns !== spec.columns)) {
    // Files written before or after a column was added: each set read with its own columns,
    // then lined up by name under the table's columns (the ones a file lacks are NULL).
    const all = [...spec.columns, ...spec.partitionKeys];
    return groups
      .map((g) => {
        const own = new Set(g.columns.map((c) => c.name));
        const list = all.map((c) =>
          own.has(c.name) || spec.partitionKeys.includes(c)
            ? sql`g.${ident(c.name)}`
            : sql`CAST(NULL AS ${typeOf(c.type)}) AS ${ident(c.name)}`,
        );
        const body = sameColumnsBodySql({
          ...spec,
          columns: g.columns,
          files: g.files,
          pattern: undefined,
        });
        return sql`SELECT ${joinSql(list)} FROM (${raw(body)}) AS g`.text;
      })
      .join(' UNION ALL ');
  }
  return sameColumnsBodySql(spec);
}

/** Files grouped by their own column lists (typed from the table's), table's own list first. */
function filesByColumns(
  spec: TableViewSpec,
): { columns: readonly ColumnInfo[]; files: ViewFile[] }[] {
  const groups = new Map<string, { columns: readonly ColumnInfo[]; files: ViewFile[] }>();
  const typeOf = new Map(spec.columns.map((c) => [c.name, c.type]));
  for (const f of spec.files) {
    const key = f.columns ? JSON.stringify(f.columns) : '';
    let g = groups.get(key);
    if (!g) {
      const columns = f.columns
        ? f.columns.map((name) => ({ name, type: typeOf.get(name) ?? 'VARCHAR' }))
        : spec.columns;
      g = { columns, files: [] };
      groups.set(key, g);
    }
    g.files.push(f);
  }
  return [...groups.values()];
}

function sameColumnsBodySql(spec: TableViewSpec): string {
  const { columns, partitionKeys: keys, files } = spec;
  if (files.length === 0) {
    const typed = [...columns, ...keys].map(
      (c) => sql`CAST(NULL AS ${typeOf(c.type)}) AS ${ident(c.name)}`,
    );
    return sql`SELECT ${joinSql(typed)} WHERE false`.text;
  }
  const data = columns.map((c) => sql`d.${ident(c.name)}`);
  const paths = spec.pattern ?? files.map((f) => f.path);
  if (keys.length === 0)
    return sql`SELECT ${joinSql(data)} FROM ${raw(readCsvSql(paths, spec.dialect, columns))} AS d`
      .text;
  const fileColumn = unusedName('__decant_file', columns);
  const scan = raw(
    readCsvSql(paths, spec.dialect, columns, 'error', false, { filename: fileColumn }),
  );
  const rows = files.map((f) => {
    if (f.partitionValues.length !== keys.length)
      throw new Error(
        `sql: file ${quoteLiteral(f.path)} has ${f.partitionValues.length} partition values for ${keys.length} keys`,
      );
    const values = keys.map((k, i) => raw(partitionValueSql(f.partitionValues[i]!, k.type)));
    return sql`(${joinSql([f.path, ...values])})`;
  });
  const aliases = joinSql(['f', ...keys.map((_, i) => `k${i}`)].map((a) => ident(a)));
  const keyColumns = keys.map((k, i) => sql`p.${ident(`k${i}`)} AS ${ident(k.name)}`);
  return sql`SELECT ${joinSql([...data, ...keyColumns])} FROM ${scan} AS d JOIN (VALUES ${joinSql(rows)}) AS p(${aliases}) ON d.${ident(fileColumn)} = p."f"`
    .text;
}

/** `CAST('2024' AS BIGINT)`; Hive's default-partition marker becomes a typed NULL. */
export function partitionValueSql(value: string, type: string): string {
  return sql`CAST(${value === HIVE_NULL_PARTITION ? null : value} AS ${typeOf(type)})`.text;
}

/**
 * A query returning one row `(k, v)` — key index and value — for the first partition value
 * that does not cast to its key's type, or no row when all do; null when there is nothing to
 * check. Run before creating the view, so a bad value is named at attach time, not at query time.
 */
export function partitionCastCheckSql(
  keys: readonly ColumnInfo[],
  files: readonly ViewFile[],
): string | null {
  const parts: Sql[] = [];
  keys.forEach((k, i) => {
    const values = [...new Set(files.map((f) => f.partitionValues[i]))].filter(
      (v): v is string => v !== undefined && v !== HIVE_NULL_PARTITION,
    );
    if (values.length === 0) return;
    const list = joinSql(values.map((v) => sql`(${v})`));
    parts.push(
      sql`SELECT ${i} AS k, v FROM (VALUES ${list}) AS t(v) WHERE TRY_CAST(v AS ${typeOf(k.type)}) IS NULL`,
    );
  });
  if (parts.length === 0) return null;
  return sql`SELECT k, v FROM (${joinSql(parts, ' UNION ALL ')}) LIMIT 1`.text;
}

/** A type name, checked (types cannot be quoted). Throws when it is not one. */
export function typeSql(type: string): string {
  if (!isTypeName(type)) throw new Error(`sql: ${JSON.stringify(type)} is not a type name`);
  return type;
}

/** typeSql as a fragment of the `sql` template. */
function typeOf(type: string): Sql {
  return raw(typeSql(type));
}

/** `base`, or `base_`, `base__`… : the first that no column has (DuckDB ignores ASCII case). */
export function unusedName(base: string, columns: readonly ColumnInfo[]): string {
  const taken = new Set(columns.map((c) => asciiLower(c.name)));
  let name = base;
  while (taken.has(asciiLower(name))) name += '_';
  return name;
}

/**
 * How DuckDB compares identifiers: without regard to ASCII case (`"Sales"` is `"sales"`), but
 * other letters exactly (`"Ä"` is not `"ä"`).
 */
export function asciiLower(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
