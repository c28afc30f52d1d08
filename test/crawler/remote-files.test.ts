import { createServer, type Server } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRemoteFiles, textOfSources } from '../../src/crawler/remote-files';
import { fixturePath } from '../support/fixtures';
import { startS3Stack, type S3Stack } from '../support/s3-stack';
import { presign, putObject } from '../support/s3-server';

let stack: S3Stack;
const sizes = new Map<string, number>();
const SALES: string[] = [];
let plain: Server;
let plainUrl = '';

beforeAll(async () => {
  stack = await startS3Stack([{ name: 'lake' }, { name: 'open' }]);
  const root = fixturePath('sales');
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) =>
      statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)],
    );
  for (const f of walk(root).sort()) {
    const key = `sales/${relative(root, f)}`;
    const body = readFileSync(f);
    SALES.push(key);
    sizes.set(key, body.length);
    await putObject(stack.server, 'lake', key, body);
    await putObject(stack.server, 'open', key, body);
  }
  await putObject(stack.server, 'lake', 'sales/_SUCCESS', '');
  await putObject(stack.server, 'lake', 'sales/empty.csv', '');
  // A server that ignores Range: every answer is the whole body.
  plain = createServer((_req, res) => res.writeHead(200).end('a,b\n1,2\n3,4\n'));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainUrl = `http://127.0.0.1:${(plain.address() as { port: number }).port}/data/x.csv`;
}, 60_000);
afterAll(async () => {
  await stack?.close();
  plain?.close();
});

const get = (key: string, opts: Parameters<typeof presign>[3] = {}) =>
  presign(stack.proxy, 'lake', key, opts);
const list = (query: Record<string, string>) =>
  presign(stack.proxy, 'lake', '', { query: { 'list-type': '2', ...query } });

describe('findRemoteFiles against s3rver behind the S3-strict proxy', () => {
  it('lists a presigned ListObjectsV2 URL and matches its keys to presigned GET URLs', async () => {
    await stack.reset();
    const text = [
      await list({ prefix: 'sales/year=' }),
      ...(await Promise.all(SALES.map((k) => get(k)))),
    ].join('\n');
    const r = await findRemoteFiles(text, { origin: null });
    expect(r.problems).toEqual([]);
    expect(r.listed).toBe(3);
    expect(r.inputs.map((i) => [i.kind, i.path, i.size])).toEqual(
      SALES.map((k) => ['remote', k, sizes.get(k)]),
    );
    expect(r.inputs.every((i) => i.lastModified > Date.now() - 3600_000)).toBe(true);
    expect(r.sources).toHaveLength(1);
    expect(r.sources[0]).toMatchObject({ kind: 's3-list', name: 's3://lake/sales/year=' });
    const s = r.sources[0] as { objectUrls: Record<string, string> };
    expect(Object.keys(s.objectUrls).sort()).toEqual(SALES);
    const log = await stack.log();
    expect(log.map((e) => e.method)).not.toContain('HEAD');
    expect(log.filter((e) => e.path === '/lake')).toHaveLength(1);
    expect(log.filter((e) => e.path !== '/lake').map((e) => [e.range, e.status, e.bytes])).toEqual(
      SALES.map(() => ['bytes=0-0', 206, 1]),
    );
  });

  it('says which listed keys need a presigned GET URL (data files only)', async () => {
    const r = await findRemoteFiles(await list({ prefix: 'sales/' }), { origin: null });
    expect(r.inputs).toEqual([]);
    expect(r.problems).toHaveLength(1);
    const p = r.problems[0]!;
    expect(p).toMatchObject({ line: 1, reason: 'needs-get-url' });
    expect(p.keys).toEqual([...SALES, 'sales/empty.csv'].sort());
    expect(p.message).toMatch(
      /^remote: http:\/\/127\.0\.0\.1:\d+\/lake: 4 listed object\(s\) have no presigned GET URL among the pasted lines \(sales\/empty\.csv, sales\/year=2024\/month=01\/part-0\.csv, sales\/year=2024\/month=02\/part-0\.csv, …\): presign them for GET \(aws s3 presign s3:\/\/lake\/<key>\) and paste them too$/,
    );
    expect(p.text).not.toMatch(/X-Amz/);
  });

  it('follows continuation tokens of an unsigned listing (a public bucket) and makes the GET URLs', async () => {
    await stack.reset();
    const r = await findRemoteFiles(`${stack.proxy}/open?list-type=2&prefix=sales/&max-keys=1`, {
      origin: null,
    });
    expect(r.problems).toEqual([]);
    expect(r.inputs.map((i) => i.path)).toEqual(SALES);
    expect(r.inputs[0]!.url).toBe(`${stack.proxy}/open/sales/year%3D2024/month%3D01/part-0.csv`);
    const pages = (await stack.log()).filter((e) => e.path === '/open');
    expect(pages).toHaveLength(3);
    expect(r.sources).toEqual([
      {
        kind: 's3-list',
        name: 's3://open/sales/',
        listUrl: `${stack.proxy}/open?list-type=2&prefix=sales/&max-keys=1`,
        objectUrls: {},
      },
    ]);
  });

  it('stops at the second page of a presigned listing, naming the token to sign', async () => {
    const gets = await Promise.all(SALES.map((k) => get(k)));
    const r = await findRemoteFiles(
      [await list({ prefix: 'sales/year=', 'max-keys': '2' }), ...gets].join('\n'),
      {
        origin: null,
      },
    );
    // All three objects are still read: the third by its own GET URL.
    expect(r.inputs.map((i) => i.path)).toEqual(SALES);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 1, reason: 'next-page' });
    expect(r.problems[0]!.message).toMatch(
      /^remote: http:\/\/127\.0\.0\.1:\d+\/lake: the listing has more pages than the first \(2 objects so far\) and S3 refuses the next one: a presigned URL covers its exact query, so each page needs its own\. Presign the listing again with continuation-token=\S+ and paste that URL too, or list a narrower prefix$/,
    );
  });

  it('refuses an expired URL before any request, and says when it expired', async () => {
    await stack.reset();
    const url = await get(SALES[0]!, { signedAt: new Date(Date.now() - 7200_000), expiresIn: 900 });
    const r = await findRemoteFiles(`\n${url}`, { origin: null });
    expect(r.inputs).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 2, reason: 'expired' });
    expect(r.problems[0]!.message).toMatch(
      /^remote: http:\/\/127\.0\.0\.1:\d+\/lake\/sales\/year=2024\/month=01\/part-0\.csv: the presigned URL expired at .* UTC \(\d+ min ago; it was signed at .* UTC to last 15 min\); presign it again and paste the new URL$/,
    );
    expect(await stack.log()).toEqual([]);
  });

  it('gives S3 answers their precise messages: 404, a changed URL, an empty object', async () => {
    const tampered = new URL(await get(SALES[0]!));
    tampered.searchParams.set('x-id', 'GetObject');
    const r = await findRemoteFiles(
      [await get('sales/nope.csv'), tampered.href, await get('sales/empty.csv')].join('\n'),
      { origin: null },
    );
    expect(r.problems.map((p) => [p.line, p.reason])).toEqual([
      [1, 'not-found'],
      [2, 'signature'],
    ]);
    expect(r.problems[0]!.message).toMatch(/no such object \(404 NoSuchKey/);
    expect(r.inputs).toEqual([expect.objectContaining({ path: 'sales/empty.csv', size: 0 })]);
  });

  it('refuses a server that ignores Range, and plain http:// away from this computer', async () => {
    const r = await findRemoteFiles(`${plainUrl}\nhttp://example.com/x.csv\ns3://lake/x.csv`, {
      origin: null,
    });
    expect(r.problems.map((p) => [p.line, p.reason])).toEqual([
      [1, 'no-range'],
      [2, 'mixed-content'],
      [3, 'bad-url'],
    ]);
    expect(r.problems[0]!.message).toMatch(/the server ignores byte ranges \(it answered 200/);
  });

  it('a saved crawler reads the same objects again from its sources', async () => {
    const text = [
      await list({ prefix: 'sales/year=' }),
      ...(await Promise.all(SALES.map((k) => get(k)))),
    ].join('\n');
    const first = await findRemoteFiles(text, { origin: null });
    const again = await findRemoteFiles(textOfSources(first.sources), { origin: null });
    expect(again.problems).toEqual([]);
    expect(again.inputs.map((i) => [i.path, i.size])).toEqual(
      first.inputs.map((i) => [i.path, i.size]),
    );
  });
});
