import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { packageEntries } from '../../src/share/package-files';
import { uploadPackage } from '../../src/share/package-upload';
import { S3Uploader, type S3Transport, type TemporaryCredentials } from '../../src/share/s3-upload';
import { compileShare } from '../../src/share/share-rules';
import type { DataPackage } from '../../src/share/datapackage';
import { startS3Proxy, type ProxyRules, type S3Proxy } from '../support/s3-proxy';
import {
  ACCESS_KEY_ID,
  encodeKey,
  REGION,
  SECRET_ACCESS_KEY,
  startS3Server,
  type S3Server,
} from '../support/s3-server';
import { PEOPLE } from './share-fixtures';

const MiB = 1024 * 1024;
const BUCKET = 'shared';
const TEMP: TemporaryCredentials = {
  accessKeyId: 'ASIATEMPORARY',
  secretAccessKey: 'temporary-secret-never-shown',
  sessionToken: 'session-token-never-shown',
};
const node: S3Transport = { fetch: (r) => fetch(r), origin: null };

let server: S3Server;
let proxy: S3Proxy;
const rules: ProxyRules = {};

beforeAll(async () => {
  server = await startS3Server([{ name: BUCKET }]);
  proxy = await startS3Proxy(
    server.endpoint,
    (id) => (id === ACCESS_KEY_ID ? SECRET_ACCESS_KEY : undefined),
    rules,
  );
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
    [TEMP.accessKeyId]: {
      secret: TEMP.secretAccessKey,
      token: TEMP.sessionToken,
      expiresAt: Date.now() + 3600_000,
    },
  };
});

const uploader = (opts: { region?: string; transport?: S3Transport; endpoint?: string } = {}) =>
  new S3Uploader(
    TEMP,
    { bucket: BUCKET, region: opts.region ?? REGION, endpoint: opts.endpoint ?? proxy.endpoint },
    opts.transport ?? node,
  );

/** The stored object, read from s3rver directly (not through the proxy). */
async function stored(key: string): Promise<Buffer | null> {
  const res = await fetch(`${server.endpoint}/${BUCKET}/${encodeKey(key)}`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET ${key}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

async function* chunksOf(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function rejection(p: Promise<unknown>): Promise<DecantError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DecantError);
  const err = e as DecantError;
  expect(err.message).not.toMatch(/never-shown/);
  return err;
}

describe('S3Uploader', () => {
  it('puts a small object with one signed PUT, session token and all', async () => {
    await uploader().upload('pkg/hello.txt', new TextEncoder().encode('hello'), 5);
    expect((await stored('pkg/hello.txt'))?.toString()).toBe('hello');
    expect(proxy.log.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      `PUT /${BUCKET}/pkg/hello.txt 200`,
    ]);
  });

  it('sends a large object as a multipart upload, one part in memory at a time, with progress', async () => {
    const big = randomBytes(11 * MiB + 123);
    const progress: number[] = [];
    await uploader().upload('pkg/data/year=2024/big.bin', chunksOf(big), big.length, {
      onProgress: (n) => progress.push(n),
    });
    expect(
      createHash('sha256')
        .update((await stored('pkg/data/year=2024/big.bin'))!)
        .digest('hex'),
    ).toBe(createHash('sha256').update(big).digest('hex'));
    expect(progress).toEqual([5 * MiB, 10 * MiB, big.length]);
    expect(server.uploadsInProgress(BUCKET)).toEqual([]);
    expect(proxy.log.map((e) => `${e.method} ${e.status}`)).toEqual([
      'POST 200',
      'PUT 200',
      'PUT 200',
      'PUT 200',
      'POST 200',
    ]);
  });

  it('tries a failed part again', async () => {
    rules.failPartsOnce = [2];
    const big = randomBytes(6 * MiB);
    await uploader().upload('pkg/retried.bin', chunksOf(big), big.length);
    expect((await stored('pkg/retried.bin'))?.equals(big)).toBe(true);
    expect(proxy.log.map((e) => `${e.method} ${e.status}`)).toEqual([
      'POST 200',
      'PUT 200',
      'PUT 500',
      'PUT 200',
      'POST 200',
    ]);
  });

  it('aborts the multipart upload on cancel: no object, no parts left', async () => {
    const big = randomBytes(11 * MiB);
    const cancel = new AbortController();
    let pending: string[] = [];
    const e = await rejection(
      uploader().upload('pkg/cancelled.bin', chunksOf(big), big.length, {
        signal: cancel.signal,
        onProgress: () => {
          pending = server.uploadsInProgress(BUCKET);
          cancel.abort();
        },
      }),
    );
    expect(e.code).toBe('cancelled');
    expect(pending).toHaveLength(1); // a part was stored before the cancel
    expect(e.message).toBe('share: the upload was cancelled');
    expect(proxy.log.map((x) => `${x.method} ${x.status}`)).toEqual([
      'POST 200',
      'PUT 200',
      'DELETE 204',
    ]);
    expect(await stored('pkg/cancelled.bin')).toBeNull();
    expect(server.uploadsInProgress(BUCKET)).toEqual([]);
  });

  it('says when the temporary credentials have expired', async () => {
    rules.credentials![TEMP.accessKeyId]!.expiresAt = Date.now() - 1000;
    const e = await rejection(uploader().upload('pkg/x.txt', new Uint8Array(3), 3));
    expect(e.message).toBe(
      'share: the temporary credentials have expired (ExpiredToken): paste new ones (aws sts get-session-token or assume-role) and upload again',
    );
  });

  it('names the permission an AccessDenied lacks, for a PUT and a multipart start', async () => {
    rules.denyWrites = [`${BUCKET}/locked/`];
    const put = await rejection(uploader().upload('locked/x.txt', new Uint8Array(3), 3));
    expect(put.message).toBe(
      'share: S3 denied PutObject on shared/locked/x.txt (AccessDenied): the credentials need s3:PutObject on arn:aws:s3:::shared/locked/x.txt',
    );
    const big = randomBytes(6 * MiB);
    const multi = await rejection(uploader().upload('locked/big.bin', chunksOf(big), big.length));
    expect(multi.message).toMatch(
      /^share: S3 denied CreateMultipartUpload on shared\/locked\/big\.bin \(AccessDenied\): the credentials need s3:PutObject/,
    );
  });

  it('says which region the bucket is in when signed for another', async () => {
    const e = await rejection(
      uploader({ region: 'eu-west-1' }).upload('pkg/x.txt', new Uint8Array(3), 3),
    );
    expect(e.message).toBe(
      'share: bucket shared is in region us-east-1, not eu-west-1: choose us-east-1',
    );
  });

  it('says a wrong secret or unknown key, never showing the secret', async () => {
    rules.credentials![TEMP.accessKeyId]!.secret = 'another';
    const e = await rejection(uploader().upload('pkg/x.txt', new Uint8Array(3), 3));
    expect(e.message).toBe(
      'share: the secret access key does not match the access key id (SignatureDoesNotMatch)',
    );
    delete rules.credentials![TEMP.accessKeyId];
    const unknown = await rejection(uploader().upload('pkg/x.txt', new Uint8Array(3), 3));
    expect(unknown.message).toMatch(/InvalidAccessKeyId/);
  });

  it('names the CORS rule (ETag exposed) when no answer can be read, and when ETag is hidden', async () => {
    const page = 'http://localhost:5173';
    const refused: S3Transport = {
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
      origin: page,
    };
    const e = await rejection(
      uploader({ transport: refused }).upload('pkg/x.txt', new Uint8Array(3), 3),
    );
    expect(e.message).toMatch(
      /^share: PutObject to http:\/\/127\.0\.0\.1:\d+\/shared\/pkg\/x\.txt got no answer the page can read\./,
    );
    const rule = JSON.parse(e.message.slice(e.message.indexOf('[')));
    expect(rule[0]).toMatchObject({
      AllowedOrigins: [page],
      ExposeHeaders: expect.arrayContaining(['ETag']),
    });
    expect(rule[0].AllowedMethods).toEqual(expect.arrayContaining(['PUT', 'POST', 'DELETE']));

    // What a browser does with a CORS rule that does not expose ETag: the header is not there.
    const hiding: S3Transport = {
      origin: page,
      fetch: async (r) => {
        const res = await fetch(r);
        const headers = new Headers(res.headers);
        headers.delete('etag');
        return new Response(res.body, { status: res.status, headers });
      },
    };
    const big = randomBytes(6 * MiB);
    const hidden = await rejection(
      uploader({ transport: hiding }).upload('pkg/hidden.bin', chunksOf(big), big.length),
    );
    expect(hidden.message).toMatch(
      /ETag header is hidden from the page: the bucket's CORS rule must expose ETag \(ExposeHeaders: ETag\)/,
    );
    expect(proxy.log.map((x) => `${x.method} ${x.status}`)).toEqual([
      'POST 200',
      'PUT 200',
      'DELETE 204',
    ]);
    expect(await stored('pkg/hidden.bin')).toBeNull();
    expect(server.uploadsInProgress(BUCKET)).toEqual([]);
  });
});

describe('uploadPackage', () => {
  it('uploads every file of a package under a prefix; the stored files match datapackage.json', async () => {
    const share = compileShare(PEOPLE, { omit: ['ssn'] });
    const parquetLike = randomBytes(7 * MiB); // bytes stand in for a part: only hashing matters here
    const { entries, manifest } = packageEntries({
      title: 'people',
      created: new Date('2026-12-02T18:00:00Z'),
      location: `s3://${BUCKET}/shares/p1/`,
      tables: [
        {
          table: {
            ...PEOPLE,
            description: '',
            classification: 'csv',
            sources: [],
            parameters: {},
            updatedBy: { kind: 'user' },
            version: 1,
            createdAt: 0,
            updatedAt: 0,
            columns: [...PEOPLE.columns],
            partitionKeys: [],
          },
          share,
          parts: [{ values: [], rows: 4, data: new Blob([parquetLike]) }],
        },
      ],
    });
    const keys = await uploadPackage(entries, uploader(), '/shares/p1/');
    expect(keys).toEqual([
      'shares/p1/data/hr.people/part-00000.parquet',
      'shares/p1/datapackage.json',
      'shares/p1/README.md',
      'shares/p1/glue/hr.people.table-input.json',
      'shares/p1/athena/hr.people.sql',
    ]);
    const doc = JSON.parse((await stored('shares/p1/datapackage.json'))!.toString()) as DataPackage;
    expect(doc).toEqual(JSON.parse(JSON.stringify(await manifest)));
    const file = doc.resources[0]!.files[0]!;
    const data = (await stored(`shares/p1/${file.path}`))!;
    expect(file.hash).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
    expect(data.equals(parquetLike)).toBe(true);
    const glue = JSON.parse(
      (await stored('shares/p1/glue/hr.people.table-input.json'))!.toString(),
    );
    expect(glue.StorageDescriptor.Location).toBe(`s3://${BUCKET}/shares/p1/data/hr.people/`);
  });
});
