import type * as ParquetWasm from 'parquet-wasm';
import type { ColumnInfo } from '../../src/core/csv/dialect';
import { ident, joinSql, raw, sql } from '../../src/core/sql/sql-template';
import {
  asciiLower,
  partitionValueSql,
  qualifiedName,
  typeSql,
} from '../../src/core/sql/table-view';
import { describeColumns } from './inspect-json';
import { engineErrorText } from './sql-error';
import { rowsInIpcMessages, type SqlSession } from './sql-session';
import { mainCatalog } from './table-views';

/** Rows per Arrow batch parquet-wasm hands over (its default, 1,024, makes many tiny batches). */
const BATCH_ROWS = 128 * 1024;

/** What appending a file needs from its table (see ParquetTables). */
export interface RowGroupTable {
  columns: readonly ColumnInfo[];
  partitionKeys: readonly ColumnInfo[];
}

/** The staged table a file's rows go into: its schema, its name there, and both quoted. */
export interface StagedTable {
  schema: string;
  name: string;
  /** `"catalog"."schema"."name"`. */
  qualified: string;
  /** The path taken by each Arrow schema met so far, by its IPC bytes: a table's files share one. */
  paths: Map<string, ImportPath>;
}

export interface RowGroupReader {
  s: SqlSession;
  /** Decodes one row group to an Arrow IPC stream; rejects with the reader's error. */
  decode(file: ParquetWasm.ParquetFile, group: number, batchSize: number): Promise<Uint8Array>;
  /** A fresh name for a scratch table in `main`. */
  scratchName(): string;
}

/**
 * How a file's row groups reach the staged table. 'as-is' when the file's columns, as DuckDB
 * imports its Arrow, are the staged table's by name and type in the same order: each row group is
 * imported straight into it, one copy. Otherwise 'cast': each row group is imported into a scratch
 * table and an INSERT … SELECT casts it in (a second copy of every value, about half the read's
 * time on a million rows).
 */
export type ImportPath = 'as-is' | 'cast';

/**
 * Appends one Parquet file to the staged table, a row group at a time; returns the path its rows
 * took. `fail(group, why, cause, code)` makes the error for a row group. DuckDB must end up with
 * each group's footer count of rows, else a 'row-mismatch' error.
 */
export async function appendRowGroups(
  r: RowGroupReader,
  file: ParquetWasm.ParquetFile,
  t: RowGroupTable,
  partitionValues: readonly string[],
  staged: StagedTable,
  fail: (group: number, why: string, cause?: unknown, code?: 'row-mismatch' | 'cast') => Error,
): Promise<ImportPath> {
  const { s } = r;
  const conn = s.db.connect();
  let ahead: Promise<Uint8Array> | null = null;
  try {
    const path = importPath(r, conn, file, t, staged);
    const meta = file.metadata();
    const groups = meta.numRowGroups();
    const count = (from: string) => Number(s.rows(`SELECT count(*) AS n FROM ${from}`)[0]?.n);
    const todo: { g: number; want: number }[] = [];
    for (let g = 0; g < groups; g++) {
      const want = meta.rowGroup(g).numRows();
      if (want > 0) todo.push({ g, want });
    }
    // One row group decoded ahead: with a decoder on another thread, it decodes while this one
    // is imported; at most two groups' Arrow are held. A failure ahead waits for its turn.
    const decode = (i: number) => {
      const p = r.decode(file, todo[i]!.g, BATCH_ROWS);
      p.catch(() => undefined);
      return p;
    };
    ahead = todo.length > 0 ? decode(0) : null;
    for (let i = 0; i < todo.length; i++) {
      const { g, want } = todo[i]!;
      const ipc: Uint8Array = await ahead!;
      ahead = i + 1 < todo.length ? decode(i + 1) : null;
      if (path === 'as-is') {
        // Rows counted in the batches' headers; what DuckDB then holds is counted once the
        // table is complete (ParquetTables.load), not after each group (a scan of all so far).
        const got = rowsInIpcMessages(ipc);
        if (got !== want)
          throw fail(g, `${got} rows decoded, the footer says ${want}`, undefined, 'row-mismatch');
        try {
          conn.insertArrowFromIPCStream(ipc, {
            schema: staged.schema,
            name: staged.name,
            create: false,
          });
        } catch (e) {
          throw fail(g, `DuckDB cannot import it: ${engineText(e)}`, e);
        }
        continue;
      }
      const name = r.scratchName();
      const from = qualifiedName(mainCatalog(s), 'main', name);
      try {
        try {
          conn.insertArrowFromIPCStream(ipc, { schema: 'main', name, create: true });
        } catch (e) {
          throw fail(g, `DuckDB cannot import it: ${engineText(e)}`, e);
        }
        const insert = insertSql(
          staged.qualified,
          from,
          describeColumns(s, from),
          t,
          partitionValues,
        );
        try {
          s.run(insert);
        } catch (e) {
          throw fail(g, engineText(e), e, 'cast');
        }
        const got = count(from);
        if (got !== want)
          throw fail(g, `${got} rows decoded, the footer says ${want}`, undefined, 'row-mismatch');
      } finally {
        s.run(`DROP TABLE IF EXISTS ${from}`);
      }
    }
    return path;
  } finally {
    // A group still decoding after a failure: the caller frees the file once it has settled.
    await ahead?.catch(() => undefined);
    conn.close();
  }
}

/**
 * 'as-is' when the table has no partition keys and the file's Arrow schema, imported into an empty
 * scratch table, describes exactly as the staged table does (names and DuckDB types, in order):
 * an append then puts the same values where the casting INSERT would, as every cast would be to
 * the type the value has. A file of one schema imports every row group alike.
 */
function importPath(
  r: RowGroupReader,
  conn: ReturnType<SqlSession['db']['connect']>,
  file: ParquetWasm.ParquetFile,
  t: RowGroupTable,
  staged: StagedTable,
): ImportPath {
  if (t.partitionKeys.length > 0) return 'cast';
  // A schema-only stream: DuckDB creates the table, empty, with the types it would import.
  let ipc: Uint8Array;
  try {
    ipc = file.schema().intoIPCStream();
  } catch {
    return 'cast';
  }
  const key = LATIN1.decode(ipc);
  const known = staged.paths.get(key);
  if (known) return known;
  const path = probedPath(r, conn, ipc, staged);
  staged.paths.set(key, path);
  return path;
}

const LATIN1 = new TextDecoder('latin1');

function probedPath(
  r: RowGroupReader,
  conn: ReturnType<SqlSession['db']['connect']>,
  ipc: Uint8Array,
  staged: StagedTable,
): ImportPath {
  const name = r.scratchName();
  const probe = qualifiedName(mainCatalog(r.s), 'main', name);
  try {
    conn.insertArrowFromIPCStream(ipc, { schema: 'main', name, create: true });
    const found = describeColumns(r.s, probe);
    const want = describeColumns(r.s, staged.qualified);
    const same =
      found.length === want.length &&
      found.every((c, i) => c.name === want[i]!.name && c.type === want[i]!.type);
    return same ? 'as-is' : 'cast';
  } catch {
    // A schema DuckDB cannot take as a whole: the casting path names the row group that fails.
    return 'cast';
  } finally {
    r.s.run(`DROP TABLE IF EXISTS ${probe}`);
  }
}

/**
 * `INSERT INTO staged SELECT …` from one row group's scratch table: the table's columns by
 * name (exactly, else ignoring ASCII case), cast to their types, NULL where the file has none,
 * then the file's partition values.
 */
function insertSql(
  staged: string,
  from: string,
  found: readonly ColumnInfo[],
  t: RowGroupTable,
  values: readonly string[],
): string {
  const exact = new Map(found.map((c) => [c.name, c.name]));
  const folded = new Map<string, string>();
  for (const c of found)
    if (!folded.has(asciiLower(c.name))) folded.set(asciiLower(c.name), c.name);
  const data = t.columns.map((c) => {
    const source = exact.get(c.name) ?? folded.get(asciiLower(c.name));
    return sql`CAST(${source === undefined ? null : ident(source)} AS ${raw(typeSql(c.type))})`;
  });
  const keys = t.partitionKeys.map((k, i) => raw(partitionValueSql(values[i]!, k.type)));
  return sql`INSERT INTO ${raw(staged)} SELECT ${joinSql([...data, ...keys])} FROM ${raw(from)}`
    .text;
}

function engineText(e: unknown): string {
  return engineErrorText(e instanceof Error ? e.message : String(e), (x) => x).text;
}
