import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { s3CredentialsOf, s3PrefixSourceFrom, tableObjectPresigner } from '../../src/app/s3-crawl';
import type { S3Access } from '../../src/app/s3-access';
import {
  fileFromSource,
  setS3ObjectPresigner,
  SourceUnavailable,
  type CrawlerSource,
  type TableSource,
} from '../../src/catalog';
import {
  browserCrawlPorts,
  listSources,
  newCrawler,
  SavedCrawlers,
  tableSourceFor,
  type CrawlCatalog,
  type CrawlEngine,
} from '../../src/crawler';
import { freshCatalog } from '../catalog/catalog-fixtures';
import { putObject, REGION } from '../support/s3-server';
import { startS3Stack, type S3Stack } from '../support/s3-stack';

const BUCKET = 'lake';
const SECRET = 'crawl-secret-never-shown';
const TOKEN = 'crawl-token-never-shown';
let stack: S3Stack;
let access: S3Access;
let source: Extract<CrawlerSource, { kind: 's3-prefix' }>;

beforeAll(async () => {
  stack = await startS3Stack([{ name: BUCKET }]);
  for (const m of ['01', '02'])
    await putObject(stack.server, BUCKET, `sales/month=${m}/part.csv`, `id,n\n${m},1\n`);
  await putObject(stack.server, BUCKET, 'sales/_logs/run.txt', 'log');
  access = {
    accessKeyId: 'ASIATEMPORARYCRAWL01',
    secretAccessKey: SECRET,
    sessionToken: TOKEN,
    region: REGION,
    bucket: BUCKET,
    prefix: '',
    endpoint: stack.proxy,
  };
  source = s3PrefixSourceFrom({ uri: 's3://lake/sales', region: REGION, endpoint: stack.proxy });
}, 60_000);
afterAll(async () => {
  setS3ObjectPresigner(() => Promise.resolve(null));
  await stack?.close();
});
beforeEach(async () => {
  await stack.setRules({
    region: REGION,
    credentials: { [access.accessKeyId]: { secret: SECRET, token: TOKEN } },
  });
});

describe('the crawl form’s S3 prefix', () => {
  it('takes an s3:// prefix, a region and an optional endpoint, and refuses bad ones', () => {
    expect(s3PrefixSourceFrom({ uri: 's3://lake/a/b', region: 'eu-west-3', endpoint: '' })).toEqual(
      { kind: 's3-prefix', bucket: 'lake', prefix: 'a/b/', region: 'eu-west-3' },
    );
    expect(source.endpoint).toBe(stack.proxy);
    expect(() => s3PrefixSourceFrom({ uri: 'lake/sales', region: REGION, endpoint: '' })).toThrow(
      /is not an S3 prefix such as s3:\/\/my-bucket\/sales\//,
    );
    expect(() => s3PrefixSourceFrom({ uri: 's3://lake/', region: 'paris', endpoint: '' })).toThrow(
      /give the bucket's region/,
    );
  });

  it('hands the crawler the keys alone, and nothing when none are held', () => {
    expect(s3CredentialsOf(null)).toBeNull();
    expect(s3CredentialsOf(access)).toEqual({
      accessKeyId: access.accessKeyId,
      secretAccessKey: SECRET,
      sessionToken: TOKEN,
    });
  });
});

describe('a saved S3 prefix, listed again with the tab’s credentials', () => {
  it('lists every file of the prefix when credentials are held', async () => {
    const { inputs, problems } = await listSources([source], () => s3CredentialsOf(access));
    expect(problems).toEqual([]);
    expect(inputs.map((i) => i.path).sort()).toEqual([
      'sales/_logs/run.txt',
      'sales/month=01/part.csv',
      'sales/month=02/part.csv',
    ]);
  });

  it('refuses to run locked, so its tables are never deprecated for want of a listing', async () => {
    await expect(listSources([source], () => null)).rejects.toThrow(
      /s3:\/\/lake\/sales\/ is locked: enter your AWS credentials or unlock the saved ones/,
    );
  });

  it('is listed by a scheduled run through the ports the schedule builds with the tab’s credentials', async () => {
    // createScheduleState hands launchCrawler these ports; no click is there to ask for keys.
    const ports = (now: () => ReturnType<typeof s3CredentialsOf>) =>
      browserCrawlPorts({} as CrawlEngine, () => ({}) as CrawlCatalog, now);
    const held = await ports(() => s3CredentialsOf(access)).list([source]);
    expect(held.inputs).toHaveLength(3);
    await expect(ports(() => null).list([source])).rejects.toThrow(/is locked/);
  });

  it('says in words when the secret is wrong, without the secret', async () => {
    const wrong = { ...s3CredentialsOf(access)!, secretAccessKey: 'not-the-secret-never-shown' };
    const { inputs, problems } = await listSources([source], () => wrong);
    expect(inputs).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.reason).toMatch(
      /did not accept these credentials \(SignatureDoesNotMatch\)/,
    );
    expect(JSON.stringify(problems)).not.toMatch(/never-shown/);
  });

  it('is saved with its prefix and region, never a key, a token or a URL', async () => {
    const { store } = await freshCatalog();
    const saved = await new SavedCrawlers(store).save(
      { crawler: { ...newCrawler(), name: 's3-sales' }, found: [], remote: [source] },
      null,
      [],
    );
    const stored = JSON.stringify(await store.listCrawlers());
    expect(saved.sources).toEqual([source]);
    expect(stored).not.toMatch(/never-shown|ASIA|X-Amz/);
  });
});

describe('a table read from S3 with the tab’s credentials', () => {
  async function s3Table(): Promise<TableSource> {
    const { inputs } = await listSources([source], () => s3CredentialsOf(access));
    return tableSourceFor(
      inputs.find((i) => i.path === 'sales/month=02/part.csv')!,
      false,
    );
  }

  it('keeps the object’s place in S3, not its short-lived URL', async () => {
    const t = await s3Table();
    expect(t).toEqual({
      kind: 's3',
      bucket: BUCKET,
      key: 'sales/month=02/part.csv',
      region: REGION,
      endpoint: stack.proxy,
      path: 'sales/month=02/part.csv',
      size: 'id,n\n02,1\n'.length,
      lastModified: expect.any(Number) as number,
    });
    expect(JSON.stringify(t)).not.toMatch(/never-shown|X-Amz/);
  });

  it('is locked, in words, while the tab holds no credentials', async () => {
    const t = await s3Table();
    let held: S3Access | null = null;
    setS3ObjectPresigner(tableObjectPresigner(() => held));
    const err = await fileFromSource(t).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceUnavailable);
    expect(String(err)).toMatch(
      /"sales\/month=02\/part.csv" is read from s3:\/\/lake\/ .*locked — enter your AWS credentials or unlock the saved ones/,
    );
    // Once the credentials are entered, the same source reads by ranges through a fresh URL.
    held = access;
    const file = await fileFromSource(t);
    if (file instanceof Blob || file.kind !== 'url') throw new Error('expected a URL file');
    expect(file.name).toBe('sales/month=02/part.csv');
    const res = await fetch(file.url, { headers: { Range: 'bytes=5-6' } });
    expect(res.status).toBe(206);
    expect(await res.text()).toBe('02');
  });
});
