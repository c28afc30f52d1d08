import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import type { PackageEntry } from '../../src/share/package-files';
import { postPackage, presignedPostFrom, type PresignedPost } from '../../src/share/s3-post';
import { presignPost } from '../support/s3-post-policy';
import { startS3Proxy, type ProxyRules, type S3Proxy } from '../support/s3-proxy';
import {
  ACCESS_KEY_ID,
  encodeKey,
  REGION,
  SECRET_ACCESS_KEY,
  startS3Server,
  type S3Server,
} from '../support/s3-server';

const BUCKET = 'drop';
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
  rules.credentials = {
    ASIAPOSTER: { secret: 'poster-secret-never-shown', token: 'poster-token-never-shown' },
  };
});

const made = (o: Partial<Parameters<typeof presignPost>[0]> = {}) =>
  JSON.stringify(
    presignPost({
      endpoint: proxy.endpoint,
      bucket: BUCKET,
      key: 'inbox/p1/${filename}',
      accessKeyId: 'ASIAPOSTER',
      secretAccessKey: 'poster-secret-never-shown',
      sessionToken: 'poster-token-never-shown',
      region: REGION,
      ...o,
    }),
  );

async function* entriesOf(files: Record<string, string>): AsyncGenerator<PackageEntry> {
  for (const [path, text] of Object.entries(files)) {
    const bytes = new TextEncoder().encode(text);
    async function* chunks() {
      yield bytes.subarray(0, 3);
      yield bytes.subarray(3);
    }
    yield { path, data: chunks(), size: bytes.length, lastModified: new Date() };
  }
}

async function stored(key: string): Promise<string | null> {
  const res = await fetch(`${server.endpoint}/${BUCKET}/${encodeKey(key)}`);
  if (res.status === 404) return null;
  return res.text();
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DecantError);
  const message = (e as DecantError).message;
  expect(message).not.toMatch(/never-shown/);
  return message;
}

describe('presigned POST upload (s3-post) against the loopback S3 that verifies the policy', () => {
  it('reads what generate_presigned_post gives: prefix, expiry, size limit', () => {
    const post = presignedPostFrom(
      made({ conditions: [['content-length-range', 1, 1000]], expiresIn: 600 }),
    );
    expect(post.prefix).toBe('inbox/p1/');
    expect(post.maxBytes).toBe(1000);
    expect(post.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('posts each file of a package under the prefix, partition folders kept', async () => {
    const post = presignedPostFrom(made({ conditions: [['content-length-range', 1, 1000]] }));
    const seen: string[] = [];
    const keys = await postPackage(
      entriesOf({
        'data/t/year=2024/part-00000.parquet': 'PAR1-bytes',
        'datapackage.json': '{"resources":[]}',
      }),
      post,
      { onFile: (p) => seen.push(p) },
    );
    expect(keys).toEqual([
      'inbox/p1/data/t/year=2024/part-00000.parquet',
      'inbox/p1/datapackage.json',
    ]);
    expect(seen).toEqual(['data/t/year=2024/part-00000.parquet', 'datapackage.json']);
    expect(await stored('inbox/p1/data/t/year=2024/part-00000.parquet')).toBe('PAR1-bytes');
    expect(await stored('inbox/p1/datapackage.json')).toBe('{"resources":[]}');
    expect(proxy.log.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      `POST /${BUCKET} 204`,
      `POST /${BUCKET} 204`,
    ]);
  });

  it('is refused, as S3 would, for a key outside the policy prefix', async () => {
    const post: PresignedPost = { ...presignedPostFrom(made()), prefix: 'elsewhere/' };
    const message = await refusal(postPackage(entriesOf({ 'a.txt': 'abc' }), post));
    expect(message).toBe(
      'share: S3 refused elsewhere/a.txt: the presigned POST\'s policy does not allow it (condition ["starts-with","$key","inbox/p1/"] failed)',
    );
    expect(await stored('elsewhere/a.txt')).toBeNull();
  });

  it('is refused for a file over the content-length-range (checked first, and by S3)', async () => {
    const post = presignedPostFrom(made({ conditions: [['content-length-range', 1, 4]] }));
    expect(await refusal(postPackage(entriesOf({ 'big.txt': 'too large' }), post))).toBe(
      'share: big.txt is 9 bytes, more than the 4 the presigned POST allows (content-length-range): make one with a larger limit',
    );
    expect(proxy.log).toEqual([]);
    // Without the check in the tab, the server refuses it itself.
    const message = await refusal(
      postPackage(entriesOf({ 'big.txt': 'too large' }), { ...post, maxBytes: null }),
    );
    expect(message).toMatch(/condition \["content-length-range",1,4\] failed/);
    expect(await stored('inbox/p1/big.txt')).toBeNull();
  });

  it('says the policy expired, on paste and when S3 finds it expired', async () => {
    const old = made({ signedAt: new Date(Date.now() - 3600_000), expiresIn: 60 });
    expect(() => presignedPostFrom(old)).toThrow(
      /^share: the presigned POST expired at .* UTC: make a new one$/,
    );
    const post = presignedPostFrom(old, new Date(Date.now() - 3590_000));
    expect(await refusal(postPackage(entriesOf({ 'a.txt': 'abc' }), post))).toBe(
      'share: the presigned POST has expired (Policy expired): make a new one',
    );
  });

  it('is refused when the signature does not match the policy, or a field is added', async () => {
    const post = presignedPostFrom(made());
    const forged = { ...post, fields: { ...post.fields, 'x-amz-signature': '0'.repeat(64) } };
    expect(await refusal(postPackage(entriesOf({ 'a.txt': 'abc' }), forged))).toMatch(
      /SignatureDoesNotMatch/,
    );
    const extra = { ...post, fields: { ...post.fields, acl: 'public-read' } };
    expect(await refusal(postPackage(entriesOf({ 'a.txt': 'abc' }), extra))).toBe(
      'share: S3 refused the POST: the policy does not cover the field(s) acl',
    );
    const otherBucket = presignedPostFrom(made({ bucket: 'other' }));
    const moved = { ...otherBucket, url: `${proxy.endpoint}/${BUCKET}` };
    expect(await refusal(postPackage(entriesOf({ 'a.txt': 'abc' }), moved))).toMatch(
      /condition \{"bucket":"other"\} failed/,
    );
    expect(await stored('inbox/p1/a.txt')).toBeNull();
  });

  it('names bad pastes plainly', () => {
    expect(() => presignedPostFrom("{'url': 'x'}")).toThrow(/is not JSON: paste what json\.dumps/);
    expect(() =>
      presignedPostFrom(
        '{"url":"https://b.s3.amazonaws.com/","fields":{"key":"a/b.txt","policy":"e30="}}',
      ),
    ).toThrow(/key must end in \$\{filename\}/);
    expect(() => presignedPostFrom('{"fields":{}}')).toThrow(/has no "url"/);
  });

  // boto3 comes with the scripts' Python environment (.venv-scripts/, made by .ci/run and the
  // scripts project); a plain machine's python3 may have it too. Skipped only where neither has it.
  const python = [`${process.cwd()}/.venv-scripts/bin/python`, 'python3'].find((p) => {
    try {
      execFileSync(p, ['-c', 'import boto3'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });

  it.skipIf(!python)('accepts a policy boto3 itself generated, and posts with it', async () => {
    const script = [
      'import boto3, json, sys',
      'from botocore.config import Config',
      "s3 = boto3.client('s3', region_name='us-east-1', endpoint_url=sys.argv[1], aws_access_key_id='ASIAPOSTER', aws_secret_access_key='poster-secret-never-shown', aws_session_token='poster-token-never-shown', config=Config(s3={'addressing_style': 'path'}, signature_version='s3v4'))",
      "print(json.dumps(s3.generate_presigned_post('drop', 'boto/${filename}', Conditions=[['content-length-range', 1, 100]], ExpiresIn=600)))",
    ].join('\n');
    // Not execFileSync: a blocked event loop lets the loopback server drop its idle keep-alive
    // socket just as fetch reuses it (ECONNRESET on a busy machine).
    const { stdout: json } = await promisify(execFile)(python!, ['-c', script, proxy.endpoint], {
      encoding: 'utf8',
    });
    const post = presignedPostFrom(json);
    expect(post.prefix).toBe('boto/');
    await postPackage(entriesOf({ 'x/y.txt': 'from boto3' }), post);
    expect(await stored('boto/x/y.txt')).toBe('from boto3');
    const forged = { ...post, fields: { ...post.fields, 'x-amz-signature': '1'.repeat(64) } };
    expect(await refusal(postPackage(entriesOf({ 'z.txt': 'no' }), forged))).toMatch(
      /SignatureDoesNotMatch/,
    );
  });
});
