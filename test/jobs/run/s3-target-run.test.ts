import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3JobOutput } from '../../../src/app/s3-job-output';
import type { S3Access } from '../../../src/app/s3-access';
import type { Job } from '../../../src/jobs/model';
import { JobRunner } from '../../../src/jobs/run/job-runner';
import type { JobRun } from '../../../src/jobs/run-model';
import { isFinal } from '../../../src/jobs/run-model';
import { JobStore } from '../../../src/jobs/store';
import { quoteLiteral } from '../../../src/core/sql/quote';
import { nativeRead } from '../../support/native-duckdb';
import { startS3Stack, type S3Stack } from '../../support/s3-stack';
import type { NodeEngine } from '../../support/node-engine';
import { jobOf, node } from '../job-support';
import { filesUnder } from './disk-handles';
import { runWorld, startNodeEngine, type RunWorld } from './run-support';

/**
 * Jobs whose target is Amazon S3, run in Node (DuckDB-WASM, fake-indexeddb, the disk as OPFS)
 * against s3rver behind the SigV4-verifying proxy, through the app's real uploader port: files
 * under the prefix with their partition folders, the catalog table's sources kind 's3', the
 * scratch copies gone; a run without credentials fails before any engine work; a denied
 * PutObject names the permission and the ARN; a cancel leaves no multipart upload.
 */

const BUCKET = 'lake';
const REGION = 'us-east-1';
const TEMP = {
  accessKeyId: 'ASIAUNITS3TARGET01',
  secretAccessKey: 'unit-s3-target-secret',
  sessionToken: 'unit-s3-target-token',
};

let engine: NodeEngine;
let stack: S3Stack;
beforeAll(async () => {
  engine = await startNodeEngine();
  stack = await startS3Stack([{ name: BUCKET }]);
  await stack.setRules({
    region: REGION,
    credentials: {
      [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
    },
    denyWrites: [`${BUCKET}/locked/`],
  });
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

const access = (): S3Access => ({
  ...TEMP,
  region: REGION,
  bucket: BUCKET,
  prefix: '',
  endpoint: stack.proxy,
});

/** sales → S3 target `s3://lake/<prefix>` partitioned by year, registered as `lake.sales_s3`. */
function s3Job(prefix: string): Job {
  const nodes = [
    node('catalog-source', 'sales', { database: 'shop', table: 'sales' }),
    node(
      'target',
      'out',
      {
        format: { kind: 'parquet' },
        partitionKeys: ['year'],
        destination: 's3',
        s3: { bucket: BUCKET, prefix, region: REGION, endpoint: stack.proxy },
        catalog: { database: 'lake', table: 'sales_s3' },
      },
      'to s3',
    ),
  ];
  return jobOf(nodes, [['sales', 'out']], { name: 'to-s3' });
}

async function runIn(
  world: RunWorld,
  job: Job,
  held: S3Access | null,
  opts: { partSize?: number; onRun?: (r: JobRun, cancel: (id: string) => void) => void } = {},
): Promise<JobRun> {
  const store = new JobStore(world.cat.db);
  const parts = opts.partSize ? { partSize: opts.partSize, minPartSize: opts.partSize } : {};
  const updates: JobRun[] = [];
  const waiting: (() => void)[] = [];
  const runner: JobRunner = new JobRunner({
    store,
    engine: world.jobEngine,
    catalog: world.catalog,
    places: { ...world.places, s3: s3JobOutput(() => held, undefined, parts) },
    onRun: (r) => {
      updates.push(r);
      opts.onRun?.(r, (id) => runner.cancel(id));
      for (const w of waiting.splice(0)) w();
    },
  });
  const id = await runner.start(await store.saveJob(job), {});
  for (;;) {
    const r = updates.findLast((u) => u.id === id);
    if (r && isFinal(r.state)) return r;
    await new Promise<void>((w) => waiting.push(w));
  }
}

/** Keys under `prefix` in the bucket, from s3rver itself. */
async function keysUnder(prefix: string): Promise<string[]> {
  const res = await fetch(`${stack.server}/${BUCKET}?list-type=2&prefix=${prefix}`);
  const xml = await res.text();
  return [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!).sort();
}

/** ListMultipartUploads on the bucket, signed: the upload ids in progress. */
async function multipartUploads(): Promise<string[]> {
  const signed = new AwsClient({ ...TEMP, service: 's3', region: REGION });
  const res = await signed.fetch(`${stack.proxy}/${BUCKET}?uploads`);
  expect(res.status).toBe(200);
  return [...(await res.text()).matchAll(/<UploadId>([^<]+)<\/UploadId>/g)].map((m) => m[1]!);
}

const scratchFiles = async (w: RunWorld) =>
  (await filesUnder(join(w.dir, 'opfs'))).filter((f) => f.startsWith('decant-scratch/'));

describe('a job target that writes to Amazon S3', () => {
  it('uploads every partition file under the prefix, registers s3 sources, leaves no scratch', async () => {
    const world = await runWorld(engine);
    const run = await runIn(world, s3Job('daily/sales/'), access());
    expect(run.state, run.error?.message).toBe('SUCCEEDED');
    expect(run.targets[0]).toMatchObject({
      destination: `s3://${BUCKET}/daily/sales/`,
      rowsWritten: 5,
      registered: 'lake.sales_s3',
    });

    const keys = await keysUnder('daily/sales/');
    expect(keys.map((k) => k.split('/').slice(0, 3).join('/'))).toEqual([
      'daily/sales/year=2024',
      'daily/sales/year=2025',
    ]);
    expect(keys.every((k) => /\/part-jr_[^/]+-\d{5}\.parquet$/.test(k))).toBe(true);
    expect(await scratchFiles(world)).toEqual([]);

    // The objects, downloaded and read by native DuckDB: the same rows as the source.
    const local = join(world.dir, 'downloaded');
    for (const k of keys) {
      const path = join(local, k);
      mkdirSync(join(path, '..'), { recursive: true });
      const res = await fetch(`${stack.server}/${BUCKET}/${k}`);
      writeFileSync(path, new Uint8Array(await res.arrayBuffer()));
    }
    const read = await nativeRead(
      `read_parquet(${quoteLiteral(`${local}/**/*.parquet`)}, hive_partitioning = true)`,
    );
    const source = await nativeRead(
      `read_csv(${quoteLiteral(`${world.dir}/opfs/sales-in/**/*.csv`)}, hive_partitioning = true)`,
    );
    const sum = (rows: Record<string, unknown>[], c: string) =>
      rows.reduce((n, r) => n + Number(r[c]), 0);
    expect(read.rows.length).toBe(source.rows.length);
    expect(sum(read.rows, 'price')).toBeCloseTo(sum(source.rows, 'price'), 6);
    expect(sum(read.rows, 'year')).toBe(sum(source.rows, 'year'));

    const table = await world.cat.store.getTable('lake', 'sales_s3');
    expect(table?.sources.map((s) => s.kind)).toEqual(keys.map(() => 's3'));
    expect(table?.sources.map((s) => (s.kind === 's3' ? s.key : '')).sort()).toEqual(keys);
    expect(table?.sources[0]).toMatchObject({
      bucket: BUCKET,
      region: REGION,
      endpoint: stack.proxy,
    });
    expect(JSON.stringify(table)).not.toMatch(/unit-s3-target-(secret|token)/);
  });

  it('without credentials fails at once, in words, before any engine work', async () => {
    const world = await runWorld(engine);
    await stack.reset();
    const run = await runIn(world, s3Job('nocreds/'), null);
    expect(run.state).toBe('FAILED');
    expect(run.error?.message).toMatch(
      /^job: target "to s3" writes to Amazon S3, but no AWS credentials are held in this tab: enter them, or unlock the saved ones/,
    );
    expect(run.sources).toEqual([]);
    expect(run.sql).toBe('');
    expect(await stack.log()).toEqual([]);
  });

  it('a denied PutObject names s3:PutObject and the ARN; nothing is left in scratch', async () => {
    const world = await runWorld(engine);
    const run = await runIn(world, s3Job('locked/sales/'), access());
    expect(run.state).toBe('FAILED');
    expect(run.error?.message).toMatch(
      /S3 denied (PutObject|CreateMultipartUpload) on lake\/locked\/sales\/year=2024\/part-[^ ]+\.parquet \(AccessDenied\): the credentials need s3:PutObject on arn:aws:s3:::lake\/locked\/sales\/year=2024\/part-/,
    );
    expect(run.error?.message).not.toMatch(/unit-s3-target-(secret|token)/);
    expect(await keysUnder('locked/')).toEqual([]);
    expect(await scratchFiles(world)).toEqual([]);
  });

  it('a file refused after another was uploaded: the uploaded one is deleted again', async () => {
    const world = await runWorld(engine);
    await stack.setRules({
      region: REGION,
      credentials: {
        [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
      },
      denyWrites: [`${BUCKET}/partial/year=2025/`],
    });
    await stack.reset();
    const run = await runIn(world, s3Job('partial/'), access());
    expect(run.state).toBe('FAILED');
    expect(run.error?.message).toMatch(/S3 denied \w+ on lake\/partial\/year=2025\//);
    const log = (await stack.log()).map((e) => `${e.method} ${e.path} ${e.status}`);
    expect(log.some((l) => /^PUT \/lake\/partial\/year=2024\/\S+ 200$/.test(l))).toBe(true);
    expect(log.some((l) => /^DELETE \/lake\/partial\/year=2024\/\S+ 204$/.test(l))).toBe(true);
    expect(await keysUnder('partial/')).toEqual([]);
    expect(await world.cat.store.getTable('lake', 'sales_s3')).toBeUndefined();
  });

  it('a cancel while parts go aborts the multipart upload: none is left in progress', async () => {
    const world = await runWorld(engine);
    await stack.setRules({
      region: REGION,
      credentials: {
        [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
      },
      delayPartsMs: 300,
    });
    await stack.reset();
    let asked = false;
    const run = await runIn(world, s3Job('cancelled/'), access(), {
      // Parts of 1 KiB: each file goes by multipart upload.
      partSize: 1024,
      onRun: (r, cancel) => {
        if (!asked && /uploading file 1 of/.test(r.progress?.phase ?? '')) {
          asked = true;
          // Once the multipart upload exists (its first part then waits in the proxy).
          void (async () => {
            while (!(await stack.log()).some((e) => e.method === 'POST' && e.status === 200))
              await new Promise((w) => setTimeout(w, 10));
            cancel(r.id);
          })();
        }
      },
    });
    expect(asked).toBe(true);
    expect(run.state).toBe('STOPPED');
    const log = (await stack.log()).map((e) => `${e.method} ${e.status}`);
    expect(log).toContain('DELETE 204');
    expect(await multipartUploads()).toEqual([]);
    expect(await keysUnder('cancelled/')).toEqual([]);
    expect(await scratchFiles(world)).toEqual([]);
  });
});
