import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CatalogTable } from '../../src/catalog';
import { packageEntries } from '../../src/share/package-files';
import { compileShare } from '../../src/share/share-rules';
import { insidePackage, listedFiles, verifyFile } from '../../src/share/verify-package';
import { decantErrorFrom } from '../support/decant-error';
import { SALES } from './share-fixtures';

const TABLE: CatalogTable = {
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

/** A packaged table of two parts (random bytes stand in for Parquet), every file in memory. */
async function packaged(): Promise<Map<string, Uint8Array>> {
  const { entries } = packageEntries({
    title: 'sales',
    created: new Date(0),
    tables: [
      {
        table: TABLE,
        share: compileShare(SALES, {}),
        parts: [
          { values: ['2024', '1'], rows: 10, data: new Blob([randomBytes(70_000)]) },
          { values: ['2024', '2'], rows: 5, data: new Blob([randomBytes(1_000)]) },
        ],
      },
    ],
  });
  const files = new Map<string, Uint8Array>();
  for await (const e of entries) {
    if (e.data instanceof Uint8Array) files.set(e.path, e.data);
    else {
      const chunks: Uint8Array[] = [];
      for await (const c of e.data) chunks.push(c);
      files.set(e.path, Buffer.concat(chunks));
    }
  }
  return files;
}

async function* chunksOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
}

async function rejection(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return (e as Error).message;
}

describe('verifyFile', () => {
  it('accepts every file of a package as written, and names a changed or cut one', async () => {
    const files = await packaged();
    const doc = JSON.parse(new TextDecoder().decode(files.get('datapackage.json')));
    const listed = listedFiles(doc);
    expect(listed.map((f) => [f.resource, f.path, f.rows])).toEqual([
      ['shop.sales', 'data/shop.sales/year=2024/month=1/part-00000.parquet', 10],
      ['shop.sales', 'data/shop.sales/year=2024/month=2/part-00001.parquet', 5],
    ]);
    for (const f of listed) await verifyFile(f, chunksOf(files.get(f.path)!));

    const first = listed[0]!;
    const changed = Uint8Array.from(files.get(first.path)!);
    changed[12_345]! ^= 1;
    expect(await rejection(verifyFile(first, chunksOf(changed)))).toMatch(
      /^share: "data\/shop\.sales\/year=2024\/month=1\/part-00000\.parquet" does not match datapackage\.json: its SHA-256 is [0-9a-f]{64}, the package says [0-9a-f]{64}; the file was changed$/,
    );
    expect(await rejection(verifyFile(first, chunksOf(changed.subarray(1))))).toBe(
      'share: "data/shop.sales/year=2024/month=1/part-00000.parquet" is 69999 bytes, but datapackage.json says 70000: the file was changed or cut short',
    );
  });
});

describe('listedFiles', () => {
  const doc = (file: Record<string, unknown>) => ({
    resources: [
      {
        name: 'shop.sales',
        files: [{ path: 'data/x.parquet', bytes: 1, hash: `sha256:${'a'.repeat(64)}`, ...file }],
      },
    ],
  });
  it.each([
    ['../outside.parquet', /path "\.\.\/outside\.parquet" is not a file inside the package/],
    ['/etc/passwd', /path "\/etc\/passwd" is not a file inside the package/],
    ['https://elsewhere.example/x.parquet', /is not a file inside the package/],
    ['data//x.parquet', /is not a file inside the package/],
    ['data\\x.parquet', /is not a file inside the package/],
  ])('refuses the path %j', (path, message) => {
    expect(decantErrorFrom(() => listedFiles(doc({ path }))).message).toMatch(message);
  });

  it('refuses a hash that is not SHA-256, a size that is not one, and no file list', () => {
    expect(decantErrorFrom(() => listedFiles(doc({ hash: 'md5:abc' }))).message).toBe(
      'share: resource "shop.sales", file 1 ("data/x.parquet"): hash is not "sha256:<64 hex digits>"',
    );
    expect(decantErrorFrom(() => listedFiles(doc({ bytes: -1 }))).message).toMatch(
      /bytes is not a size/,
    );
    expect(
      decantErrorFrom(() => listedFiles({ resources: [{ name: 'a', path: 'x' }] })).message,
    ).toBe('share: resource "a" has no "files" list with sizes and hashes');
    expect(decantErrorFrom(() => listedFiles({})).message).toBe(
      'share: datapackage.json lists no resources',
    );
  });

  it('insidePackage keeps plain relative paths', () => {
    expect(insidePackage('data/shop.sales/year=2024/part-00000.parquet')).toBe(true);
    expect(insidePackage('./data/x')).toBe(false);
  });
});
