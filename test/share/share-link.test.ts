import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogTable } from '../../src/catalog';
import { packageEntries } from '../../src/share/package-files';
import { uploadPackage } from '../../src/share/package-upload';
import { S3Uploader, type S3Bucket, type TemporaryCredentials } from '../../src/share/s3-upload';
import {
  fileUrl,
  linkFragment,
  linkFromFragment,
  linkWarning,
  presignPackage,
} from '../../src/share/share-link';
import { compileShare } from '../../src/share/share-rules';
import { listedFiles, verifyFile } from '../../src/share/verify-package';
import { startS3Proxy, type S3Proxy } from '../support/s3-proxy';
import {
  ACCESS_KEY_ID,
  REGION,
  SECRET_ACCESS_KEY,
  startS3Server,
  type S3Server,
} from '../support/s3-server';
import { decantErrorFrom } from '../support/decant-error';
import { SALES } from './share-fixtures';

const KEYS: TemporaryCredentials = {
  accessKeyId: ACCESS_KEY_ID,
  secretAccessKey: SECRET_ACCESS_KEY,
};
let server: S3Server;
let proxy: S3Proxy;
let target: S3Bucket;
let paths: string[];

beforeAll(async () => {
  server = await startS3Server([{ name: 'shared' }]);
  proxy = await startS3Proxy(server.endpoint, (id) =>
    id === ACCESS_KEY_ID ? SECRET_ACCESS_KEY : undefined,
  );
  target = { bucket: 'shared', region: REGION, endpoint: proxy.endpoint };
  const table: CatalogTable = {
    ...SALES,
    columns: [...SALES.columns],
    partitionKeys: [...SALES.partitionKeys],
    description: '',
    classification: 'parquet',
    sources: [],
    parameters: {},
    updatedBy: { kind: 'user' },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };
  const { entries } = packageEntries({
    title: 'sales',
    created: new Date(0),
    location: 's3://shared/shares/p1/',
    tables: [
      {
        table,
        share: compileShare(SALES, {}),
        parts: [
          { values: ['2024', 'a b/c'], rows: 3, data: new Blob([randomBytes(20_000)]) },
          { values: ['2025', '1'], rows: 2, data: new Blob([randomBytes(3_000)]) },
        ],
      },
    ],
  });
  const keys = await uploadPackage(
    entries,
    new S3Uploader(KEYS, target, { fetch: (r) => fetch(r), origin: null }),
    'shares/p1',
  );
  paths = keys.map((k) => k.slice('shares/p1/'.length));
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

describe('share links', () => {
  it('open the package from the fragment alone: every file fetched by its presigned URL matches datapackage.json', async () => {
    const link = await presignPackage(KEYS, target, 'shares/p1', paths, 3600);
    const fragment = linkFragment(link);
    expect(fragment).toMatch(/^#package=[A-Za-z0-9_-]+$/);
    const opened = linkFromFragment(fragment);
    expect(opened).toEqual(link);
    const res = await fetch(fileUrl(opened, 'datapackage.json'));
    expect(res.status).toBe(200);
    const files = listedFiles(await res.json());
    expect(files.map((f) => f.path)).toEqual([
      'data/shop.sales/year=2024/month=a b%2Fc/part-00000.parquet',
      'data/shop.sales/year=2025/month=1/part-00001.parquet',
    ]);
    for (const f of files) {
      const got = await fetch(fileUrl(opened, f.path));
      expect(got.status).toBe(200);
      await verifyFile(f, got.body as unknown as AsyncIterable<Uint8Array>);
    }
    // The proxy checked each query signature, as S3 does.
    expect(proxy.log.filter((e) => e.method === 'GET').map((e) => e.status)).toEqual([
      200, 200, 200,
    ]);
  });

  it('is refused by S3 once expired, or with a signature changed', async () => {
    const hourAgo = new Date(Date.now() - 3600_000);
    const old = await presignPackage(KEYS, target, 'shares/p1', paths, 60, hourAgo);
    const expired = await fetch(fileUrl(old, 'datapackage.json'));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/Request has expired/);
    const link = await presignPackage(KEYS, target, 'shares/p1', paths, 60);
    const forged = {
      ...link,
      signatures: { ...link.signatures, 'datapackage.json': '0'.repeat(64) },
    };
    const refused = await fetch(fileUrl(forged, 'datapackage.json'));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/SignatureDoesNotMatch/);
  });

  it('lasts at most 7 days, says so in words, and carries a session token', async () => {
    await expect(presignPackage(KEYS, target, 'p', paths, 7 * 24 * 3600 + 1)).rejects.toThrow(
      'share: a share link lasts from 1 second to 7 days (S3’s limit for presigned URLs)',
    );
    const link = await presignPackage(
      {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'very-secret-value',
        sessionToken: 'tok/en+=',
      },
      target,
      'p',
      ['datapackage.json'],
      7 * 24 * 3600,
      new Date('2026-12-02T18:00:00Z'),
    );
    expect(new URLSearchParams(link.query).get('X-Amz-Security-Token')).toBe('tok/en+=');
    expect(link.query).not.toContain('X-Amz-Signature');
    expect(JSON.stringify(link)).not.toContain('very-secret-value');
    expect(linkWarning(link)).toBe(
      'Anyone who has this link can download the shared data until 2026-12-09 18:00 UTC (or until ' +
        'the credentials it was signed with expire, if sooner). It cannot be withdrawn before then, ' +
        'except by deleting the files or the credentials.',
    );
  });

  it('refuses a fragment that is not a package link, or is damaged', () => {
    expect(decantErrorFrom(() => linkFromFragment('#table=x')).message).toBe(
      'share: this link holds no package (it should end in #package=…)',
    );
    expect(decantErrorFrom(() => linkFromFragment('#package=abc')).message).toBe(
      'share: the link is cut or damaged: copy it again',
    );
    const notOurs = linkFragment({
      v: 1,
      base: 'javascript:alert(1)',
      query: '',
      signatures: { 'datapackage.json': 'x' },
      expiresAt: '',
    });
    expect(decantErrorFrom(() => linkFromFragment(notOurs)).message).toBe(
      'share: the link is not a Decant package link, or from a newer version of Decant',
    );
  });
});
