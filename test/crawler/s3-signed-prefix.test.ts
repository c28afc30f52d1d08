import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  OBJECT_URL_SECONDS,
  parseS3Prefix,
  SignedS3Prefix,
} from '../../src/crawler/s3-signed-prefix';
import type { ProxyDataRules } from '../support/s3-proxy';
import { putObject, REGION } from '../support/s3-server';
import { startS3Stack, type S3Stack } from '../support/s3-stack';

const BUCKET = 'lake';
const TEMP = {
  accessKeyId: 'ASIATEMPORARYCRAWL',
  secretAccessKey: 'crawl-secret-never-shown',
  sessionToken: 'crawl-token-never-shown',
};
// The stack runs s3rver in a child process with the legacy OpenSSL provider its continuation
// tokens need, so listings page as S3's do.
let stack: S3Stack;
const rules = (expiresAt = Date.now() + 3600_000): ProxyDataRules => ({
  region: REGION,
  credentials: {
    [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken, expiresAt },
  },
});

beforeAll(async () => {
  stack = await startS3Stack([{ name: BUCKET }]);
  for (const year of [2023, 2024])
    for (const n of [0, 1])
      await putObject(
        stack.server,
        BUCKET,
        `sales/year=${year}/part-${n}.csv`,
        `id\n${year}${n}\n`,
      );
  await putObject(stack.server, BUCKET, 'other/x.csv', 'id\n1\n');
}, 60_000);
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await stack.setRules(rules());
  await stack.reset();
});

const prefix = (region = REGION) =>
  new SignedS3Prefix(TEMP, { bucket: BUCKET, prefix: 'sales/', region, endpoint: stack.proxy });

describe('SignedS3Prefix', () => {
  it('parses s3:// prefixes and refuses other text', () => {
    expect(parseS3Prefix('s3://lake/sales')).toEqual({ bucket: 'lake', prefix: 'sales/' });
    expect(() => parseS3Prefix('https://lake/sales')).toThrow(/not an S3 prefix/);
  });

  it('lists the prefix with a signed ListObjectsV2, across pages', async () => {
    const keys = (await prefix().list({ maxKeys: 1 })).map((o) => o.key).sort();
    expect(keys).toEqual([
      'sales/year=2023/part-0.csv',
      'sales/year=2023/part-1.csv',
      'sales/year=2024/part-0.csv',
      'sales/year=2024/part-1.csv',
    ]);
    // One signed request per page: the paginator followed the continuation tokens.
    expect((await stack.log()).filter((e) => e.path === `/${BUCKET}`)).toHaveLength(4);
  });

  it('reads an object by range through a URL presigned in the tab', async () => {
    const url = await prefix().objectUrl('sales/year=2024/part-1.csv');
    expect(url.href).not.toContain(TEMP.secretAccessKey);
    const res = await fetch(url, { headers: { Range: 'bytes=3-6' } });
    expect(res.status).toBe(206);
    expect(await res.text()).toBe('2024');
  });

  it('keeps a presigned URL while it has time left and signs a new one near its expiry', async () => {
    const p = prefix();
    const t0 = Date.now();
    const first = await p.freshObjectUrl('sales/year=2023/part-0.csv', t0);
    expect(await p.freshObjectUrl('sales/year=2023/part-0.csv', t0 + 60_000)).toBe(first);
    const renewed = await p.freshObjectUrl(
      'sales/year=2023/part-0.csv',
      t0 + OBJECT_URL_SECONDS * 1000 - 30_000,
    );
    expect(renewed).not.toBe(first);
    expect(await (await fetch(renewed)).text()).toBe('id\n20230\n');
  });

  it('says when the token has expired', async () => {
    await stack.setRules(rules(Date.now() - 1000));
    await expect(prefix().list()).rejects.toThrow(/session token has expired/);
  });

  it('names the missing permission when the listing is denied', async () => {
    await stack.setRules({ ...rules(), denyLists: [BUCKET] });
    await expect(prefix().list()).rejects.toThrow(
      /refused \(AccessDenied\): these credentials need s3:ListBucket on arn:aws:s3:::lake/,
    );
  });

  it('gives the CORS rule when the request never gets an answer (as a CORS block looks in a tab)', async () => {
    // Port 1 refuses the connection: fetch rejects just as it does when CORS blocks the answer.
    const closed = new SignedS3Prefix(TEMP, { ...prefix().source, endpoint: 'http://127.0.0.1:1' });
    await expect(closed.list()).rejects.toThrow(
      /CORS configuration must allow GET .*ExposeHeaders Content-Range, Content-Length, ETag/,
    );
  });

  it('says when the region is wrong', async () => {
    await expect(prefix('eu-west-3').list()).rejects.toThrow(/not in eu-west-3/);
  });

  it('never puts the secret in a message', async () => {
    const bad = new SignedS3Prefix({ ...TEMP, accessKeyId: 'ASIAUNKNOWNKEY0000' }, prefix().source);
    const err = await bad.list().catch((e: Error) => e);
    expect(String(err)).toMatch(/did not accept these credentials|failed/);
    expect(String(err)).not.toContain(TEMP.secretAccessKey);
  });
});

describe('SignedS3Prefix as a crawl source', () => {
  it('gives every object as a crawl input read by a presigned URL, across capped pages', async () => {
    await stack.setRules({ ...rules(), listPageSize: 3 });
    const { inputs, pages } = await prefix().inputs();
    expect(pages).toBe(2);
    expect(inputs.map((i) => i.path).sort()).toEqual([
      'sales/year=2023/part-0.csv',
      'sales/year=2023/part-1.csv',
      'sales/year=2024/part-0.csv',
      'sales/year=2024/part-1.csv',
    ]);
    const one = inputs.find((i) => i.path === 'sales/year=2024/part-0.csv')!;
    expect(one.s3).toEqual({
      bucket: BUCKET,
      key: 'sales/year=2024/part-0.csv',
      region: REGION,
      endpoint: stack.proxy,
    });
    expect(one.size).toBe('id\n20240\n'.length);
    expect(one.url).not.toContain(TEMP.secretAccessKey);
    const res = await fetch(one.url, { headers: { Range: 'bytes=3-7' } });
    expect(await res.text()).toBe('20240');
    // One object was read first, by one signed byte: never a whole download.
    const reads = (await stack.log()).filter((e) => e.path.startsWith(`/${BUCKET}/sales/`));
    expect(reads.map((e) => e.range)).toEqual(['bytes=0-0', 'bytes=3-7']);
  });

  it('names s3:GetObject when the listing is allowed but reading is not', async () => {
    await stack.setRules({ ...rules(), denyReads: [`${BUCKET}/sales/`] });
    const err = await prefix()
      .inputs()
      .catch((e: Error) => e);
    expect(String(err)).toMatch(
      /reading s3:\/\/lake\/sales\/.* was refused \(AccessDenied\): .*need s3:GetObject on arn:aws:s3:::lake\/sales\/\*/,
    );
    expect(String(err)).not.toContain(TEMP.secretAccessKey);
  });

  it('says when there is no such bucket', async () => {
    const none = new SignedS3Prefix(TEMP, { ...prefix().source, bucket: 'no-such-lake' });
    await expect(none.list()).rejects.toThrow(/there is no bucket no-such-lake \(NoSuchBucket\)/);
  });
});
