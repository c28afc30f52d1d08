import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { quoteLiteral } from '../../src/core/sql/quote';
import type { EngineClient } from '../../src/engine/client';
import type { BatchMessage } from '../../src/engine/protocol';
import type { EngineHost } from '../../workers/engine/engine-host';
import { FileTables } from '../../workers/engine/file-tables';
import { SqlSession } from '../../workers/engine/sql-session';
import { startNodeEngine } from '../support/node-engine';
import {
  createNodeEngineClient,
  createNodeEngineHost,
  DiskFile,
  fixtureFile,
  nodeEngine,
} from '../support/engine-host';
import { csvAt, nativeRead, parquetAt } from '../support/native-duckdb';

let host: EngineHost;
let client: EngineClient;
const dir = mkdtempSync(join(tmpdir(), 'decant-convert-files-'));
let ids = 0;

beforeAll(() => {
  host = createNodeEngineHost();
  client = createNodeEngineClient(host);
});
afterAll(() => client.terminate());

async function nativeWrite(path: string, select: string, options: string): Promise<string> {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const full = join(dir, path);
  await c.run(`COPY (${select}) TO ${quoteLiteral(full)} (${options})`);
  c.closeSync();
  return full;
}

async function added(file: File): Promise<string> {
  const id = `cf${++ids}`;
  // On the host itself: a DiskFile does not survive comlink's structured clone.
  await host.addFile(id, file);
  return id;
}

async function failure(p: Promise<unknown>): Promise<DecantError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DecantError);
  return e as DecantError;
}

async function saved(blob: Blob, name: string): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array(await blob.arrayBuffer()));
  return path;
}

describe('Quick convert of JSON and Parquet files', () => {
  it('NDJSON → Parquet: every record, the classifier’s types, checked by native DuckDB', async () => {
    const id = await added(fixtureFile('orders.ndjson'));
    const found = await client.loadFileTable(id, 'json');
    const expected = await nativeRead(
      `read_json(${quoteLiteral(fixtureFile('orders.ndjson').diskPath)})`,
    );
    expect(found.rowCount).toBe(expected.rows.length);
    expect(found.preview.byteLength).toBeGreaterThan(0);
    const out = await client.convertFileTable(
      id,
      { kind: 'parquet', compression: 'zstd' },
      () => undefined,
    );
    expect(out.rowsWritten).toBe(found.rowCount);
    const got = await nativeRead(parquetAt(await saved(out.blob, 'orders.parquet')));
    expect(got.columns.map((c) => c[0])).toEqual(found.columns.map((c) => c.name));
    expect(got.rows.length).toBe(found.rowCount);
  });

  it('a JSON array → Parquet, and its syntax errors name the file, line and column', async () => {
    const path = join(dir, 'people.json');
    writeFileSync(path, '[\n  {"id": 1, "name": "Ada"},\n  {"id": 2, "name": "Grace"}\n]\n');
    const id = await added(new DiskFile(path));
    const found = await client.loadFileTable(id, 'json');
    expect(found.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
    ]);
    const out = await client.convertFileTable(
      id,
      { kind: 'parquet', compression: 'snappy' },
      () => {},
    );
    const got = await nativeRead(parquetAt(await saved(out.blob, 'people.parquet')));
    expect(got.rows).toEqual([
      { id: '1', name: 'Ada' },
      { id: '2', name: 'Grace' },
    ]);

    const badPath = join(dir, 'bad.json');
    writeFileSync(badPath, '[\n  {"id": 1},\n  {"id": 2,, }\n]\n');
    const e = await failure(client.loadFileTable(await added(new DiskFile(badPath)), 'json'));
    expect(e.message).toMatch(/^json: "bad\.json": line 3, column \d+: /);
    expect(e.line).toBe(3);
  });

  it('Parquet → CSV and → Parquet with another codec, read back by native DuckDB', async () => {
    const path = await nativeWrite(
      'many.parquet',
      "SELECT r AS id, 'x' || r AS s, DATE '2024-01-01' + (r % 30)::INTEGER AS d FROM range(10000) t(r)",
      'FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 3000',
    );
    const id = await added(new DiskFile(path));
    const found = await client.loadFileTable(id, 'parquet');
    expect(found.rowCount).toBe(10_000);
    const progress: number[] = [];
    const csv = await client.convertFileTable(
      id,
      { kind: 'csv', delimiter: ',', quote: '"', header: true, compression: 'none' },
      (p) => progress.push(p.rowsRead),
    );
    expect(progress.at(-1)).toBe(10_000);
    const asCsv = await nativeRead(csvAt(await saved(csv.blob, 'many.csv')));
    expect(asCsv.rows.length).toBe(10_000);
    expect(asCsv.rows[42]).toEqual({ id: '42', s: 'x42', d: '2024-01-13' });
    const gz = await client.convertFileTable(
      id,
      { kind: 'parquet', compression: 'gzip' },
      () => {},
    );
    const asParquet = await nativeRead(parquetAt(await saved(gz.blob, 'many-gzip.parquet')));
    expect(asParquet.rows.length).toBe(10_000);
    expect(asParquet.columns).toEqual([
      ['id', 'BIGINT'],
      ['s', 'VARCHAR'],
      ['d', 'DATE'],
    ]);
  });

  it('a corrupt Parquet row group is named with the file', async () => {
    const path = await nativeWrite(
      'sound.parquet',
      "SELECT r AS id, repeat('x', 50) || r AS s FROM range(100000) t(r)",
      'FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 50000',
    );
    const bytes = new Uint8Array(readFileSync(path));
    const at = Math.floor(bytes.length * 0.6);
    for (let i = at; i < at + 20_000; i++) bytes[i] = (i * 7) & 255;
    const bad = join(dir, 'corrupt.parquet');
    writeFileSync(bad, bytes);
    const e = await failure(client.loadFileTable(await added(new DiskFile(bad)), 'parquet'));
    expect(e.message).toMatch(/^parquet: "corrupt\.parquet": row group 2 of 2: /);
  });

  it('cancel stops the stream: the encoder is told, no end is sent', async () => {
    const path = await nativeWrite(
      'big.parquet',
      'SELECT r AS id FROM range(300000) t(r)',
      'FORMAT parquet, ROW_GROUP_SIZE 100000',
    );
    const engine = await startNodeEngine();
    const tables = new FileTables(new SqlSession(engine.s.db), nodeEngine);
    await tables.load('big', new File([readFileSync(path)], 'big.parquet'), false, 'parquet');
    const sent: BatchMessage['t'][] = [];
    const sink = { send: (m: BatchMessage) => void sent.push(m.t), room: async () => {} };
    const own = new SqlSession(engine.s.db);
    const e = await failure(
      tables.scan(own, 'big', 'big.parquet', 1, sink, {
        cancelled: () => sent.includes('batch'),
        onProgress: () => {},
      }),
    );
    expect(e.message).toBe('parquet: "big.parquet": cancelled');
    expect(e.code).toBe('cancelled');
    expect(sent).toEqual(['schema', 'batch', 'abort']);
    tables.drop('big');
    const again = await failure(
      tables.scan(own, 'big', 'big.parquet', 1, sink, { cancelled: () => false, onProgress() {} }),
    );
    expect(again.message).toMatch(/not read yet/);
  });
});
