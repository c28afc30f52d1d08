/**
 * A table made by a job carries its recipe into the package: the resource names the file, the
 * receiver reads it back as the same recipe (to open as a job), and a recipe that is damaged or
 * missing is a problem in words on its table while the package still opens.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogTable } from '../../src/catalog';
import { recipeSummary } from '../../src/jobs';
import { readPackage } from '../../src/share/open-package';
import { packageEntries } from '../../src/share/package-files';
import { folderPackageSource, type FetchPort } from '../../src/share/package-source';
import { compileShare } from '../../src/share/share-rules';
import { SALES, SALES_RECIPE } from './share-fixtures';

const noFetch: FetchPort = {
  fetch: () => Promise.reject(new Error('test: no network')),
  origin: null,
  now: () => Date.parse('2026-12-03T08:00:00Z'),
};

const table: CatalogTable = {
  ...SALES,
  columns: [...SALES.columns],
  partitionKeys: [...SALES.partitionKeys],
  description: '',
  classification: 'parquet',
  sources: [],
  parameters: {},
  updatedBy: { kind: 'job', name: 'daily sales' },
  version: 1,
  createdAt: 0,
  updatedAt: 0,
};

/** The package's files by path (the data files' bytes are not Parquet: nothing here reads them). */
let files: Map<string, Uint8Array>;

beforeAll(async () => {
  const { entries } = packageEntries({
    title: 'Daily sales',
    created: new Date('2026-12-02T00:00:00Z'),
    tables: [
      {
        table,
        share: compileShare(SALES, {}),
        parts: [{ values: ['2024', '1'], rows: 3, data: new Blob(['not parquet']) }],
        recipe: SALES_RECIPE,
      },
    ],
  });
  files = new Map();
  for await (const e of entries) {
    const chunks: Uint8Array[] = [];
    if (e.data instanceof Uint8Array) chunks.push(e.data);
    else for await (const c of e.data) chunks.push(c);
    files.set(e.path, new Uint8Array(Buffer.concat(chunks)));
  }
});

const folder = (over: Record<string, string | null> = {}) => {
  const all = new Map(files);
  for (const [path, text] of Object.entries(over))
    if (text === null) all.delete(path);
    else all.set(path, new TextEncoder().encode(text));
  return folderPackageSource(
    [...all].map(([path, bytes]) => ({
      path: `sales/${path}`,
      file: new File([bytes as Uint8Array<ArrayBuffer>], path.split('/').pop()!),
    })),
    'sales',
  );
};

describe("a package table's recipe", () => {
  it('is read back as the recipe that was packaged, with its job, sources and steps in words', async () => {
    const pkg = await readPackage(folder(), noFetch);
    const recipe = pkg.tables[0]!.recipe;
    expect(recipe).toEqual({ path: 'recipes/shop.sales.json', recipe: SALES_RECIPE });
    expect(recipeSummary(SALES_RECIPE)).toEqual({
      job: 'daily sales',
      sources: ['table shop.sales (5 columns: id, sku, price, year, month)'],
      steps: ['Filter "price > 2"', 'Target "out"'],
    });
  });

  it('is a problem in words, not a refusal, when the recipe file is damaged or missing', async () => {
    const damaged = await readPackage(
      folder({ 'recipes/shop.sales.json': '{"format":"decant-recipe","version":1}' }),
      noFetch,
    );
    expect(damaged.tables[0]!.recipe).toMatchObject({
      path: 'recipes/shop.sales.json',
      problem: expect.stringMatching(/^its recipe "recipes\/shop.sales.json" cannot be opened: /),
    });
    expect(damaged.tables[0]!.files).toHaveLength(1);

    const missing = await readPackage(folder({ 'recipes/shop.sales.json': null }), noFetch);
    expect(missing.tables[0]!.recipe).toEqual({
      path: 'recipes/shop.sales.json',
      problem: 'its recipe "recipes/shop.sales.json" is missing from the package',
    });
  });

  it('refuses a recipe path that leaves the package', async () => {
    const doc = JSON.parse(new TextDecoder().decode(files.get('datapackage.json')!));
    doc.resources[0].recipe = '../../etc/passwd';
    await expect(
      readPackage(folder({ 'datapackage.json': JSON.stringify(doc) }), noFetch),
    ).rejects.toThrow(
      'share: resource "shop.sales": recipe "../../etc/passwd" is not a file inside the package',
    );
  });
});
