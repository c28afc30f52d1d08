import { readFileSync, readdirSync, statSync, mkdtempSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError } from '../../src/core/remote';
import { quoteLiteral } from '../../src/core/sql/quote';
import { AttachedTables } from '../../workers/engine/attached-tables';
import { inspectCsv } from '../../workers/engine/inspect-csv';
import { inspectJson, MAX_JSON_BYTES } from '../../workers/engine/inspect-json';
import { inspectParquet } from '../../workers/engine/inspect-parquet';
import { activeRuntime, RemoteReads } from '../../workers/engine/runtime-hooks';
import { RemoteFile, remoteIo } from '../../workers/engine/remote-files';
import { SqlConsole } from '../../workers/engine/sql-console';
import { validateCsv } from '../../workers/engine/validate-csv';
import { expected, fixturePath } from '../support/fixtures';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { startS3Stack, type S3Stack } from '../support/s3-stack';
import { presign, putObject } from '../support/s3-server';
import { nodeSyncGet } from '../support/sync-http';
import { CSV, rowsOf } from './catalog-support';

let stack: S3Stack;
let engine: NodeEngine;
let remote: RemoteReads;
const sizes = new Map<string, number>();
const dir = mkdtempSync(join(tmpdir(), 'decant-remote-'));
let parquetRows = 0;

async function put(key: string, body: Uint8Array | string) {
  await putObject(stack.server, 'lake', key, body);
  sizes.set(key, typeof body === 'string' ? Buffer.byteLength(body) : body.length);
}

/** A RemoteFile for `key` through the S3-strict proxy, presigned for GET. */
async function remoteFile(key: string, opts: Parameters<typeof presign>[3] = {}) {
  const url = await presign(stack.proxy, 'lake', key, opts);
  return new RemoteFile(url, sizes.get(key) ?? 0, key);
}

beforeAll(async () => {
  stack = await startS3Stack([{ name: 'lake' }]);
  engine = await startNodeEngine();
  remote = new RemoteReads(activeRuntime(), nodeSyncGet);
  const root = fixturePath('sales');
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) =>
      statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)],
    );
  for (const f of walk(root).sort()) await put(`sales/${relative(root, f)}`, readFileSync(f));
  await put(
    'misc/sales.csv.gz',
    gzipSync(readFileSync(join(root, 'year=2024/month=01/part-0.csv'))),
  );
  await put('misc/orders.ndjson', readFileSync(fixturePath('orders.ndjson')));
  // A Parquet object of a few MB, written by native DuckDB.
  const native = await (await DuckDBInstance.create(':memory:')).connect();
  const pq = join(dir, 'big.parquet');
  await native.run(
    `COPY (SELECT i AS id, md5(i::VARCHAR) AS h, (i * 0.5)::DOUBLE AS half FROM range(200000) t(i)) ` +
      `TO ${quoteLiteral(pq)} (FORMAT parquet, ROW_GROUP_SIZE 50000)`,
  );
  native.closeSync();
  parquetRows = 200000;
  await put('misc/big.parquet', readFileSync(pq));
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

describe('DuckDB reads presigned S3 objects by range GETs, never a HEAD', () => {
  it('inspects and validates a CSV object as it does a dropped file', async () => {
    await stack.reset();
    const key = 'sales/year=2024/month=01/part-0.csv';
    const f = await remoteFile(key);
    remote.register(engine.s.db, 'r-sales.csv', f);
    const head = await remoteIo(f, false).head();
    const found = inspectCsv(engine.s, {
      fileId: 'r1',
      path: 'r-sales.csv',
      name: key,
      size: f.size,
      head: head.bytes,
      headSpan: head.span,
      headIsWhole: head.whole,
      gzip: false,
    });
    expect(found.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'sku', type: 'VARCHAR' },
      { name: 'price', type: 'DOUBLE' },
    ]);
    expect(found.rowCount).toBe(2);
    expect(
      validateCsv(
        engine.s,
        { path: 'r-sales.csv', name: key },
        {
          dialect: found.dialect,
          columns: found.columns,
          badRows: 'error',
        },
      ),
    ).toBe(2);
    const log = await stack.log();
    expect(log.length).toBeGreaterThan(1);
    expect(log.filter((e) => e.method !== 'GET')).toEqual([]);
    expect(log.filter((e) => !e.range || e.status !== 206)).toEqual([]);
    expect(remote.stats.requests).toBeGreaterThan(0);
    remote.drop(engine.s.db, 'r-sales.csv');
  });

  it('lets SQL read the URL of a registered source by ranges, and no other URL', async () => {
    await stack.reset();
    const key = 'sales/year=2024/month=01/part-0.csv';
    const f = await remoteFile(key);
    remote.register(engine.s.db, 'r-source.csv', f);
    const count = (url: string) =>
      Number(engine.s.rows(`SELECT count(*) AS n FROM read_csv(${quoteLiteral(url)})`)[0]?.n);
    expect(count(f.url)).toBe(2);
    const log = await stack.log();
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter((e) => e.method !== 'GET' || e.status !== 206)).toEqual([]);
    // Another object of the same bucket, never added: refused before any request.
    await stack.reset();
    const other = await remoteFile('sales/year=2024/month=02/part-0.csv');
    expect(() => count(other.url)).toThrow(
      /query: reading "http:\/\/127\.0\.0\.1:\d+\/lake\/sales\/year=2024\/month=02\/part-0\.csv" is not allowed: add it as a source first/,
    );
    expect(await stack.log()).toEqual([]);
    // Once the source is gone, so is its URL.
    remote.drop(engine.s.db, 'r-source.csv');
    expect(() => count(f.url)).toThrow(/is not allowed: add it as a source first/);
  });

  it('reads a Parquet footer by ranges: schema and row count, a few kB of a few MB', async () => {
    await stack.reset();
    const f = await remoteFile('misc/big.parquet');
    expect(f.size).toBeGreaterThan(2_000_000);
    const buffer = remoteIo(f, false).buffer();
    const schema = await inspectParquet(buffer, f.name, engine.s);
    expect(schema.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'h', type: 'VARCHAR' },
      { name: 'half', type: 'DOUBLE' },
    ]);
    expect(schema.rowCount).toBe(parquetRows);
    const log = await stack.log();
    const bytes = log.reduce((n, e) => n + e.bytes, 0);
    expect(bytes).toBe(buffer.bytesRead);
    expect(bytes).toBeLessThan(70 * 1024);
    expect(log.every((e) => e.method === 'GET' && e.range && e.status === 206)).toBe(true);
  });

  it('inflates a gzip CSV piece by piece and lets DuckDB read it compressed', async () => {
    const f = await remoteFile('misc/sales.csv.gz');
    remote.register(engine.s.db, 'r-gz.csv.gz', f);
    const head = await remoteIo(f, true).head();
    expect(head.whole).toBe(true);
    expect(new TextDecoder().decode(head.bytes)).toBe('id,sku,price\n1,a,1.5\n2,b,2.5\n');
    const found = inspectCsv(engine.s, {
      fileId: 'r2',
      path: 'r-gz.csv.gz',
      name: f.name,
      size: f.size,
      head: head.bytes,
      headSpan: head.span,
      headIsWhole: head.whole,
      gzip: true,
    });
    expect(found.dialect.compression).toBe('gzip');
    expect(found.rowCount).toBe(2);
    remote.drop(engine.s.db, 'r-gz.csv.gz');
  });

  it('reads a JSON object whole for the JSON classifier', async () => {
    const f = await remoteFile('misc/orders.ndjson');
    const bytes = await remoteIo(f, false).whole(MAX_JSON_BYTES);
    expect(bytes).not.toBeNull();
    const schema = inspectJson(engine.s, { name: f.name, bytes: bytes! });
    const want = expected('orders.ndjson');
    expect(schema.rowCount).toBe(want.rowCount);
    expect(schema.columns).toEqual(want.columns);
    expect(await remoteIo(f, false).whole(10)).toBeNull();
  });
});

describe('catalog tables over presigned URLs', () => {
  let tables: AttachedTables<RemoteFile>;
  let sql: SqlConsole;
  beforeAll(() => {
    tables = new AttachedTables<RemoteFile>(engine.s, {
      register: (name, f) => remote.register(engine.s.db, name, f),
      drop: (name) => remote.drop(engine.s.db, name),
    });
    sql = new SqlConsole(engine.s, tables.relabel);
  });
  const query = (text: string) => {
    const r = sql.runSql(text);
    return r.resultId ? rowsOf(sql.page(r.resultId, 0, r.rowCount)) : [];
  };
  const keys = [
    'sales/year=2024/month=01/part-0.csv',
    'sales/year=2024/month=02/part-0.csv',
    'sales/year=2025/month=01/part-0.csv',
  ];
  const table = async (opts: Parameters<typeof presign>[3] = {}) => ({
    database: 'lake',
    name: 'sales',
    classification: 'csv' as const,
    dialect: CSV,
    columns: [
      { name: 'id', type: 'BIGINT' },
      { name: 'sku', type: 'VARCHAR' },
      { name: 'price', type: 'DOUBLE' },
    ],
    partitionKeys: [
      { name: 'year', type: 'BIGINT' },
      { name: 'month', type: 'VARCHAR' },
    ],
    files: await Promise.all(
      keys.map(async (k) => ({
        path: k.slice('sales/'.length),
        file: await remoteFile(k, opts),
        partitionValues: k
          .split('/')
          .slice(1, 3)
          .map((p) => p.split('=')[1]!),
      })),
    ),
  });

  it('queries lake.sales with its partitions, reading only by ranges', async () => {
    await stack.reset();
    tables.attach(await table());
    expect(
      query(
        'SELECT year, month, count(*) AS n, sum(price) AS p FROM lake.sales GROUP BY ALL ORDER BY ALL',
      ),
    ).toEqual([
      { year: 2024, month: '01', n: 2, p: 4 },
      { year: 2024, month: '02', n: 1, p: 3.5 },
      { year: 2025, month: '01', n: 2, p: 10 },
    ]);
    const log = await stack.log();
    expect(log.filter((e) => e.method !== 'GET' || e.status !== 206)).toEqual([]);
  });

  it('says at query time that a presigned URL expired, without a request and without the signature', async () => {
    tables.attach(await table({ signedAt: new Date(Date.now() - 2 * 3600_000), expiresIn: 60 }));
    await stack.reset();
    let message = '';
    try {
      query('SELECT count(*) FROM lake.sales');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /remote: http:\/\/127\.0\.0\.1:\d+\/lake\/sales\/year=2024\/month=01\/part-0\.csv: the presigned URL expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+ min ago; it was signed at .* to last 60 s\)/,
    );
    expect(message).not.toMatch(/X-Amz|Signature=/);
    expect(await stack.log()).toEqual([]);
    tables.detach('lake', 'sales');
  });
});

describe('failures are precise', () => {
  it('a missing key: 404 NoSuchKey, from a head read and from DuckDB', async () => {
    const f = new RemoteFile(
      await presign(stack.proxy, 'lake', 'sales/nope.csv'),
      100,
      'sales/nope.csv',
    );
    const err = await remoteIo(f, false)
      .head()
      .catch((e) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.reason).toBe('not-found');
    expect(err.message).toMatch(/\/lake\/sales\/nope\.csv: no such object \(404 NoSuchKey/);
    remote.register(engine.s.db, 'r-nope.csv', f);
    expect(() => engine.s.rows("SELECT * FROM read_csv('r-nope.csv')")).toThrow(
      /remote: http:\/\/127\.0\.0\.1:\d+\/lake\/sales\/nope\.csv: no such object \(404 NoSuchKey/,
    );
    remote.drop(engine.s.db, 'r-nope.csv');
  });

  it('an expired URL S3 refuses (its own clock): 403 Request has expired', async () => {
    // Signed 10 minutes ago for 300 s, but stated as if it had no expiry we could read first.
    const url = new URL(
      await presign(stack.proxy, 'lake', 'misc/orders.ndjson', {
        signedAt: new Date(Date.now() - 600_000),
        expiresIn: 300,
      }),
    );
    const f = new RemoteFile(url.href, 10, 'misc/orders.ndjson');
    // Hide the expiry from the local check, so the answer is S3's.
    (f as { signature: unknown }).signature = null;
    const err = await remoteIo(f, false)
      .head()
      .catch((e) => e);
    expect(err.reason).toBe('expired');
    expect(err.message).toMatch(/the presigned URL expired at .* UTC/);
  });

  it('a URL changed after signing: 403 SignatureDoesNotMatch', async () => {
    const url = new URL(await presign(stack.proxy, 'lake', 'misc/orders.ndjson'));
    url.searchParams.set('response-content-type', 'text/plain');
    const f = new RemoteFile(url.href, 10, 'misc/orders.ndjson');
    const err = await remoteIo(f, false)
      .head()
      .catch((e) => e);
    expect(err.reason).toBe('signature');
  });

  it('the trap is real: the proxy refuses HEAD on a URL presigned for GET, as S3 does', async () => {
    const url = await presign(stack.proxy, 'lake', 'misc/orders.ndjson');
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(403);
    expect((await fetch(url, { headers: { Range: 'bytes=0-0' } })).status).toBe(206);
  });
});
