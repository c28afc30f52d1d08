import { mkdirSync, mkdtempSync, openAsBlob, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { quoteIdent, quoteLiteral } from '../../src/core/sql/quote';
import { mergeSchemas } from '../../src/crawler/merge-schemas';
import { asyncBufferFromBlob, inspectParquet } from '../../workers/engine/inspect-parquet';
import { blobFromSource } from '../../src/core/byte-source';
import {
  ParquetTables,
  type ParquetReaderHost,
  type ParquetTableBlobs,
} from '../../workers/engine/parquet-tables';
import { RemoteFile } from '../../workers/engine/remote-files';
import { RowGroupDecoder } from '../../workers/engine/row-group-decoder';
import { SqlSession } from '../../workers/engine/sql-session';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { startS3Stack } from '../support/s3-stack';
import { presign, putObject } from '../support/s3-server';

let engine: NodeEngine;
let native: DuckDBConnection;
let tables: ParquetTables;
const dir = mkdtempSync(join(tmpdir(), 'decant-parquet-tables-'));

/**
 * parquet-wasm's Node build, and its traps: the worker listens for them on `self`; here they
 * are uncaught exceptions. vitest counts every uncaught exception as a failure of the run, so
 * while a read is watched its listeners step aside and get anything that is not a trap.
 */
const host: ParquetReaderHost = {
  parquetWasm: () => import('parquet-wasm/node'),
  watchTraps(onTrap) {
    const others = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const listener = (e: Error) => {
      if (e instanceof WebAssembly.RuntimeError) onTrap(e);
      else for (const o of others) o(e, 'uncaughtException');
    };
    process.on('uncaughtException', listener);
    return () => {
      process.off('uncaughtException', listener);
      for (const o of others) process.on('uncaughtException', o);
    };
  },
};

beforeAll(async () => {
  engine = await startNodeEngine();
  // A connection of its own, as in the worker.
  tables = new ParquetTables(new SqlSession(engine.s.db), host);
  native = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => native?.closeSync());

/** Writes `select` as Parquet with native DuckDB at `dir/path`; returns the full path. */
async function write(path: string, select: string, options = ''): Promise<string> {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  const opts = options ? `, ${options}` : '';
  await native.run(`COPY (${select}) TO ${quoteLiteral(full)} (FORMAT parquet${opts})`);
  return full;
}

/** The table's columns as the crawler makes them: each file's footer, merged by name. */
async function crawledColumns(paths: string[]) {
  let columns: { name: string; type: string }[] = [];
  for (const p of paths) {
    const found = await inspectParquet(asyncBufferFromBlob(await openAsBlob(p)), p, engine.s);
    const merged = mergeSchemas(
      { classification: 'parquet', formatKey: 'parquet', columns },
      { classification: 'parquet', formatKey: 'parquet', columns: found.columns },
      true,
    );
    if (!merged.ok) throw new Error(merged.reason);
    columns = merged.columns;
  }
  return columns;
}

/** A table over files under `root`, each `[path relative to root, partition values]`. */
async function tableOf(
  database: string,
  name: string,
  root: string,
  files: [string, string[]][],
  partitionKeys: { name: string; type: string }[] = [],
): Promise<ParquetTableBlobs> {
  const full = files.map(([p]) => join(dir, root, p));
  return {
    classification: 'parquet',
    database,
    name,
    columns: await crawledColumns(full),
    partitionKeys,
    files: await Promise.all(
      files.map(async ([path, partitionValues], i) => ({
        path,
        partitionValues,
        file: await openAsBlob(full[i]!),
      })),
    ),
  };
}

/** Every value as DuckDB's text, rows in order: how the two engines are compared. */
const asText = (from: string) => `SELECT COLUMNS(*)::VARCHAR FROM ${from} ORDER BY ALL`;

async function nativeRead(from: string) {
  const describe = await native.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
  const rows = await native.runAndReadAll(asText(from));
  return {
    columns: describe
      .getRowObjectsJson()
      .map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
    rows: rows.getRowObjectsJson(),
  };
}

function wasmRead(relation: string) {
  return {
    columns: engine.s
      .rows(`DESCRIBE ${relation}`)
      .map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
    rows: engine.s.rows(asText(relation)),
  };
}

async function loadFailure(database: string, name: string): Promise<DecantError> {
  try {
    await tables.load(database, name);
  } catch (e) {
    expect(e).toBeInstanceOf(DecantError);
    return e as DecantError;
  }
  throw new Error(`${database}.${name} was read`);
}

const scratchTables = () =>
  engine.s.rows("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__decant%'");

describe('ParquetTables: reads what DuckDB reads', () => {
  it('a hive-partitioned table: four codecs, several row groups, a column added later, a type widened', async () => {
    const part = (
      i: number,
    ) => `SELECT (r + ${i * 10_000})::INTEGER AS id, 'sku-' || (r % 7) AS sku,
      (r % 1000 / 8)::DECIMAL(9,3) AS price, DATE '2024-01-01' + (r % 300)::INTEGER AS day,
      TIMESTAMP '2024-01-01' + INTERVAL (r) SECOND AS at, {'n': r, 'tags': ['a', 'b']} AS meta
      FROM range(5000) t(r)`;
    const rg = 'ROW_GROUP_SIZE 2048';
    await write('sales/year=2024/month=01/a.parquet', part(0), `COMPRESSION zstd, ${rg}`);
    await write('sales/year=2024/month=02/b.parquet', part(1), `COMPRESSION snappy, ${rg}`);
    await write('sales/year=2025/month=01/c.parquet', part(2), `COMPRESSION gzip, ${rg}`);
    // A later file: id as BIGINT (the table's widens), and a new column.
    await write(
      'sales/year=__HIVE_DEFAULT_PARTITION__/month=03/d.parquet',
      `SELECT id::BIGINT AS id, * EXCLUDE (id), 'X' || id AS coupon FROM (${part(3)})`,
      'COMPRESSION uncompressed',
    );
    const files: [string, string[]][] = [
      ['year=2024/month=01/a.parquet', ['2024', '01']],
      ['year=2024/month=02/b.parquet', ['2024', '02']],
      ['year=2025/month=01/c.parquet', ['2025', '01']],
      ['year=__HIVE_DEFAULT_PARTITION__/month=03/d.parquet', ['__HIVE_DEFAULT_PARTITION__', '03']],
    ];
    const keys = [
      { name: 'year', type: 'BIGINT' },
      { name: 'month', type: 'VARCHAR' },
    ];
    const meta = await native.runAndReadAll(
      `SELECT count(DISTINCT (file_name, row_group_id)) AS groups, ` +
        `list(DISTINCT compression ORDER BY compression) AS codecs FROM parquet_metadata(` +
        `[${files.map(([p]) => quoteLiteral(join(dir, 'sales', p))).join(', ')}])`,
    );
    const [{ groups, codecs }] = meta.getRowObjectsJson() as [{ groups: string; codecs: string[] }];
    expect(Number(groups)).toBeGreaterThan(files.length);
    expect(codecs).toEqual(['GZIP', 'SNAPPY', 'UNCOMPRESSED', 'ZSTD']);
    const t = await tableOf('lake', 'sales', 'sales', files, keys);
    const paths = files.map(([p]) => quoteLiteral(join(dir, 'sales', p)));
    // Native DuckDB puts the hive columns in its own order; the catalog's is year, month.
    const expected = await nativeRead(
      `(SELECT * EXCLUDE (year, month), year, month FROM read_parquet([${paths.join(', ')}], ` +
        `union_by_name = true, hive_partitioning = true, ` +
        `hive_types = {'year': BIGINT, 'month': VARCHAR}))`,
    );
    expect(expected.rows).toHaveLength(20_000);

    tables.attach(t);
    const load = await tables.load('lake', 'sales');
    // Partition keys go through the casting INSERT (a straight import has no place for them).
    expect(load).toEqual({ rowCount: 20_000, columns: expected.columns, castFiles: 4 });
    expect(wasmRead('lake.sales')).toEqual(expected);
    expect(engine.s.rows('SELECT count(*) AS n FROM lake.sales WHERE year IS NULL')).toEqual([
      { n: 5000 },
    ]);
    expect(scratchTables()).toEqual([]);
  });

  it('every type: DECIMAL, DATE, TIME, TIMESTAMPs, UUID, BLOB, ENUM, STRUCT, LIST, MAP, NULLs', async () => {
    const types = `SELECT
      r::TINYINT AS i8, r::SMALLINT AS i16, r::INTEGER AS i32, r::BIGINT * 1000000007 AS i64,
      r::UTINYINT AS u8, r::USMALLINT AS u16, r::UINTEGER AS u32, r::UBIGINT AS u64,
      (r / 4)::DECIMAL(4,1) AS dec_int32, (r * 1.125)::DECIMAL(18,3) AS dec_int64,
      (r * 1.5)::DECIMAL(38,10) AS dec_flba,
      DATE '2024-01-02' + r::INTEGER AS d, TIME '10:11:12.345678' AS t, TIMETZ '10:11:12+02' AS ttz,
      TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, TIMESTAMP_MS '2024-01-02 00:00:01.5' AS ts_ms,
      TIMESTAMP_NS '2024-01-02 00:00:00.123456789' AS ts_ns, TIMESTAMP_S '2024-01-02' AS ts_s,
      TIMESTAMPTZ '2024-01-02 00:00:00+00' AS ts_tz,
      'x' || r AS s, ['a', 'b'][1 + r % 2]::ENUM('a', 'b') AS en, r % 2 = 0 AS b,
      (r / 3)::FLOAT AS f, (r / 7)::DOUBLE AS db, ('\\xAA' || r)::BLOB AS bl,
      ('00000000-0000-0000-0000-00000000000' || r)::UUID AS u,
      {'id': r, 'Name': 'n', 'a b': [r], 'u': ('00000000-0000-0000-0000-00000000000' || r)::UUID} AS st,
      [r, NULL, 2] AS li, [[r], [2, 3]] AS lli, [{'sku': 'A', 'qty': r}] AS lst,
      MAP {'k': r} AS mp, CASE WHEN r % 3 = 0 THEN NULL ELSE r END AS sometimes, NULL AS never
      FROM range(10) t(r)`;
    const path = await write('types/all.parquet', types);
    const t = await tableOf('lake', 'types', 'types', [['all.parquet', []]]);
    tables.attach(t);
    await tables.load('lake', 'types');
    expect(wasmRead('lake.types')).toEqual(await nativeRead(`read_parquet(${quoteLiteral(path)})`));
  });

  it('is lazy: attaching reads nothing; a query naming the table loads it, once', async () => {
    await write('lazy/a.parquet', 'SELECT 1 AS a');
    const t = await tableOf('lazy', 'later', 'lazy', [['a.parquet', []]]);
    // A file that is not Parquet passes attach: nothing is read until the table is used.
    tables.attach({ ...t, name: 'broken', files: [{ ...t.files[0]!, file: new Blob(['no']) }] });
    tables.attach(t);
    const has = () =>
      engine.s.rows("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'lazy'");
    expect(has()).toEqual([]);
    await tables.loadReferenced('SELECT 1 -- later\n');
    expect(has()).toEqual([]);
    await tables.loadReferenced('SELECT * FROM "lazy".LATER');
    expect(has()).toEqual([{ table_name: 'later' }]);
    expect(engine.s.rows('SELECT a FROM lazy.later')).toEqual([{ a: 1 }]);
    // The failed table fails each time with the same error, and the others are unaffected.
    const e = await loadFailure('lazy', 'broken');
    expect(e.message).toBe(
      'parquet: "lazy.broken/a.parquet" is not a Parquet file (it has 2 bytes; the smallest Parquet file has 12)',
    );
    expect(await loadFailure('lazy', 'broken')).toBe(e);
    expect(await tables.load('lazy', 'nothing')).toBeNull();
    tables.detach('lazy', 'broken');
  });

  it('a re-attach is swapped in only when complete; a failed one keeps the old table', async () => {
    await write('swap/v1.parquet', 'SELECT 1 AS v');
    await write('swap/v2.parquet', "SELECT 2 AS v, 'new' AS w");
    const v1 = await tableOf('swap', 't', 'swap', [['v1.parquet', []]]);
    tables.attach(v1);
    await tables.load('swap', 't');
    expect(engine.s.rows('SELECT * FROM swap.t')).toEqual([{ v: 1 }]);

    const bytes = readFileSync(join(dir, 'swap/v1.parquet'));
    const cut = new Blob([bytes.subarray(0, bytes.length - 20)]);
    tables.attach({ ...v1, files: [{ ...v1.files[0]!, file: cut }] });
    const e = await loadFailure('swap', 't');
    expect(e.message).toMatch(
      /^parquet: "swap.t\/v1.parquet" is not a Parquet file \(it ends with .*: is it cut short\?\)$/,
    );
    expect(engine.s.rows('SELECT * FROM swap.t')).toEqual([{ v: 1 }]);

    tables.attach(await tableOf('swap', 't', 'swap', [['v2.parquet', []]]));
    await tables.load('swap', 't');
    expect(engine.s.rows('SELECT * FROM swap.t')).toEqual([{ v: 2, w: 'new' }]);
    expect(scratchTables()).toEqual([]);

    tables.detach('swap', 't');
    expect(
      engine.s.rows("SELECT schema_name FROM duckdb_schemas() WHERE schema_name = 'swap'"),
    ).toEqual([]);
  });

  it('a re-attach of the same files keeps the table read; changed files, a failed read or a write read them again', async () => {
    await write('keep/a.parquet', 'SELECT * FROM range(3) t(v)');
    const bytes = new Uint8Array(readFileSync(join(dir, 'keep/a.parquet')));
    const base = await tableOf('keep', 't', 'keep', [['a.parquet', []]]);
    // As the catalog attaches it: a fresh File (OPFS getFile()) each time, the same stamp.
    const fileOf = (lastModified: number, content: Uint8Array<ArrayBuffer> = bytes) =>
      new File([content], 'a.parquet', { lastModified });
    const attach = (file: File) => tables.attach({ ...base, files: [{ ...base.files[0]!, file }] });
    const count = () => Number(engine.s.rows('SELECT count(*) AS n FROM keep.t')[0]!.n);

    attach(fileOf(1));
    await tables.loadReferenced('SELECT * FROM keep.t');
    expect(count()).toBe(3);
    // A change behind the class's back shows whether the next load read the file again.
    engine.s.run('DELETE FROM keep.t WHERE v = 0');
    attach(fileOf(1));
    await tables.loadReferenced('SELECT * FROM keep.t');
    expect(count()).toBe(2);

    // Another lastModified: read again.
    attach(fileOf(2));
    await tables.load('keep', 't');
    expect(count()).toBe(3);

    // The SQL console ran something that may write: the next attach reads the file again.
    engine.s.run('DELETE FROM keep.t WHERE v = 0');
    tables.markWritten();
    attach(fileOf(2));
    await tables.load('keep', 't');
    expect(count()).toBe(3);

    // A failed read is tried again on the next attach, even of the same (broken) file.
    const broken = fileOf(3, new TextEncoder().encode('no'));
    attach(broken);
    const first = await loadFailure('keep', 't');
    expect(await loadFailure('keep', 't')).toBe(first);
    attach(broken);
    const again = await loadFailure('keep', 't');
    expect(again).not.toBe(first);
    expect(again.message).toBe(first.message);
    tables.detach('keep', 't');
  });

  it('handles names that need quoting', async () => {
    await write('quoted/x.parquet', 'SELECT 1 AS "a b"');
    const t = await tableOf('my "db"', "it's; DROP", 'quoted', [['x.parquet', []]]);
    tables.attach(t);
    await tables.loadReferenced(
      `SELECT * FROM ${quoteIdent('my "db"')}.${quoteIdent("it's; DROP")}`,
    );
    expect(engine.s.rows(`SELECT "a b" FROM "my ""db"""."it's; DROP"`)).toEqual([{ 'a b': 1 }]);
    tables.detach('my "db"', "it's; DROP");
  });
});

/** A session that also keeps every statement run through it: which copies a load made. */
class RecordingSession extends SqlSession {
  statements: string[] = [];
  override run(...statements: readonly string[]): void {
    this.statements.push(...statements);
    super.run(...statements);
  }
}

describe("ParquetTables: a file whose types are the table's is imported as it is", () => {
  // Row groups of 2,048: several per file. Every kind of value the casting INSERT handled.
  const typed = (from: number) => `SELECT (r + ${from})::BIGINT AS id, (r % 100)::INTEGER AS n,
    (r % 1000 / 8)::DECIMAL(9,3) AS price, (r * 1.125)::DECIMAL(18,3) AS total,
    DATE '2024-01-01' + (r % 300)::INTEGER AS day,
    TIMESTAMP '2024-01-01 00:00:00.123456' + INTERVAL (r) SECOND AS at,
    CASE WHEN r % 5 = 0 THEN NULL ELSE 'sku-' || (r % 7) END AS sku,
    CASE WHEN r % 3 = 0 THEN NULL ELSE r % 2 = 0 END AS ok,
    CASE WHEN r % 4 = 0 THEN NULL ELSE r / 7 END AS ratio
    FROM range(5000) t(r)`;
  const rg = 'ROW_GROUP_SIZE 2048';

  /** Loads `t` on a recording session; the load and the casting INSERTs it ran. */
  async function loadRecorded(t: ParquetTableBlobs) {
    const s = new RecordingSession(engine.s.db);
    const own = new ParquetTables(s, host);
    own.attach(t);
    const load = await own.load(t.database, t.name);
    const inserts = s.statements.filter((x) => /^INSERT INTO/.test(x));
    return { load, inserts, own };
  }

  it('types equal: DATE, TIMESTAMP, DECIMAL, BIGINT, INTEGER, VARCHAR, BOOLEAN, NULLs: no casting copy, the values native reads', async () => {
    const path = await write('as-is/a.parquet', typed(0), `COMPRESSION zstd, ${rg}`);
    const t = await tableOf('fast', 'typed', 'as-is', [['a.parquet', []]]);
    const { load, inserts, own } = await loadRecorded(t);
    expect(inserts).toEqual([]);
    expect(load?.castFiles).toBe(0);
    const expected = await nativeRead(`read_parquet(${quoteLiteral(path)})`);
    expect(expected.columns.map((c) => c.type)).toEqual([
      'BIGINT',
      'INTEGER',
      'DECIMAL(9,3)',
      'DECIMAL(18,3)',
      'DATE',
      'TIMESTAMP',
      'VARCHAR',
      'BOOLEAN',
      'DOUBLE',
    ]);
    expect(load).toEqual({ rowCount: 5000, columns: expected.columns, castFiles: 0 });
    expect(wasmRead('fast.typed')).toEqual(expected);
    expect(scratchTables()).toEqual([]);
    own.detach('fast', 'typed');
  });

  it('types that differ (BIGINT over INTEGER, wider DECIMAL, TIMESTAMP over DATE, VARCHAR over INTEGER), names in another case or order: cast, as before', async () => {
    const path = await write('cast-all/a.parquet', typed(0), `COMPRESSION snappy, ${rg}`);
    const t = await tableOf('fast', 'widened', 'cast-all', [['a.parquet', []]]);
    const catalog: Record<string, string> = {
      n: 'BIGINT',
      price: 'DECIMAL(18,4)',
      day: 'TIMESTAMP',
      id: 'VARCHAR',
    };
    const columns = t.columns.map((c) => ({ ...c, type: catalog[c.name] ?? c.type }));
    const casts = columns.map(
      (c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`,
    );
    const widened = await loadRecorded({ ...t, columns });
    expect(widened.load?.castFiles).toBe(1);
    expect(widened.inserts.length).toBeGreaterThan(1);
    const expected = await nativeRead(
      `(SELECT ${casts.join(', ')} FROM read_parquet(${quoteLiteral(path)}))`,
    );
    expect(expected.columns.slice(0, 5).map((c) => c.type)).toEqual([
      'VARCHAR',
      'BIGINT',
      'DECIMAL(18,4)',
      'DECIMAL(18,3)',
      'TIMESTAMP',
    ]);
    expect(wasmRead('fast.widened')).toEqual(expected);
    widened.own.detach('fast', 'widened');

    // The same types, but a name in another case, or the columns in another order.
    const upper = t.columns.map((c) => (c.name === 'sku' ? { ...c, name: 'SKU' } : c));
    const cased = await loadRecorded({ ...t, name: 'cased', columns: upper });
    expect(cased.load?.castFiles).toBe(1);
    const plain = await nativeRead(`read_parquet(${quoteLiteral(path)})`);
    expect(wasmRead('fast.cased').rows).toEqual(
      plain.rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k === 'sku' ? 'SKU' : k, v])),
      ),
    );
    cased.own.detach('fast', 'cased');
    const reversed = [...t.columns].reverse();
    const turned = await loadRecorded({ ...t, name: 'turned', columns: reversed });
    expect(turned.load?.castFiles).toBe(1);
    expect(wasmRead('fast.turned')).toEqual(
      await nativeRead(
        `(SELECT ${reversed.map((c) => quoteIdent(c.name)).join(', ')} FROM read_parquet(${quoteLiteral(path)}))`,
      ),
    );
    turned.own.detach('fast', 'turned');
    expect(scratchTables()).toEqual([]);
  });

  it('files of one schema: one probe of their types for all, no casting copy', async () => {
    const files: [string, string[]][] = [];
    for (let i = 0; i < 3; i++) {
      await write(`same/${i}.parquet`, typed(i * 5000), rg);
      files.push([`${i}.parquet`, []]);
    }
    const t = await tableOf('fast', 'same', 'same', files);
    const s = new RecordingSession(engine.s.db);
    const own = new ParquetTables(s, host);
    own.attach(t);
    expect(await own.load('fast', 'same')).toMatchObject({ rowCount: 15_000, castFiles: 0 });
    // Every scratch table (a probe, or a row group to cast) is dropped through the session.
    const scratch = s.statements.filter((x) => x.includes('__decant_parquet_rg_'));
    expect(scratch).toHaveLength(1);
    expect(s.statements.filter((x) => /^INSERT INTO/.test(x))).toEqual([]);
    const paths = files.map(([p]) => quoteLiteral(join(dir, 'same', p)));
    expect(wasmRead('fast.same')).toEqual(await nativeRead(`read_parquet([${paths.join(', ')}])`));
    own.detach('fast', 'same');
  });

  it('files of one table on both paths: one lacks a column (cast, NULLs), one has them all (as is)', async () => {
    await write('mixed/a.parquet', `SELECT * EXCLUDE (ratio) FROM (${typed(0)})`, rg);
    await write('mixed/b.parquet', typed(5000), rg);
    const files: [string, string[]][] = [
      ['a.parquet', []],
      ['b.parquet', []],
    ];
    const t = await tableOf('fast', 'mixed', 'mixed', files);
    expect(t.columns.map((c) => c.name).at(-1)).toBe('ratio');
    const { load, own } = await loadRecorded(t);
    expect(load?.castFiles).toBe(1);
    const paths = files.map(([p]) => quoteLiteral(join(dir, 'mixed', p)));
    const expected = await nativeRead(`read_parquet([${paths.join(', ')}], union_by_name = true)`);
    expect(expected.rows).toHaveLength(10_000);
    expect(wasmRead('fast.mixed')).toEqual(expected);
    own.detach('fast', 'mixed');
    expect(scratchTables()).toEqual([]);
  });
});

describe("ParquetTables: with a row-group decoder beside the engine (the browser's worker)", () => {
  /** The staged table's rows now (the one table a load stages at a time). */
  const stagedRows = () => {
    const [staged] = engine.s.rows(
      "SELECT schema_name AS s, table_name AS t FROM duckdb_tables() WHERE table_name LIKE '__decant_parquet_%' AND table_name NOT LIKE '__decant_parquet_rg_%'",
    );
    if (!staged) return null;
    return Number(
      engine.s.rows(
        `SELECT count(*) AS n FROM ${quoteIdent(String(staged.s))}.${quoteIdent(String(staged.t))}`,
      )[0]!.n,
    );
  };

  it('decodes the next row group while this one is imported; the values native reads', async () => {
    const path = await write(
      'beside/a.parquet',
      "SELECT r AS id, 'x' || r AS s, DATE '2024-01-01' + (r % 300)::INTEGER AS d FROM range(10000) t(r)",
      'ROW_GROUP_SIZE 2048',
    );
    const decoder = new RowGroupDecoder(host);
    const asked: { group: number; staged: number | null }[] = [];
    const own = new ParquetTables(new SqlSession(engine.s.db), {
      ...host,
      rowGroupDecoder: () => ({
        decode(file, group, batchSize) {
          asked.push({ group, staged: stagedRows() });
          return decoder.decode(file, group, batchSize);
        },
      }),
    });
    own.attach(await tableOf('beside', 'a', 'beside', [['a.parquet', []]]));
    expect(await own.load('beside', 'a')).toMatchObject({ rowCount: 10_000, castFiles: 0 });
    expect(wasmRead('beside.a')).toEqual(await nativeRead(`read_parquet(${quoteLiteral(path)})`));
    // Group k is asked for before group k - 1 is in the staged table: 2,048 rows a group.
    expect(asked.map((a) => a.group)).toEqual([0, 1, 2, 3, 4]);
    expect(asked.map((a) => a.staged)).toEqual([0, 0, 2048, 4096, 6144]);
    own.detach('beside', 'a');
  });

  it('a trap there names the row group; a decoder that fails decodes here instead', async () => {
    const path = await write(
      'beside/corrupt.parquet',
      "SELECT r AS id, repeat('x', 50) || r AS s FROM range(100000) t(r)",
      'COMPRESSION zstd, ROW_GROUP_SIZE 50000',
    );
    const bytes = new Uint8Array(readFileSync(path));
    const at = Math.floor(bytes.length * 0.6);
    for (let i = at; i < at + 20_000; i++) bytes[i] = (i * 7) & 255;
    const decoder = new RowGroupDecoder(host);
    const own = new ParquetTables(new SqlSession(engine.s.db), {
      ...host,
      rowGroupDecoder: () => decoder,
    });
    const t = await tableOf('beside', 'pages', 'beside', [['corrupt.parquet', []]]);
    own.attach({
      ...t,
      files: [{ path: 'b.parquet', partitionValues: [], file: new Blob([bytes]) }],
    });
    await expect(own.load('beside', 'pages')).rejects.toThrow(
      'parquet: "beside.pages/b.parquet": row group 2 of 2: the Parquet reader crashed on it: its data is corrupt',
    );
    expect(scratchTables()).toEqual([]);

    let calls = 0;
    const failing = new ParquetTables(new SqlSession(engine.s.db), {
      ...host,
      rowGroupDecoder: () => ({
        decode: () => {
          calls++;
          return Promise.reject(new Error('the worker did not start'));
        },
      }),
    });
    failing.attach(t);
    expect(await failing.load('beside', 'pages')).toMatchObject({ rowCount: 100_000 });
    expect(calls).toBe(2);
    expect(wasmRead('beside.pages')).toEqual(
      await nativeRead(`read_parquet(${quoteLiteral(path)})`),
    );
    failing.detach('beside', 'pages');
  });
});

describe('ParquetTables: precise errors', () => {
  it('corrupt pages: names the file and row group, and the reader keeps working', async () => {
    const path = await write(
      'corrupt/a.parquet',
      "SELECT r AS id, repeat('x', 50) || r AS s FROM range(100000) t(r)",
      'COMPRESSION zstd, ROW_GROUP_SIZE 50000',
    );
    const bytes = new Uint8Array(readFileSync(path));
    // Garble the middle of the data (the second row group's pages), not the footer.
    const at = Math.floor(bytes.length * 0.6);
    for (let i = at; i < at + 20_000; i++) bytes[i] = (i * 7) & 255;
    writeFileSync(join(dir, 'corrupt/b.parquet'), bytes);
    const t = await tableOf('bad', 'pages', 'corrupt', [['a.parquet', []]]);
    tables.attach({
      ...t,
      files: [{ path: 'part/b.parquet', partitionValues: [], file: new Blob([bytes]) }],
    });
    const e = await loadFailure('bad', 'pages');
    // parquet-wasm panics on these pages (a wasm trap, thrown from a microtask).
    expect(e.message).toBe(
      'parquet: "bad.pages/part/b.parquet": row group 2 of 2: the Parquet reader crashed on it: its data is corrupt',
    );
    expect(scratchTables()).toEqual([]);
    // The same reader reads a sound file afterwards.
    tables.attach({ ...t, name: 'sound' });
    expect((await tables.load('bad', 'sound'))?.rowCount).toBe(100_000);
  });

  it('a value that does not fit the catalog type names the file, row group and value', async () => {
    await write('cast/a.parquet', "SELECT '1' AS n UNION ALL SELECT 'seven'");
    const t = await tableOf('bad', 'cast', 'cast', [['a.parquet', []]]);
    tables.attach({ ...t, columns: [{ name: 'n', type: 'INTEGER' }] });
    const e = await loadFailure('bad', 'cast');
    expect(e.message).toMatch(/^parquet: "bad.cast\/a.parquet": row group 1 of 1: .*'seven'/);
    expect(e.code).toBe('cast');
  });

  it('refuses INTERVAL columns rather than read them wrong', async () => {
    await write('interval/a.parquet', "SELECT INTERVAL '14 months 2 days' AS iv, 1 AS n");
    const t = await tableOf('bad', 'interval', 'interval', [['a.parquet', []]]);
    tables.attach(t);
    expect((await loadFailure('bad', 'interval')).message).toBe(
      'parquet: "bad.interval/a.parquet": column "iv" holds INTERVAL values, which the Parquet ' +
        'reader here cannot decode (it drops their months)',
    );
    // Without the column, the rest of the file reads.
    tables.attach({ ...t, columns: [{ name: 'n', type: 'INTEGER' }] });
    expect((await tables.load('bad', 'interval'))?.rowCount).toBe(1);
  });

  it('checks names, types and partition values when attaching', async () => {
    await write('checks/a.parquet', 'SELECT 1 AS a');
    const t = await tableOf(
      'bad',
      'checks',
      'checks',
      [['a.parquet', ['x']]],
      [{ name: 'year', type: 'BIGINT' }],
    );
    const attachFailure = (x: ParquetTableBlobs) => {
      try {
        tables.attach(x);
      } catch (e) {
        expect(e).toBeInstanceOf(DecantError);
        return (e as DecantError).message;
      }
      throw new Error('attached');
    };
    expect(attachFailure(t)).toBe(
      'catalog: cannot attach "bad"."checks": partition value "x" of "year" is not a BIGINT',
    );
    expect(attachFailure({ ...t, partitionKeys: [{ name: 'A', type: 'VARCHAR' }] })).toBe(
      'catalog: cannot attach "bad"."checks": "a" and "A" are the same column to DuckDB, which ignores case in names',
    );
    expect(attachFailure({ ...t, columns: [{ name: 'a', type: 'INT); DROP' }] })).toBe(
      'catalog: cannot attach "bad"."checks": column "a" has type "INT); DROP", which is not a DuckDB type name',
    );
    tables.attach({ ...t, partitionKeys: [{ name: 'year', type: 'VARCHAR' }] });
    expect(
      attachFailure({ ...t, name: 'CHECKS', partitionKeys: [{ name: 'year', type: 'VARCHAR' }] }),
    ).toBe(
      'catalog: cannot attach "bad"."CHECKS": DuckDB ignores case in names, so it would replace "bad"."checks"; rename one',
    );
  });
});

describe('ParquetTables: files behind presigned S3 URLs', () => {
  it('reads them by range GETs only (no HEAD, no whole download); an expired URL says so', async () => {
    const stack = await startS3Stack([{ name: 'lake' }]);
    try {
      const path = await write(
        'remote/year=2024/part-0.parquet',
        "SELECT r AS id, md5(r::VARCHAR) AS h, {'n': r} AS s FROM range(200000) t(r)",
        'ROW_GROUP_SIZE 50000',
      );
      const bytes = readFileSync(path);
      const key = 'events/year=2024/part-0.parquet';
      await putObject(stack.server, 'lake', key, bytes);
      const file = async (opts: Parameters<typeof presign>[3] = {}) => {
        const remote = new RemoteFile(
          await presign(stack.proxy, 'lake', key, opts),
          bytes.length,
          key,
        );
        return blobFromSource(remote);
      };
      const t = await tableOf(
        's3',
        'events',
        'remote',
        [['year=2024/part-0.parquet', ['2024']]],
        [{ name: 'year', type: 'BIGINT' }],
      );
      tables.attach({ ...t, files: [{ ...t.files[0]!, file: await file() }] });
      await stack.reset();
      expect((await tables.load('s3', 'events'))?.rowCount).toBe(200_000);
      expect(wasmRead('s3.events')).toEqual(
        await nativeRead(
          `(SELECT *, 2024::BIGINT AS year FROM read_parquet(${quoteLiteral(path)}, hive_partitioning = false))`,
        ),
      );
      const log = await stack.log();
      expect(log.filter((e) => e.method !== 'GET' || e.status !== 206)).toEqual([]);
      // The footer twice (classifier, reader) and the row groups: well under two whole files.
      const read = log.reduce((n, e) => n + e.bytes, 0);
      expect(read).toBeLessThan(1.5 * bytes.length);

      const expired = await file({ signedAt: new Date(Date.now() - 2 * 3600_000), expiresIn: 60 });
      tables.attach({ ...t, files: [{ ...t.files[0]!, file: expired }] });
      await stack.reset();
      const e = await loadFailure('s3', 'events');
      expect(e.message).toMatch(
        /^parquet: "s3.events\/year=2024\/part-0.parquet": remote: http:\/\/127\.0\.0\.1:\d+\/lake\/events\/year=2024\/part-0\.parquet: the presigned URL expired at /,
      );
      expect(e.message).not.toMatch(/X-Amz|Signature=/);
      expect(await stack.log()).toEqual([]);
      // The table read before stays.
      expect(engine.s.rows('SELECT count(*) AS n FROM s3.events')).toEqual([{ n: 200_000 }]);
    } finally {
      await stack.close();
    }
  });
});
