import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as pw from 'parquet-wasm/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import type { JobTargetSpec, TextEncodeOptions } from '../../src/engine/protocol';
import { compileJob } from '../../src/jobs/compile';
import type { CompileContext } from '../../src/jobs/context';
import { partFileName, partitionFolder } from '../../src/jobs/output-files';
import { writeFormat } from '../../src/jobs/nodes/target';
import { JobTarget } from '../../workers/engine/job-target';
import { encodeBatches } from '../../workers/parquet/encode-batches';
import { encodeText } from '../../workers/parquet/encode-text';
import { attachSalesFolder, jobOf, node } from '../jobs/job-support';
import { batchPipe } from '../support/batch-pipe';
import { DecantError } from '../../src/core/errors';
import { fixturePath } from '../support/fixtures';
import { nativeRead } from '../support/native-duckdb';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { nodeTables } from './catalog-support';

const SALES = fixturePath('sales');
const out = mkdtempSync(join(tmpdir(), 'h7-job-target-'));
let engine: NodeEngine;
let ctx: CompileContext;
let seq = 0;

beforeAll(async () => {
  engine = await startNodeEngine();
  const tables = nodeTables(engine);
  ctx = { tables: [attachSalesFolder(tables, SALES, 'shop', 'sales')] };
});

function expectDecantError(e: unknown, want: { code?: string; message?: RegExp }): void {
  expect(e).toBeInstanceOf(DecantError);
  if (want.code) expect((e as DecantError).code).toBe(want.code);
  if (want.message) expect((e as DecantError).message).toMatch(want.message);
}

type Encoding = { kind: 'parquet' } | TextEncodeOptions;

/** Runs a target as the worker does: prepare, then each part streamed into an encoder. */
async function runTarget(
  spec: JobTargetSpec,
  encoding: Encoding,
  opts: { cancelAfterBatches?: number } = {},
) {
  const task = new JobTarget(engine.s.db, `t${++seq}`, spec);
  try {
    const plan = await task.prepare({ cancelled: () => false });
    const files: { values: (string | null)[]; bytes: Uint8Array; rows: number }[] = [];
    for (let i = 0; i < plan.parts.length; i++) {
      const pipe = batchPipe();
      let batches = 0;
      const encoding_ =
        encoding.kind === 'parquet'
          ? encodeBatches(pw, pipe.source, { compression: 'zstd', rowGroupSize: 1000 }, () => {})
          : encodeText(
              pipe.source,
              encoding.kind === 'ndjson'
                ? { ...encoding, numericText: plan.numericText }
                : encoding,
              () => {},
            );
      const streaming = task.streamPart(i, pipe.sink, {
        cancelled: () =>
          opts.cancelAfterBatches !== undefined && batches >= opts.cancelAfterBatches,
        bytesRead: () => 0,
        onProgress: () => batches++,
      });
      const [sent, encoded] = await Promise.allSettled([streaming, encoding_]);
      if (sent.status === 'rejected') return { plan, files, error: sent.reason, encoded };
      if (encoded.status === 'rejected') throw encoded.reason;
      expect(encoded.value.rowsWritten).toBe(sent.value.rows);
      files.push({
        values: plan.parts[i]!.values,
        bytes: new Uint8Array(await encoded.value.blob.arrayBuffer()),
        rows: sent.value.rows,
      });
    }
    return { plan, files, error: null, encoded: null };
  } finally {
    task.end();
  }
}

function salesJob() {
  return jobOf(
    [
      node('catalog-source', 'sales', { database: 'shop', table: 'sales' }),
      node('filter', 'cheap', {
        filter: {
          combine: 'AND',
          clauses: [{ column: 'price', op: 'GT', value: { kind: 'constant', value: '${min}' } }],
        },
      }),
      node('aggregate', 'by-sku', {
        groupBy: ['year', 'month', 'sku'],
        aggregations: [
          { column: 'price', fn: 'sum', as: 'revenue' },
          { column: '*', fn: 'count', as: 'sales' },
        ],
      }),
      node('target', 'out', {
        format: { kind: 'parquet' },
        partitionKeys: ['year', 'month'],
        destination: 'opfs',
      }),
    ],
    [
      ['sales', 'cheap'],
      ['cheap', 'by-sku'],
      ['by-sku', 'out'],
    ],
    { parameters: [{ name: 'min', value: '2' }] },
  );
}

describe('job targets on DuckDB-WASM', () => {
  it('writes a partitioned Parquet output that native DuckDB reads back as its own answer', async () => {
    const t = compileJob(salesJob(), ctx).targets[0]!;
    const r = await runTarget(
      { sql: t.sql, partitionKeys: t.write.partitionKeys, encoding: 'parquet' },
      { kind: 'parquet' },
    );
    expect(r.error).toBeNull();
    expect(r.plan.keys).toEqual([
      { name: 'year', type: 'BIGINT' },
      { name: 'month', type: 'BIGINT' },
    ]);
    expect(r.plan.columns.map((c) => c.name)).toEqual(['sku', 'revenue', 'sales']);
    expect(r.files.map((f) => f.values)).toEqual([
      ['2024', '1'],
      ['2024', '2'],
      ['2025', '1'],
    ]);
    const dir = join(out, `parquet-${seq}`);
    const fmt = writeFormat({ kind: 'parquet' });
    r.files.forEach((f, i) => {
      const path = join(
        dir,
        partitionFolder(['year', 'month'], f.values),
        partFileName('r1', i, fmt),
      );
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.bytes);
    });
    const order = 'ORDER BY year, month, sku';
    const got = await nativeRead(
      `(SELECT year::INT AS year, month::INT AS month, sku, revenue, sales FROM read_parquet(${quoteLiteral(`${dir}/**/*.parquet`)}, hive_partitioning = true) ${order})`,
    );
    const want = await nativeRead(
      `(SELECT year::INT AS year, month::INT AS month, sku, sum(price) AS revenue, count(*) AS sales ` +
        `FROM read_csv(${quoteLiteral(`${SALES}/*/*/*.csv`)}, hive_partitioning = true) ` +
        `WHERE price > 2 GROUP BY ALL ${order})`,
    );
    expect(got.rows).toEqual(want.rows);
    expect(got.rows.length).toBe(4);
  });

  it('streams a large result in several batches into one Parquet file with every row', async () => {
    const sql = 'SELECT i, i % 7 AS k, (i * 0.5)::DOUBLE AS half FROM range(200000) t(i)';
    const r = await runTarget({ sql, partitionKeys: [], encoding: 'parquet' }, { kind: 'parquet' });
    expect(r.files).toHaveLength(1);
    expect(r.files[0]!.rows).toBe(200_000);
    const path = join(out, 'big.parquet');
    writeFileSync(path, r.files[0]!.bytes);
    const back = await nativeRead(
      `(SELECT count(*) AS n, sum(i) AS s, sum(half) AS h FROM read_parquet(${quoteLiteral(path)}))`,
    );
    expect(back.rows).toEqual([{ n: '200000', s: '19999900000', h: 9999950000 }]);
  });

  it('writes CSV text as RFC 4180: quotes where needed, "" for an empty string, nothing for NULL', async () => {
    const sql =
      `SELECT * FROM (VALUES (1, 'plain', 1.5::DOUBLE, DATE '2024-01-31', 12.30::DECIMAL(5,2), true), ` +
      `(2, 'a,b "q"', NULL, NULL, NULL, false), (3, E'line\\nbreak', 'nan'::DOUBLE, DATE '2025-12-01', -1.00, NULL), ` +
      `(4, '', -0.25, NULL, 0, true)) t(id, note, x, d, amount, ok)`;
    const r = await runTarget(
      { sql, partitionKeys: [], encoding: 'csv' },
      { kind: 'csv', delimiter: ',', quote: '"', header: true, compression: 'none' },
    );
    expect(new TextDecoder().decode(r.files[0]!.bytes)).toBe(
      'id,note,x,d,amount,ok\n' +
        '1,plain,1.5,2024-01-31,12.30,true\n' +
        '2,"a,b ""q""",,,,false\n' +
        '3,"line\nbreak",nan,2025-12-01,-1.00,\n' +
        '4,"",-0.25,,0.00,true\n',
    );
  });

  it('writes NDJSON: typed values, decimals as numbers, nested values as JSON, gzip when asked', async () => {
    const sql =
      `SELECT * FROM (VALUES (1::BIGINT, 'a"b', 12.30::DECIMAL(5,2), TIMESTAMP '2024-01-31 10:00:00', ` +
      `[1, 2], {'k': 'v', 'n': 3}), (2, NULL, NULL, NULL, NULL, NULL)) t(id, s, amount, ts, xs, st)`;
    const r = await runTarget(
      { sql, partitionKeys: [], encoding: 'ndjson' },
      { kind: 'ndjson', compression: 'gzip', numericText: [] },
    );
    const text = gunzipSync(r.files[0]!.bytes).toString('utf8');
    expect(text).toBe(
      '{"id":1,"s":"a\\"b","amount":12.30,"ts":"2024-01-31 10:00:00","xs":[1,2],"st":{"k":"v","n":3}}\n' +
        '{"id":2,"s":null,"amount":null,"ts":null,"xs":null,"st":null}\n',
    );
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(2);
  });

  it('a partitioned text output leaves the keys out of the files and keeps NULL as its own part', async () => {
    const sql = `SELECT * FROM (VALUES ('eu', 1), ('us', 2), (NULL, 3), ('eu', 4)) t(region, n)`;
    const r = await runTarget(
      { sql, partitionKeys: ['region'], encoding: 'csv' },
      { kind: 'csv', delimiter: ';', quote: '"', header: false, compression: 'none' },
    );
    expect(r.files.map((f) => [f.values, new TextDecoder().decode(f.bytes)])).toEqual([
      [['eu'], '1\n4\n'],
      [['us'], '2\n'],
      [[null], '3\n'],
    ]);
    expect(partitionFolder(['region'], [null])).toBe('region=__HIVE_DEFAULT_PARTITION__');
    // Keys of other types: each part holds exactly its rows.
    const typed = await runTarget(
      {
        sql:
          `SELECT * FROM (VALUES (DATE '2024-01-31', 0.1::DOUBLE + 0.2::DOUBLE, 'a'), (DATE '2024-01-31', 0.3, 'b'), ` +
          `(DATE '2025-02-01', 0.1::DOUBLE + 0.2::DOUBLE, 'c'), (NULL, 1e300, 'd')) t(day, x, v)`,
        partitionKeys: ['day', 'x'],
        encoding: 'csv',
      },
      { kind: 'csv', delimiter: ',', quote: '"', header: false, compression: 'none' },
    );
    expect(typed.plan.keys.map((k) => k.type)).toEqual(['DATE', 'DOUBLE']);
    expect(typed.files.map((f) => [f.values, new TextDecoder().decode(f.bytes)])).toEqual([
      [['2024-01-31', '0.3'], 'b\n'],
      [['2024-01-31', '0.30000000000000004'], 'a\n'],
      [['2025-02-01', '0.30000000000000004'], 'c\n'],
      [[null, '1e+300'], 'd\n'],
    ]);
    expect(partitionFolder(['a/b'], ['x=y/z'])).toBe('a%2Fb=x%3Dy%2Fz');
  });

  it('an empty result: CSV is its header, NDJSON nothing, partitioned output no part', async () => {
    const sql = 'SELECT 1 AS a, 2 AS b WHERE false';
    const csv = await runTarget(
      { sql, partitionKeys: [], encoding: 'csv' },
      { kind: 'csv', delimiter: ',', quote: '"', header: true, compression: 'none' },
    );
    expect(csv.files.map((f) => [f.rows, new TextDecoder().decode(f.bytes)])).toEqual([
      [0, 'a,b\n'],
    ]);
    const nd = await runTarget(
      { sql, partitionKeys: [], encoding: 'ndjson' },
      { kind: 'ndjson', compression: 'none', numericText: [] },
    );
    expect(nd.files.map((f) => f.bytes.length)).toEqual([0]);
    const parts = await runTarget(
      { sql, partitionKeys: ['a'], encoding: 'parquet' },
      { kind: 'parquet' },
    );
    expect(parts.plan.parts).toEqual([]);
    expect(parts.files).toEqual([]);
  });

  it('cancel stops the stream, and the encoder yields no file', async () => {
    const sql = 'SELECT i, md5(i::VARCHAR) AS h FROM range(2000000) t(i)';
    const r = await runTarget(
      { sql, partitionKeys: [], encoding: 'parquet' },
      { kind: 'parquet' },
      { cancelAfterBatches: 1 },
    );
    expect(r.files).toEqual([]);
    expectDecantError(r.error, { code: 'cancelled' });
    expect(r.encoded?.status).toBe('rejected');
  });

  it('cancel stops a partitioned target while it is still being computed', async () => {
    const sql = 'SELECT i % 50 AS k, md5(i::VARCHAR) AS h FROM range(20000000) t(i)';
    const task = new JobTarget(engine.s.db, `t${++seq}`, {
      sql,
      partitionKeys: ['k'],
      encoding: 'parquet',
    });
    let polls = 0;
    const started = performance.now();
    try {
      const e = await task.prepare({ cancelled: () => ++polls > 2 }).then(
        () => null,
        (x: unknown) => x,
      );
      expectDecantError(e, { code: 'cancelled' });
      // Stopped after a few polls, long before 20 million hashes were sorted.
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      task.end();
    }
    // The connection is gone with its temp table; the engine still answers.
    expect(engine.s.rows('SELECT 42 AS n')).toEqual([{ n: 42 }]);
  });

  it("a query's error is a job: error carrying the SQL", async () => {
    const sql = `SELECT CAST('x' AS INTEGER) AS n`;
    const r = await runTarget({ sql, partitionKeys: [], encoding: 'parquet' }, { kind: 'parquet' });
    expectDecantError(r.error, { message: /^job: Conversion Error/ });
    expect((r.error as { sql?: string }).sql).toBe(
      'SELECT "n" FROM (SELECT CAST(\'x\' AS INTEGER) AS n)',
    );
  });
});
