import { openAsBlob } from 'node:fs';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { quoteLiteral } from '../../src/core/sql/quote';
import { asyncBufferFromBlob, inspectParquet } from '../../workers/engine/inspect-parquet';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';

let engine: NodeEngine;
let native: DuckDBConnection;
const dir = mkdtempSync(join(tmpdir(), 'decant-parquet-'));

beforeAll(async () => {
  engine = await startNodeEngine();
  native = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => native.closeSync());

/** Writes `SELECT …` to a Parquet file with native DuckDB; returns its path. */
async function writeParquet(name: string, select: string): Promise<string> {
  const path = join(dir, name);
  await native.run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet)`);
  return path;
}

async function nativeDescribe(path: string) {
  const r = await native.runAndReadAll(
    `DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(path)})`,
  );
  return r
    .getRowObjectsJson()
    .map((c) => ({ name: String(c.column_name), type: String(c.column_type) }));
}

async function inspect(path: string) {
  const buffer = asyncBufferFromBlob(await openAsBlob(path));
  const schema = await inspectParquet(buffer, path.split('/').pop()!, engine.s);
  return { schema, bytesRead: buffer.bytesRead };
}

/** One column per type the brief names, each as native DuckDB writes it. */
const TYPES = `SELECT
  1::TINYINT AS i8, 2::SMALLINT AS i16, 3::INTEGER AS i32, 4::BIGINT AS i64,
  5::UTINYINT AS u8, 6::USMALLINT AS u16, 7::UINTEGER AS u32, 8::UBIGINT AS u64,
  1.5::DECIMAL(4,1) AS dec_int32, 1.5::DECIMAL(18,3) AS dec_int64, 1.5::DECIMAL(38,10) AS dec_flba,
  DATE '2024-01-02' AS d, TIME '10:11:12' AS t, TIMETZ '10:11:12+02' AS ttz,
  TIMESTAMP '2024-01-02 03:04:05' AS ts, TIMESTAMP_MS '2024-01-02' AS ts_ms,
  TIMESTAMP_NS '2024-01-02' AS ts_ns, TIMESTAMP_S '2024-01-02' AS ts_s,
  TIMESTAMPTZ '2024-01-02 00:00:00+00' AS ts_tz,
  'x' AS s, 'a'::ENUM('a', 'b') AS en, true AS b, 1.5::FLOAT AS f, 2.5::DOUBLE AS db,
  'x'::BLOB AS bl, uuid() AS u, INTERVAL 1 DAY AS iv,
  {'id': 1, 'Name': 'n', 'key': 'k', 'a b': [1], 'say "hi"': {'x': 1.5::FLOAT}} AS st,
  [1, 2] AS li, [[1], [2, 3]] AS lli, [{'sku': 'A', 'qty': 2}] AS lst, ['x', NULL]::VARCHAR[] AS ls,
  MAP {'k': 1} AS mp, MAP {1: [1.5]} AS mp_list, [MAP {'a': {'b': 1}}] AS l_mp`;

describe('inspectParquet against native DuckDB', () => {
  it('derives every type as native DuckDB DESCRIBEs the same file', async () => {
    const path = await writeParquet('types.parquet', TYPES);
    const { schema } = await inspect(path);
    expect(schema.classification).toBe('parquet');
    expect(schema.rowCount).toBe(1);
    expect(schema.columns).toEqual(await nativeDescribe(path));
    expect(schema.notes[0]).toBe('1 row group');
    expect(schema.notes[1]).toMatch(/^written by DuckDB/);
  });

  it('reads JSON as VARCHAR (DuckDB-WASM has no JSON type offline) and says so', async () => {
    const path = await writeParquet('json.parquet', `SELECT '{"a":1}'::JSON AS j, 1 AS n`);
    const { schema } = await inspect(path);
    expect(await nativeDescribe(path)).toEqual([
      { name: 'j', type: 'JSON' },
      { name: 'n', type: 'INTEGER' },
    ]);
    expect(schema.columns).toEqual([
      { name: 'j', type: 'VARCHAR' },
      { name: 'n', type: 'INTEGER' },
    ]);
    expect(schema.notes).toContain(
      '"j": JSON text: read as VARCHAR (DuckDB-WASM has no JSON type offline)',
    );
  });

  it('reads only the footer: a small fraction of a large file, and the exact row count', async () => {
    const path = await writeParquet(
      'big.parquet',
      `SELECT i, i * 2.5 AS x, 'row ' || i AS label, {'a': i, 'b': [i]} AS s
       FROM range(3000000) t(i)`,
    );
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(20 * 2 ** 20);
    const { schema, bytesRead } = await inspect(path);
    expect(schema.rowCount).toBe(3_000_000);
    expect(schema.columns).toEqual(await nativeDescribe(path));
    expect(schema.notes[0]).toMatch(/^\d+ row groups$/);
    // The head's 4 bytes and one 64 KiB read from the end.
    expect(bytesRead).toBeLessThanOrEqual(4 + 64 * 1024);
    expect(bytesRead / size).toBeLessThan(0.005);
  });

  it('renames columns that differ only in case the way DuckDB does', async () => {
    // hyparquet-writer writes what native DuckDB would not: "a", "A", "a_1".
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'a', data: [1] },
        { name: 'A', data: [2] },
        { name: 'a_1', data: [3] },
      ],
    });
    const path = join(dir, 'case.parquet');
    writeFileSync(path, new Uint8Array(buf));
    const { schema } = await inspect(path);
    expect(schema.columns.map((c) => c.name)).toEqual(['a', 'A_1', 'a_1_1']);
    expect(schema.columns).toEqual(await nativeDescribe(path));
  });

  it('reads logical-only annotations by the spec, where native DuckDB falls back', async () => {
    // Native DuckDB 1.5 reads logical types STRING, DATE and DECIMAL only when the deprecated
    // converted type is also set: alone, it gives BLOB and INTEGER. Decant follows the spec.
    const el = (name: string, type: 'INT32' | 'INT64' | 'BYTE_ARRAY', logical: object) => ({
      name,
      type,
      repetition_type: 'OPTIONAL' as const,
      logical_type: logical,
    });
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 's', data: ['x'] },
        { name: 'd', data: [1] },
        { name: 'dec', data: [150] },
        { name: 'ts', data: [1n] },
        { name: 't', data: [1n] },
      ],
      schema: [
        { name: 'root', num_children: 5 },
        el('s', 'BYTE_ARRAY', { type: 'STRING' }),
        el('d', 'INT32', { type: 'DATE' }),
        el('dec', 'INT32', { type: 'DECIMAL', precision: 5, scale: 2 }),
        el('ts', 'INT64', { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' }),
        el('t', 'INT64', { type: 'TIME', isAdjustedToUTC: false, unit: 'NANOS' }),
      ] as never,
    });
    const path = join(dir, 'logical.parquet');
    writeFileSync(path, new Uint8Array(buf));
    const { schema } = await inspect(path);
    expect(schema.columns.map((c) => c.type)).toEqual([
      'VARCHAR',
      'DATE',
      'DECIMAL(5,2)',
      'TIMESTAMP_NS',
      'TIME_NS',
    ]);
    expect((await nativeDescribe(path)).map((c) => c.type)).toEqual([
      'BLOB',
      'INTEGER',
      'INTEGER',
      'TIMESTAMP_NS',
      'TIME_NS',
    ]);
  });
});

describe('inspectParquet refuses what is not Parquet', () => {
  async function failure(name: string, bytes: Uint8Array): Promise<DecantError> {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    try {
      await inspect(path);
    } catch (e) {
      expect(e).toBeInstanceOf(DecantError);
      return e as DecantError;
    }
    throw new Error(`${name} was accepted`);
  }

  it('wrong magic: says what the file starts with', async () => {
    const csv = new TextEncoder().encode('id,name\n1,a\n2,b\n');
    expect((await failure('x.parquet', csv)).message).toBe(
      'parquet: "x.parquet" is not a Parquet file (it starts with "id,n", not "PAR1")',
    );
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array(20).fill(0)]);
    expect((await failure('z.parquet', zip)).message).toBe(
      'parquet: "z.parquet" is not a Parquet file (it starts with bytes 50 4B 03 04, not "PAR1")',
    );
    expect((await failure('tiny.parquet', new Uint8Array(5))).message).toBe(
      'parquet: "tiny.parquet" is not a Parquet file (it has 5 bytes; the smallest Parquet file has 12)',
    );
  });

  it('a file cut short, and a footer that is not one', async () => {
    const path = await writeParquet('whole.parquet', 'SELECT 1 AS a');
    const bytes = new Uint8Array(await (await openAsBlob(path)).arrayBuffer());
    const cut = await failure('cut.parquet', bytes.subarray(0, bytes.length - 10));
    expect(cut.message).toMatch(
      /^parquet: "cut.parquet" is not a Parquet file \(it ends with .*cut short\?\)$/,
    );
    const garbled = bytes.slice();
    // The footer's length, just before the closing magic, says more than the file holds.
    new DataView(garbled.buffer).setUint32(garbled.length - 8, 0x7fffffff, true);
    expect((await failure('garbled.parquet', garbled)).message).toMatch(
      /^parquet: "garbled.parquet": the footer cannot be read \(parquet metadata length 2147483647 exceeds/,
    );
  });
});
