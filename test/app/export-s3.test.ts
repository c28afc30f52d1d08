// "Export data…" to an S3 prefix: the export's file through the app's upload port (the share
// domain's SigV4 multipart uploader) to s3rver behind the SigV4-verifying proxy; the object read
// back by native DuckDB.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { s3ExportUpload } from '../../src/app/s3-export';
import type { S3Access } from '../../src/app/s3-access';
import { DecantError } from '../../src/core/errors';
import { exportRows, type ExportRequest } from '../../src/jobs/export-data';
import { nativeRead, parquetAt } from '../support/native-duckdb';
import type { NodeEngine } from '../support/node-engine';
import { startS3Proxy, type ProxyRules, type S3Proxy } from '../support/s3-proxy';
import {
  ACCESS_KEY_ID,
  encodeKey,
  REGION,
  SECRET_ACCESS_KEY,
  startS3Server,
  type S3Server,
} from '../support/s3-server';
import { runWorld, startNodeEngine, type RunWorld } from '../jobs/run/run-support';
import { diskDirectory } from '../jobs/run/disk-handles';
import type { ScratchFile } from '../../src/platform/scratch-files';

const BUCKET = 'exports';
let engine: NodeEngine;
let server: S3Server;
let proxy: S3Proxy;
const rules: ProxyRules = {};
let access: S3Access;

beforeAll(async () => {
  engine = await startNodeEngine();
  server = await startS3Server([{ name: BUCKET }]);
  proxy = await startS3Proxy(
    server.endpoint,
    (id) => (id === ACCESS_KEY_ID ? SECRET_ACCESS_KEY : undefined),
    rules,
  );
  access = {
    accessKeyId: 'ASIATEMPORARYEXPORT',
    secretAccessKey: 'temporary-secret-never-shown',
    sessionToken: 'session-token-never-shown',
    region: REGION,
    bucket: BUCKET,
    prefix: '',
    endpoint: proxy.endpoint,
  };
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});
beforeEach(() => {
  proxy.log.length = 0;
  for (const k of Object.keys(rules)) delete rules[k as keyof ProxyRules];
  rules.region = REGION;
  rules.abortUpload = server.abortUpload;
  rules.credentials = {
    [access.accessKeyId]: {
      secret: access.secretAccessKey,
      token: access.sessionToken,
      expiresAt: Date.now() + 3600_000,
    },
  };
});

/** The stored object, read from s3rver directly (not through the proxy). */
async function stored(key: string): Promise<Buffer | null> {
  const res = await fetch(`${server.endpoint}/${BUCKET}/${encodeKey(key)}`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET ${key}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

async function attached(w: RunWorld) {
  const t = (await w.catalog.getTable('shop', 'sales'))!;
  expect(await w.catalog.attach(t)).toEqual({ kind: 'attached' });
}

const deps = (w: RunWorld) => ({
  engine: w.jobEngine,
  opfsRoot: () => Promise.reject(new Error('no OPFS here')),
  download: () => {
    throw new Error('not a download');
  },
  upload: s3ExportUpload(access, { fetch: (r) => fetch(r), origin: null }),
});

/**
 * deps(w) with scratch files (as the app gives them: the browser's storage) in a folder on disk:
 * the export is encoded into one and uploaded from it. `made` counts the files handed out.
 */
function scratchDeps(w: RunWorld) {
  const path = mkdtempSync(join(tmpdir(), 'decant-s3-scratch-'));
  const dir = diskDirectory(path, 'decant-scratch');
  const made: string[] = [];
  const scratchFile = async (name: string): Promise<ScratchFile> => {
    const temp = `.decant-scratch-test-${made.length}-${name}`;
    made.push(temp);
    const handle = await dir.getFileHandle(temp, { create: true });
    return { dir, handle, name: temp, remove: () => dir.removeEntry(temp).catch(() => undefined) };
  };
  return { deps: { ...deps(w), scratchFile }, made, left: () => readdirSync(path) };
}

const request = (over: Partial<ExportRequest> = {}): ExportRequest => ({
  sql: 'SELECT * FROM shop.sales ORDER BY id',
  name: 'sales',
  what: 'table "shop"."sales"',
  format: { kind: 'parquet', compression: 'zstd' },
  destination: { kind: 's3', bucket: BUCKET, prefix: 'runs/2026/' },
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<DecantError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DecantError);
  expect((e as DecantError).message).not.toMatch(/never-shown/);
  return e as DecantError;
}

describe('export to S3', () => {
  it('uploads a table as Parquet under the prefix, signed; native DuckDB reads every row', async () => {
    const w = await runWorld(engine);
    await attached(w);
    const sent: number[] = [];
    const r = await exportRows(
      request(),
      deps(w),
      (p) => p.phase === 'uploading' && sent.push(p.bytesSent!),
      new AbortController().signal,
    );
    expect(r).toMatchObject({ rows: 5, label: `s3://${BUCKET}/runs/2026/sales.parquet` });
    const bytes = await stored('runs/2026/sales.parquet');
    expect(bytes?.length).toBe(r.bytes);
    expect(sent).toEqual([0, r.bytes]);
    expect(proxy.log.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      `PUT /${BUCKET}/runs/2026/sales.parquet 200`,
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'decant-s3-export-')), 'sales.parquet');
    writeFileSync(file, bytes!);
    const read = await nativeRead(parquetAt(file));
    expect(read.columns.map((c) => c[0])).toEqual(['id', 'sku', 'price', 'year', 'month']);
    expect(read.rows.map((x) => Number(x.id))).toEqual([1, 2, 3, 4, 5]);
  });

  it('sends a large export as a multipart upload; a cancel aborts it, leaving no parts', async () => {
    const w = await runWorld(engine);
    // About 8 MB of CSV: two parts of S3's 5 MiB minimum.
    const sql = 'SELECT range AS id, md5(range::VARCHAR) AS h FROM range(200000)';
    const cancel = new AbortController();
    let pending: string[] = [];
    const e = await rejection(
      exportRows(
        request({ sql, name: 'big', format: { kind: 'csv' } }),
        deps(w),
        (p) => {
          if (p.phase === 'uploading' && p.bytesSent! > 0) {
            pending = server.uploadsInProgress(BUCKET);
            cancel.abort();
          }
        },
        cancel.signal,
      ),
    );
    expect(e.code).toBe('cancelled');
    expect(e.message).toBe('export: cancelled');
    expect(pending).toHaveLength(1); // a part was stored before the cancel
    expect(proxy.log.map((x) => `${x.method} ${x.status}`)).toEqual([
      'POST 200',
      'PUT 200',
      'DELETE 204',
    ]);
    expect(server.uploadsInProgress(BUCKET)).toEqual([]);
    expect(await stored('runs/2026/big.csv')).toBeNull();

    // Not cancelled, the same export arrives whole.
    const r = await exportRows(
      request({ sql, name: 'big', format: { kind: 'csv' } }),
      deps(w),
      () => {},
      new AbortController().signal,
    );
    expect(r.rows).toBe(200_000);
    expect(r.bytes).toBeGreaterThan(5 * 1024 * 1024);
    const text = (await stored('runs/2026/big.csv'))!.toString('utf8').split('\n');
    expect(text[0]).toBe('id,h');
    expect(text).toHaveLength(200_002);
    expect(server.uploadsInProgress(BUCKET)).toEqual([]);
  }, 120_000);

  it('a denied PutObject names the permission the credentials lack', async () => {
    rules.denyWrites = [`${BUCKET}/locked/`];
    const w = await runWorld(engine);
    await attached(w);
    const e = await rejection(
      exportRows(
        request({ destination: { kind: 's3', bucket: BUCKET, prefix: 'locked/' } }),
        deps(w),
        () => {},
        new AbortController().signal,
      ),
    );
    expect(e.message).toBe(
      `export: S3 denied PutObject on ${BUCKET}/locked/sales.parquet (AccessDenied): the credentials need s3:PutObject on arn:aws:s3:::${BUCKET}/locked/sales.parquet`,
    );
    expect(await stored('locked/sales.parquet')).toBeNull();
  });

  it('expired credentials say so, in the share dialog’s words', async () => {
    rules.credentials![access.accessKeyId]!.expiresAt = Date.now() - 1000;
    const w = await runWorld(engine);
    await attached(w);
    const e = await rejection(
      exportRows(request(), deps(w), () => {}, new AbortController().signal),
    );
    expect(e.message).toMatch(/^export: the temporary credentials have expired \(ExpiredToken\)/);
  });

  it('encodes into a scratch file, uploads it part by part, and removes it; a cancel removes it too', async () => {
    const w = await runWorld(engine);
    const sql = 'SELECT range AS id, md5(range::VARCHAR) AS h FROM range(200000)';
    const s = scratchDeps(w);
    const cancel = new AbortController();
    const e = await rejection(
      exportRows(
        request({ sql, name: 'scratched', format: { kind: 'csv' } }),
        s.deps,
        (p) => {
          if (p.phase === 'uploading' && p.bytesSent! > 0) cancel.abort();
        },
        cancel.signal,
      ),
    );
    expect(e.code).toBe('cancelled');
    expect(s.made).toHaveLength(1);
    expect(s.left()).toEqual([]);
    expect(server.uploadsInProgress(BUCKET)).toEqual([]);

    proxy.log.length = 0;
    const r = await exportRows(
      request({ sql, name: 'scratched', format: { kind: 'csv' } }),
      s.deps,
      () => {},
      new AbortController().signal,
    );
    expect(s.made).toHaveLength(2);
    expect(s.left()).toEqual([]);
    // Two parts of 5 MiB and the rest: the whole file, byte for byte as encoded.
    expect(proxy.log.filter((x) => x.method === 'PUT').map((x) => x.status)).toEqual([200, 200]);
    const text = (await stored('runs/2026/scratched.csv'))!;
    expect(text.length).toBe(r.bytes);
    const lines = text.toString('utf8').split('\n');
    expect(lines[0]).toBe('id,h');
    expect(lines).toHaveLength(200_002);
    expect(lines[200_000]).toBe('199999,' + createHash('md5').update('199999').digest('hex'));
  }, 120_000);
});
