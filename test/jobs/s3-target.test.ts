import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openCatalogDb } from '../../src/storage';
import { compileJob } from '../../src/jobs/compile';
import type { CompileContext } from '../../src/jobs/context';
import { JobError } from '../../src/jobs/errors';
import type { S3TargetPlace, TargetNode } from '../../src/jobs/model';
import {
  s3KeyPrefix,
  s3ObjectKey,
  s3TargetIssues,
  s3TargetUri,
  s3TargetUriParts,
} from '../../src/jobs/s3-target';
import { JobStore } from '../../src/jobs/store';
import { fieldsFor, setAt } from '../../src/ui/jobs/editor/fields';
import { jobOf, node, ORDERS, source, sourceTable } from './job-support';

const ctx: CompileContext = { tables: [sourceTable(ORDERS)] };
const place = (over: Partial<S3TargetPlace> = {}): S3TargetPlace => ({
  bucket: 'my-lake',
  prefix: 'daily/orders/',
  region: 'eu-west-3',
  ...over,
});

function s3Target(s3: S3TargetPlace | undefined, partitionKeys: string[] = []): TargetNode {
  return node('target', 'out', {
    format: { kind: 'parquet' },
    partitionKeys,
    destination: 's3',
    ...(s3 ? { s3 } : {}),
  });
}

const jobWith = (t: TargetNode) =>
  jobOf([source('orders', 'shop', 'orders'), t], [['orders', 'out']], { name: 'to-s3' });

describe('an S3 target’s place, as typed', () => {
  it('splits s3://bucket/prefix/ as typed, and nothing that is not an s3:// URL', () => {
    expect(s3TargetUriParts('s3://my-lake/daily/orders/')).toEqual({
      bucket: 'my-lake',
      prefix: 'daily/orders/',
    });
    expect(s3TargetUriParts(' S3://my-lake ')).toEqual({ bucket: 'my-lake', prefix: '' });
    expect(s3TargetUriParts('s3://My_Lake/x')).toEqual({ bucket: 'My_Lake', prefix: 'x' });
    expect(s3TargetUriParts('my-lake/daily')).toBeNull();
    expect(s3TargetUriParts('https://my-lake.s3.amazonaws.com/x')).toBeNull();
    expect(s3TargetUri(place())).toBe('s3://my-lake/daily/orders/');
  });

  it('a good place has no issues; each mistake is named', () => {
    expect(s3TargetIssues(place())).toEqual([]);
    expect(s3TargetIssues(place({ prefix: '', endpoint: 'http://127.0.0.1:9000' }))).toEqual([]);
    expect(s3TargetIssues(undefined)).toEqual([
      'give the S3 location to write to, e.g. s3://my-bucket/sales/',
    ]);
    expect(s3TargetIssues(place({ bucket: '' }))).toEqual([
      'give the bucket: s3://my-bucket/prefix/',
    ]);
    expect(s3TargetIssues(place({ bucket: 'My_Lake' }))).toEqual([
      '"My_Lake" is not an S3 bucket name (3–63 lower-case letters, digits, dots and dashes)',
    ]);
    expect(s3TargetIssues(place({ bucket: 'a..b' }))[0]).toMatch(/is not an S3 bucket name/);
    expect(s3TargetIssues(place({ prefix: 'daily//orders' }))).toEqual([
      'the prefix "daily//orders" has an empty folder ("//")',
    ]);
    expect(s3TargetIssues(place({ prefix: '/daily' }))[0]).toMatch(/empty folder/);
    expect(s3TargetIssues(place({ prefix: 'a/../b' }))).toEqual([
      'the prefix "a/../b" must not hold "." or ".." folders',
    ]);
    expect(s3TargetIssues(place({ prefix: 'a\u0007b' }))[0]).toMatch(/control characters/);
    expect(s3TargetIssues(place({ region: '' }))).toEqual([
      'give the bucket\'s region, e.g. "us-east-1" or "eu-west-3"',
    ]);
    expect(s3TargetIssues(place({ region: 'Paris' }))).toEqual([
      '"Paris" is not an AWS region such as "us-east-1" or "eu-west-3"',
    ]);
    expect(s3TargetIssues(place({ endpoint: 'ftp://x' }))[0]).toMatch(/the endpoint is an address/);
  });

  it('keys go under the prefix with one slash, partition folders kept', () => {
    expect(s3KeyPrefix('')).toBe('');
    expect(s3KeyPrefix('daily/orders')).toBe('daily/orders/');
    expect(s3KeyPrefix('daily/orders///')).toBe('daily/orders/');
    expect(s3ObjectKey({ prefix: 'daily' }, 'year=2024/part-jr_1-00000.parquet')).toBe(
      'daily/year=2024/part-jr_1-00000.parquet',
    );
  });
});

describe('an S3 target in a job', () => {
  it('compiles its place into the write options, the prefix as keys start with it', () => {
    const c = compileJob(jobWith(s3Target(place({ prefix: 'daily/orders' }), ['status'])), ctx);
    expect(c.targets[0]!.write).toEqual({
      format: { kind: 'parquet', compression: 'zstd', rowGroupSize: 122_880 },
      partitionKeys: ['status'],
      destination: 's3',
      path: 'out',
      s3: { bucket: 'my-lake', prefix: 'daily/orders/', region: 'eu-west-3' },
    });
  });

  it('a wrong place is the target’s issue, before any run', () => {
    const run = () => compileJob(jobWith(s3Target(place({ bucket: 'Bad', region: 'x' }))), ctx);
    expect(run).toThrow(JobError);
    try {
      run();
    } catch (e) {
      expect((e as JobError).issues.map((i) => [i.nodeId, i.message])).toEqual([
        [
          'out',
          'Target "out": "Bad" is not an S3 bucket name (3–63 lower-case letters, digits, dots and dashes)',
        ],
        ['out', 'Target "out": "x" is not an AWS region such as "us-east-1" or "eu-west-3"'],
      ]);
    }
    expect(() => compileJob(jobWith(s3Target(undefined)), ctx)).toThrow(
      /give the S3 location to write to/,
    );
  });

  it('the form offers Amazon S3, then the location, region and endpoint (no output name)', () => {
    const env = { databases: [], tablesOf: () => [] };
    const t = s3Target(place());
    const fields = fieldsFor(t, env);
    const dest = fields.find((f) => 'path' in f && f.path === 'destination');
    expect(dest && dest.kind === 'select' && dest.choices.map((c) => c.value)).toContain('s3');
    const paths = fields.flatMap((f) => ('path' in f ? [f.path] : []));
    expect(paths).toEqual(expect.arrayContaining(['s3', 's3.region', 's3.endpoint']));
    expect(paths).not.toContain('path');
    const opfs = fieldsFor({ ...t, options: { ...t.options, destination: 'opfs' } }, env);
    expect(opfs.flatMap((f) => ('path' in f ? [f.path] : []))).not.toContain('s3.region');
  });

  it('the saved job keeps bucket, prefix and region only (as the form sets them)', async () => {
    const db = await openCatalogDb('decant-s3-target-test', new IDBFactory());
    const store = new JobStore(db);
    // What the form does: Amazon S3, then the location typed, then the region.
    let options: TargetNode['options'] = {
      format: { kind: 'parquet' },
      partitionKeys: ['status'],
      destination: 'download',
    };
    options = setAt(options, 'destination', 's3');
    options = setAt(options, 's3', { region: '', ...s3TargetUriParts('s3://my-lake/daily/') });
    options = setAt(options, 's3.region', 'eu-west-3');
    await store.saveJob(jobWith(node('target', 'out', options)));
    const stored = [await db.get('jobs', 'to-s3'), ...(await db.getAll('jobVersions'))];
    for (const record of stored) {
      const out = (record as { job?: unknown; snapshot?: unknown }) ?? {};
      const job = (out.snapshot ?? out.job) as { nodes: TargetNode[] };
      expect(job.nodes.find((n) => n.id === 'out')!.options).toEqual({
        format: { kind: 'parquet' },
        partitionKeys: ['status'],
        destination: 's3',
        s3: { bucket: 'my-lake', prefix: 'daily/', region: 'eu-west-3' },
      });
    }
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toMatch(/secret|token|accessKey|X-Amz/i);
    db.close();
  });
});
