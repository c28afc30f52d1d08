import { DecantError } from '../../src/core/errors';
import { ident, raw, sql } from '../../src/core/sql/sql-template';
import { readerFieldsOf, StructShape } from '../../src/core/json/json-shape';
import {
  asciiLower,
  attachedKindSql,
  createSchemaSql,
  dropSchemaIfEmptySql,
  qualifiedName,
} from '../../src/core/sql/table-view';
import { describeColumns, importRecordArrays, recordsOf, type JsonFile } from './inspect-json';
import { engineErrorText } from './sql-error';
import type { SqlSession } from './sql-session';
import { mainCatalog, tableLabel } from './table-views';

/** A JSON table with its files already read: `path` relative to the table root. */
export interface JsonTableBytes {
  database: string;
  name: string;
  files: { path: string; bytes: Uint8Array }[];
}

let seq = 0;

/**
 * Builds the TABLE `"catalog"."database"."name"` from all the files' records, columns unioned by
 * name in order of first appearance (a file without a field has NULLs there), under a scratch
 * name, and only then swaps it in for an earlier table of the same name, in one transaction: on
 * any failure the earlier table stays. Files with no records are skipped. Throws `json:` errors
 * naming the file as `database.name/path`, and `catalog:` errors (bad names, no records, a view
 * of that name in the way). Returns what the table holds.
 */
export function attachJsonTable(
  s: SqlSession,
  t: JsonTableBytes,
): { rowCount: number; columns: { name: string; type: string }[] } {
  const label = tableLabel(t.database, t.name);
  const fail = (why: string, cause?: unknown) =>
    new DecantError(`catalog: cannot attach ${label}: ${why}`, { cause });
  for (const [what, v] of [
    ['database name', t.database],
    ['table name', t.name],
  ] as const) {
    if (v.length === 0) throw fail(`the ${what} is empty`);
    if (v.includes('\0')) throw fail(`the ${what} contains a NUL character`);
  }
  const root = new StructShape();
  const arrays: Uint8Array[] = [];
  let rowCount = 0;
  for (const f of t.files) {
    const file: JsonFile = { name: `${t.database}.${t.name}/${f.path}`, bytes: f.bytes };
    try {
      const r = recordsOf(file, root);
      arrays.push(r.array);
      rowCount += r.records;
    } catch (e) {
      // An empty file adds no rows; the table's other files still make it.
      if (e instanceof DecantError && e.code === 'empty') continue;
      throw e;
    }
  }
  if (rowCount === 0 || root.names.length === 0) throw fail('its files hold no records');

  const catalog = mainCatalog(s);
  const target = qualifiedName(catalog, t.database, t.name);
  // The import names its schema without a catalog: a database called like a catalog (`system`,
  // `temp`, `memory`) would be ambiguous there, so such tables are staged in `main` and copied.
  const catalogs = s.rows('SELECT database_name AS name FROM duckdb_databases()');
  const ambiguous = catalogs.some((r) => asciiLower(String(r.name)) === asciiLower(t.database));
  const stageSchema = ambiguous ? 'main' : t.database;
  const scratch = `__decant_json_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
  const staged = qualifiedName(catalog, stageSchema, scratch);
  let renamed = false;
  try {
    s.run(createSchemaSql(catalog, t.database));
    importRecordArrays(s, { schema: stageSchema, name: scratch }, arrays, readerFieldsOf(root));
    const imported = Number(s.rows(`SELECT count(*) AS n FROM ${staged}`)[0]?.n);
    if (imported !== rowCount)
      throw fail(`DuckDB imported ${imported} of the files' ${rowCount} records`);
    const existing = s.rows(attachedKindSql(catalog, t.database, t.name));
    if (existing.some((r) => r.kind !== 'BASE TABLE'))
      throw fail('a view of that name is attached (a CSV table?); detach it first');
    s.run('BEGIN TRANSACTION');
    try {
      s.run(
        `DROP TABLE IF EXISTS ${target}`,
        ambiguous
          ? `CREATE TABLE ${target} AS SELECT * FROM ${staged}`
          : sql`ALTER TABLE ${raw(staged)} RENAME TO ${ident(t.name)}`.text,
      );
      s.run('COMMIT');
      renamed = !ambiguous;
    } catch (e) {
      s.run('ROLLBACK');
      throw e;
    }
    return { rowCount, columns: describeColumns(s, target) };
  } catch (e) {
    if (e instanceof DecantError) throw e;
    const { text } = engineErrorText(e instanceof Error ? e.message : String(e), (x) => x);
    throw fail(text, e);
  } finally {
    if (!renamed) s.run(`DROP TABLE IF EXISTS ${staged}`);
  }
}

/** Drops the table (none is fine), then its database's schema if now empty and not `main`. */
export function detachJsonTable(s: SqlSession, database: string, name: string): void {
  const catalog = mainCatalog(s);
  s.run(`DROP TABLE IF EXISTS ${qualifiedName(catalog, database, name)}`);
  if (asciiLower(database) === 'main') return;
  try {
    s.run(dropSchemaIfEmptySql(catalog, database));
  } catch {
    // Not empty (other tables or views): DuckDB keeps it, which is what we want.
  }
}
