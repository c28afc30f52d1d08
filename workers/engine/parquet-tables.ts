import type * as ParquetWasm from 'parquet-wasm';
import type { ColumnInfo } from '../../src/core/csv/dialect';
import { DecantError } from '../../src/core/errors';
import { quotedName } from '../../src/core/quoted-name';
import { ident, joinSql, raw, sql } from '../../src/core/sql/sql-template';
import { leadingTokens } from '../../src/core/sql/split-statements';
import {
  asciiLower,
  attachedKindSql,
  createSchemaSql,
  dropSchemaIfEmptySql,
  partitionCastCheckSql,
  qualifiedName,
  typeSql,
} from '../../src/core/sql/table-view';
import type { AttachedFile, ParquetTable } from '../../src/engine/protocol';
import { describeColumns } from './inspect-json';
import { appendRowGroups, type ImportPath, type StagedTable } from './parquet-row-groups';
import type { RowGroupDecoding } from './row-group-decoder';
import { asyncBufferFromBlob, inspectParquet } from './inspect-parquet';
import { engineErrorText } from './sql-error';
import type { SqlSession } from './sql-session';
import { checkServable, mainCatalog, tableLabel } from './table-views';

/** The part of parquet-wasm read here; its browser and Node builds both have it. */
export type ParquetWasmReader = Pick<typeof ParquetWasm, 'ParquetFile'>;

/** What the engine worker (or a test) provides. */
export interface ParquetReaderHost {
  /** parquet-wasm, instantiated; first called when a table is first read. */
  parquetWasm(): Promise<ParquetWasmReader>;
  /**
   * Calls `onTrap` with every WebAssembly trap nobody caught, until the returned function is
   * called. parquet-wasm's reader panics on some corrupt pages inside a microtask: the panic
   * surfaces as an uncaught error there, and the read's promise never settles.
   */
  watchTraps(onTrap: (error: unknown) => void): () => void;
  /**
   * A decoder on another thread (the browser's row-groups worker), or none: parquet-wasm here
   * decodes. With one, a file's next row group is decoded while DuckDB imports this one. Only
   * Blobs that can be posted to a worker go there (files; not URLs' byte sources).
   */
  rowGroupDecoder?(): RowGroupDecoding | null;
}

/** A ParquetTable whose files are Blobs: a File in the browser, `fs.openAsBlob` in tests. */
export interface ParquetTableBlobs extends Omit<ParquetTable, 'files'> {
  files: (Omit<AttachedFile, 'file'> & { file: Blob })[];
}

/** What a table holds once read. */
export interface ParquetLoad {
  rowCount: number;
  columns: ColumnInfo[];
  /**
   * Files whose rows went in through a casting copy, their types not the table's (see
   * appendRowGroups); 0 when every file's Arrow was imported as it is.
   */
  castFiles: number;
}

interface Entry {
  table: ParquetTableBlobs;
  /** This attach's load: running, or settled (a failure is kept, not retried, until re-attached). */
  loading?: Promise<ParquetLoad>;
  /** The load failed: a re-attach reads the files again, even unchanged. */
  failed?: boolean;
  /** SQL that may write ran since the load (see markWritten): a re-attach reads the files again. */
  written?: boolean;
}

class ReaderCrash extends Error {}

/**
 * Parquet catalog tables, each read into the DuckDB TABLE `"catalog"."database"."name"` when
 * first used (DuckDB-WASM has no Parquet reader offline): parquet-wasm decodes one row group at
 * a time from the file's Blob (range reads) and DuckDB imports it as Arrow into a staged table
 * under a scratch name: straight in when the file's types are the table's, else through a
 * scratch table and a casting INSERT (see appendRowGroups); only a complete table is
 * swapped in, in one transaction, so a failed read keeps the earlier table. Loads run one at a
 * time. The table's columns are the catalog's: each file's column of that name (exactly, else
 * ignoring ASCII case, as DuckDB does) cast to the catalog's type, NULL in files without it;
 * partition keys follow, each file's values cast to their key's type.
 */
export class ParquetTables {
  private entries = new Map<string, Entry>();
  /** Keys whose table this class put into DuckDB (kept across re-attaches until detach). */
  private inEngine = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;

  constructor(
    private readonly s: SqlSession,
    private readonly host: ParquetReaderHost,
  ) {}

  /**
   * Takes the table's description and files; reads nothing yet (see load). Throws `catalog:`
   * DecantErrors for bad names or types, partition values that do not cast (code 'cast'), and
   * names DuckDB would confuse with another Parquet table's (it ignores ASCII case).
   */
  attach(t: ParquetTableBlobs): void {
    checkServable(t);
    const key = keyOf(t.database, t.name);
    for (const other of this.entries.values()) {
      const k = keyOf(other.table.database, other.table.name);
      if (k !== key && asciiLower(k) === asciiLower(key))
        throw new DecantError(
          `catalog: cannot attach ${tableLabel(t.database, t.name)}: DuckDB ignores case in ` +
            `names, so it would replace ${tableLabel(other.table.database, other.table.name)}; rename one`,
        );
    }
    const check = partitionCastCheckSql(t.partitionKeys, t.files);
    const bad = check === null ? undefined : this.s.rows(check)[0];
    if (bad) {
      const k = t.partitionKeys[Number(bad.k)]!;
      throw new DecantError(
        `catalog: cannot attach ${tableLabel(t.database, t.name)}: partition value ` +
          `${quotedName(String(bad.v))} of ${quotedName(k.name)} is not a ${k.type}`,
        { code: 'cast' },
      );
    }
    // The catalog re-attaches a table for each job run and each change it hears of: the same
    // files (by path, size and lastModified) and columns keep the table read before, instead of
    // decoding every file again (seconds per million rows).
    const previous = this.entries.get(key);
    if (previous?.loading && !previous.failed && !previous.written && sameTable(previous.table, t))
      return;
    this.entries.set(key, { table: t });
  }

  /**
   * Marks every table read so far as possibly changed (the SQL console ran a statement that may
   * write): its next re-attach reads its files again, even if they are unchanged.
   */
  markWritten(): void {
    for (const entry of this.entries.values()) entry.written = true;
  }

  /** Forgets the table without touching DuckDB (another kind of table took its name). */
  forget(database: string, name: string): void {
    const key = keyOf(database, name);
    this.entries.delete(key);
    this.inEngine.delete(key);
  }

  /** Drops the table (and its database's schema if now empty); unknown tables are ignored. */
  detach(database: string, name: string): void {
    const key = keyOf(database, name);
    this.entries.delete(key);
    if (!this.inEngine.delete(key)) return;
    const catalog = mainCatalog(this.s);
    this.s.run(`DROP TABLE IF EXISTS ${qualifiedName(catalog, database, name)}`);
    if (asciiLower(database) === 'main') return;
    try {
      this.s.run(dropSchemaIfEmptySql(catalog, database));
    } catch {
      // Not empty: DuckDB keeps it, which is what we want.
    }
  }

  /**
   * Reads the table into DuckDB unless this attach's table is there already; null when no
   * Parquet table of that name is attached. Rejects with `parquet: "database.name/path": …`
   * errors for a file that is not Parquet, cut short, corrupt (naming the row group), or whose
   * values do not cast to the catalog's types; with code 'row-mismatch' when DuckDB holds fewer
   * rows than the footers count; `catalog:` errors otherwise.
   */
  async load(database: string, name: string): Promise<ParquetLoad | null> {
    const key = keyOf(database, name);
    for (;;) {
      const entry = this.entries.get(key);
      if (!entry) return null;
      if (!entry.loading) {
        entry.loading = this.oneAtATime(() => this.build(key, entry));
        entry.loading.catch(() => (entry.failed = true));
      }
      const got = await entry.loading;
      // Re-attached (or detached) while it read: what was read is not this table any more.
      if (this.entries.get(key) === entry) return got;
    }
  }

  /** Loads every attached table whose name appears as a word or quoted name in `sql`. */
  async loadReferenced(sql: string): Promise<void> {
    if (this.entries.size === 0) return;
    const words = new Set(
      leadingTokens(sql, Infinity)
        .filter((t) => t.kind === 'word' || t.kind === 'ident')
        .map((t) => asciiLower(t.text)),
    );
    for (const { table } of [...this.entries.values()])
      if (words.has(asciiLower(table.name))) await this.load(table.database, table.name);
  }

  private oneAtATime<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async build(key: string, entry: Entry): Promise<ParquetLoad> {
    const t = entry.table;
    // Every footer first: a file that is not Parquet, is cut short or encrypted fails before
    // any data is read.
    let expected = 0;
    for (const f of t.files) {
      const label = fileLabel(t, f.path);
      const found = await inspectParquet(asyncBufferFromBlob(f.file), label).catch((e) => {
        // A remote read's own error (expired URL, 403…) says what, not which table's file.
        if (e instanceof DecantError && e.message.startsWith('parquet:')) throw e;
        throw new DecantError(`parquet: ${quotedName(label)}: ${reason(e)}`, { cause: e });
      });
      const interval = found.columns.find(
        (c) => /\bINTERVAL\b/.test(c.type.replace(/"(?:[^"]|"")*"/g, '')) && readsColumn(t, c.name),
      );
      if (interval)
        throw new DecantError(
          `parquet: ${quotedName(label)}: column ${quotedName(interval.name)} holds INTERVAL ` +
            'values, which the Parquet reader here cannot decode (it drops their months)',
        );
      expected += found.rowCount;
    }
    const pw = await this.host.parquetWasm();
    const catalog = mainCatalog(this.s);
    const scratch = `__decant_parquet_${++this.seq}_${Math.random().toString(36).slice(2, 8)}`;
    const staged: StagedTable = {
      schema: t.database,
      name: scratch,
      qualified: qualifiedName(catalog, t.database, scratch),
      paths: new Map(),
    };
    const target = qualifiedName(catalog, t.database, t.name);
    const columns = [...t.columns, ...t.partitionKeys];
    let swapped = false;
    try {
      this.s.run(
        createSchemaSql(catalog, t.database),
        sql`CREATE TABLE ${raw(staged.qualified)} (${joinSql(columns.map((c) => sql`${ident(c.name)} ${raw(typeSql(c.type))}`))})`
          .text,
      );
      let castFiles = 0;
      for (const f of t.files) if ((await this.readFile(pw, t, f, staged)) === 'cast') castFiles++;
      const rowCount = Number(this.s.rows(`SELECT count(*) AS n FROM ${staged.qualified}`)[0]?.n);
      if (rowCount !== expected)
        throw new DecantError(
          `parquet: ${tableLabel(t.database, t.name)}: DuckDB holds ${rowCount} rows, the files' ` +
            `footers count ${expected}`,
          { code: 'row-mismatch' },
        );
      if (this.entries.get(key) !== entry) return { rowCount, columns: [], castFiles };
      const existing = this.s.rows(attachedKindSql(catalog, t.database, t.name));
      if (existing.some((r) => r.kind !== 'BASE TABLE'))
        throw new DecantError(
          `catalog: cannot attach ${tableLabel(t.database, t.name)}: a view of that name is ` +
            'attached (a CSV table?); detach it first',
        );
      this.s.run('BEGIN TRANSACTION');
      try {
        this.s.run(
          `DROP TABLE IF EXISTS ${target}`,
          sql`ALTER TABLE ${raw(staged.qualified)} RENAME TO ${ident(t.name)}`.text,
        );
        this.s.run('COMMIT');
      } catch (e) {
        this.s.run('ROLLBACK');
        throw e;
      }
      swapped = true;
      this.inEngine.add(key);
      return { rowCount, columns: describeColumns(this.s, target), castFiles };
    } catch (e) {
      if (e instanceof DecantError) throw e;
      throw new DecantError(
        `catalog: cannot attach ${tableLabel(t.database, t.name)}: ${engineText(e)}`,
        { cause: e },
      );
    } finally {
      if (!swapped) this.s.run(`DROP TABLE IF EXISTS ${staged.qualified}`);
    }
  }

  /** Appends one file to the staged table, a row group at a time (see appendRowGroups). */
  private async readFile(
    pw: ParquetWasmReader,
    t: ParquetTableBlobs,
    f: ParquetTableBlobs['files'][number],
    staged: StagedTable,
  ): Promise<ImportPath> {
    const label = quotedName(fileLabel(t, f.path));
    const file = await this.guarded(() => pw.ParquetFile.fromFile(f.file)).catch((e) => {
      throw new DecantError(`parquet: ${label}: the footer cannot be read (${reason(e)})`, {
        cause: e,
      });
    });
    try {
      const groups = file.metadata().numRowGroups();
      const fail = (g: number, why: string, cause?: unknown, code?: 'row-mismatch' | 'cast') =>
        new DecantError(`parquet: ${label}: row group ${g + 1} of ${groups}: ${why}`, {
          cause,
          code,
        });
      const crashed = (g: number, cause?: unknown) =>
        fail(g, 'the Parquet reader crashed on it: its data is corrupt', cause);
      const here = (file: ParquetWasm.ParquetFile, g: number, batchSize: number) =>
        this.guarded(async () =>
          (await file.read({ rowGroups: [g], batchSize })).intoIPCStream(),
        ).catch((e) => {
          throw e instanceof ReaderCrash
            ? crashed(g, e)
            : fail(g, `it cannot be read (${reason(e)})`, e);
        });
      const beside = f.file instanceof Blob ? this.host.rowGroupDecoder?.() : null;
      const reader = {
        s: this.s,
        scratchName: () => `__decant_parquet_rg_${++this.seq}`,
        decode: !beside
          ? here
          : async (file: ParquetWasm.ParquetFile, g: number, batchSize: number) => {
              const got = await beside.decode(f.file, g, batchSize).catch(() => null);
              if (!got) return here(file, g, batchSize);
              if (got.ok) return got.ipc;
              if (got.crashed) throw crashed(g);
              throw fail(g, `it cannot be read (${got.message})`);
            },
      };
      return await appendRowGroups(reader, file, t, f.partitionValues, staged, fail);
    } finally {
      try {
        file.free();
      } catch {
        // A reader that crashed may not free cleanly; the worker's memory is all it holds.
      }
    }
  }

  /** `f()`, or a ReaderCrash if a WebAssembly trap goes uncaught before it settles. */
  private async guarded<T>(f: () => Promise<T>): Promise<T> {
    let stop = () => {};
    const crashed = new Promise<never>((_, reject) => {
      stop = this.host.watchTraps((e) => reject(new ReaderCrash(reason(e), { cause: e })));
    });
    try {
      return await Promise.race([f(), crashed]);
    } finally {
      stop();
    }
  }
}

/** Whether the table reads a file column of this name (see appendRowGroups). */
function readsColumn(t: ParquetTableBlobs, name: string): boolean {
  return t.columns.some((c) => c.name === name || asciiLower(c.name) === asciiLower(name));
}

/** `database.name/path`: how messages name a table's file. */
function fileLabel(t: ParquetTableBlobs, path: string): string {
  return `${t.database}.${t.name}/${path}`;
}

function engineText(e: unknown): string {
  return engineErrorText(e instanceof Error ? e.message : String(e), (x) => x).text;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Same columns, keys and files, each file the same File by its stamp (path, size, lastModified). */
function sameTable(a: ParquetTableBlobs, b: ParquetTableBlobs): boolean {
  const sameFile = (x: Blob, y: Blob) =>
    x === y ||
    (x instanceof File &&
      y instanceof File &&
      x.name === y.name &&
      x.size === y.size &&
      x.lastModified === y.lastModified);
  return (
    JSON.stringify([a.columns, a.partitionKeys]) === JSON.stringify([b.columns, b.partitionKeys]) &&
    a.files.length === b.files.length &&
    a.files.every((f, i) => {
      const g = b.files[i]!;
      return (
        JSON.stringify([f.path, f.partitionValues, f.columns]) ===
          JSON.stringify([g.path, g.partitionValues, g.columns]) && sameFile(f.file, g.file)
      );
    })
  );
}

/** JSON of the pair: unambiguous for any names; asciiLower of it is DuckDB's identity. */
function keyOf(database: string, name: string): string {
  return JSON.stringify([database, name]);
}
