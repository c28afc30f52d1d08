import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogTable } from '../../src/catalog';
import { quoteLiteral } from '../../src/core/sql/quote';
import type { DataPackage } from '../../src/share/datapackage';
import {
  packageEntries,
  packageZip,
  PLACEHOLDER_LOCATION,
  type PackageInput,
  type PackageTableInput,
} from '../../src/share/package-files';
import {
  compileShare,
  shareTargetSpec,
  type ShareRules,
  type ShareSource,
} from '../../src/share/share-rules';
import { DecantError } from '../../src/core/errors';
import { fixturePath } from '../support/fixtures';
import { nativeRead } from '../support/native-duckdb';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { attachSalesFolder } from '../jobs/job-support';
import { errorLines, officialValidator } from './datapackage-schema';
import { recipeFromText } from '../../src/jobs';
import { PEOPLE, PEOPLE_CSV, SALES, SALES_RECIPE } from './share-fixtures';
import { attachCsv, scratchDir, tablesOf, writeParquet } from './share-support';

const CREATED = new Date('2026-12-02T18:00:00Z');
const tabular = officialValidator('tabular-data-package');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function catalogTable(s: ShareSource, description: string): CatalogTable {
  return {
    database: s.database,
    name: s.name,
    description,
    classification: 'csv',
    sources: [],
    columns: [...s.columns],
    partitionKeys: [...s.partitionKeys],
    parameters: { delimiter: ',', header: true },
    updatedBy: { kind: 'user' },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };
}

let engine: NodeEngine;
async function tableInput(
  s: ShareSource,
  rules: ShareRules,
  extra: Partial<PackageTableInput> = {},
): Promise<PackageTableInput> {
  const share = compileShare(s, rules);
  // Uncompressed Parquet, so a withheld value would show in the zip's bytes.
  const parts = await writeParquet(engine, shareTargetSpec(share), 'none');
  return {
    table: catalogTable(s, `The ${s.name} table`),
    share,
    parts: parts.map((p) => ({
      values: p.values,
      rows: p.rows,
      data: new Blob([p.bytes as Uint8Array<ArrayBuffer>]),
    })),
    ...extra,
  };
}

/** Every file under `dir`, by its path relative to it. */
function filesUnder(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) =>
      statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)],
    );
  return walk(dir)
    .map((f) => relative(dir, f))
    .sort();
}

let input: PackageInput;
let dir: string;
let zipBytes: Buffer;
let manifest: DataPackage;

beforeAll(async () => {
  engine = await startNodeEngine();
  attachCsv(engine, 'hr', 'people', [...PEOPLE.columns], PEOPLE_CSV);
  attachSalesFolder(tablesOf(engine), fixturePath('sales'), 'shop', 'sales');
  input = {
    title: 'HR and Shop',
    created: CREATED,
    location: 's3://bucket/pkg',
    tables: [
      await tableInput(
        PEOPLE,
        {
          omit: ['ssn', 'x"; DROP'],
          redact: ['phone'],
          hash: ['email'],
          salt: 'pepper',
        },
        { primaryKey: ['id'] },
      ),
      await tableInput(SALES, { omit: ['month'] }, { recipe: SALES_RECIPE }),
    ],
  };
  dir = scratchDir();
  const zipPath = join(dir, 'package.zip');
  const out = packageZip(input);
  await pipeline(Readable.fromWeb(out.zip as never), createWriteStream(zipPath));
  manifest = await out.manifest;
  zipBytes = readFileSync(zipPath);
  // Debian's unzip: an independent reader, which also checks every entry's CRC.
  execFileSync('unzip', ['-q', zipPath, '-d', join(dir, 'x')]);
  execFileSync('unzip', ['-tq', zipPath]);
}, 180_000);

describe('packageZip', () => {
  it('holds the Parquet files, datapackage.json, README, Glue, Athena and recipe files', () => {
    const files = filesUnder(join(dir, 'x'));
    expect(files.filter((f) => !f.startsWith('data/'))).toEqual([
      'README.md',
      'athena/hr.people.sql',
      'athena/shop.sales.sql',
      'datapackage.json',
      'glue/hr.people.table-input.json',
      'glue/shop.sales.table-input.json',
      'recipes/shop.sales.json',
    ]);
    expect(files).toContain('data/hr.people/part-00000.parquet');
    const sales = files.filter((f) => f.startsWith('data/shop.sales/'));
    expect(sales.length).toBeGreaterThan(1);
    for (const f of sales) expect(f).toMatch(/^data\/shop\.sales\/year=\d+\/part-\d{5}\.parquet$/);
    expect(recipeFromText(readFileSync(join(dir, 'x/recipes/shop.sales.json'), 'utf8'))).toEqual(
      SALES_RECIPE,
    );
  });

  it('writes a datapackage.json whose every hash and size is that of the unzipped file', () => {
    const doc = JSON.parse(readFileSync(join(dir, 'x/datapackage.json'), 'utf8'));
    expect(doc).toEqual(JSON.parse(JSON.stringify(manifest)));
    expect(errorLines(tabular(doc) ? [] : tabular.errors)).toEqual([]);
    let checked = 0;
    for (const r of doc.resources as DataPackage['resources']) {
      const whole = createHash('sha256');
      const paths = Array.isArray(r.path) ? r.path : [r.path];
      expect(r.files.map((f) => f.path)).toEqual(paths);
      for (const f of r.files) {
        const data = readFileSync(join(dir, 'x', f.path));
        expect(f.hash).toBe(`sha256:${sha(data)}`);
        expect(f.bytes).toBe(data.length);
        whole.update(data);
        checked++;
      }
      expect(r.hash).toBe(`sha256:${whole.digest('hex')}`);
    }
    expect(checked).toBe(filesUnder(join(dir, 'x/data')).length);
    // Each resource names its recipe's file, when a job made it.
    expect(doc.resources.map((r: DataPackage['resources'][number]) => r.recipe)).toEqual([
      undefined,
      'recipes/shop.sales.json',
    ]);
  });

  it('leaves no withheld value anywhere in the zip; native DuckDB reads the shared rows', async () => {
    expect(zipBytes.includes('north')).toBe(true);
    for (const secret of ['SENTINEL', 'example.org', 'pepper', 'social security'])
      expect(zipBytes.includes(secret), secret).toBe(false);
    const people = await nativeRead(
      `read_parquet(${quoteLiteral(join(dir, 'x/data/hr.people/*.parquet'))})`,
    );
    expect(people.columns.map((c) => c[0])).toEqual([
      'id',
      'name',
      'email',
      'phone',
      'region',
      'amount',
    ]);
    expect(people.rows).toHaveLength(4);
    const glob = join(dir, 'x/data/shop.sales/**/*.parquet');
    const sales = await nativeRead(`read_parquet(${quoteLiteral(glob)}, hive_partitioning = true)`);
    const all = engine.s.rows('SELECT count(*) AS n FROM shop.sales')[0]!.n;
    expect(sales.rows).toHaveLength(Number(all));
    // month was left out: neither a column nor a folder.
    expect(sales.columns.map((c) => c[0]).sort()).toEqual(['id', 'price', 'sku', 'year']);
  });

  it('points Glue and Athena at the package’s own files, with the shared schema', () => {
    const glue = JSON.parse(readFileSync(join(dir, 'x/glue/shop.sales.table-input.json'), 'utf8'));
    expect(glue.Name).toBe('sales');
    expect(glue.StorageDescriptor.Location).toBe('s3://bucket/pkg/data/shop.sales/');
    expect(glue.StorageDescriptor.SerdeInfo.SerializationLibrary).toMatch(/ParquetHiveSerDe/);
    expect(glue.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual(['year']);
    expect(glue.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).toEqual([
      'id',
      'sku',
      'price',
    ]);
    expect(glue.Parameters).toMatchObject({
      classification: 'parquet',
      recordCount: String(manifest.resources[1]!.stats.rows),
    });
    const people = JSON.parse(readFileSync(join(dir, 'x/glue/hr.people.table-input.json'), 'utf8'));
    expect(
      people.StorageDescriptor.Columns.map(
        (c: { Name: string; Type: string }) => `${c.Name} ${c.Type}`,
      ),
    ).toEqual([
      'id bigint',
      'name string',
      'email string',
      'phone string',
      'region string',
      'amount double',
    ]);
    const ddl = readFileSync(join(dir, 'x/athena/shop.sales.sql'), 'utf8');
    expect(ddl).toMatch(/^CREATE EXTERNAL TABLE `shop`\.`sales` \(/);
    expect(ddl).toContain("LOCATION 's3://bucket/pkg/data/shop.sales/'");
    expect(ddl).toMatch(/MSCK REPAIR TABLE `shop`\.`sales`;\n$/);
    expect(readFileSync(join(dir, 'x/athena/hr.people.sql'), 'utf8')).not.toMatch(/MSCK/);
  });

  it('writes a README naming each table, its withheld columns and the recipe', () => {
    const readme = readFileSync(join(dir, 'x/README.md'), 'utf8');
    expect(readme).toMatch(/^# HR and Shop\n/);
    expect(readme).toContain('## hr.people');
    expect(readme).toContain('- Columns "ssn", "x\\\\"; DROP" are left out');
    expect(readme).toContain(
      'Made by the job "daily sales"; its recipe is recipes/shop.sales.json (open it in Decant',
    );
    expect(readme).toContain('- table shop.sales (5 columns: id, sku, price, year, month)');
    expect(readme).toContain('1. Filter "price &gt; 2"');
    expect(readme).toContain('- glue/shop.sales.table\\-input.json'.replace('\\-', '-'));
    expect(readme).not.toContain(PLACEHOLDER_LOCATION);
  });
});

describe('packageEntries', () => {
  it('hashes a file of many chunks as it streams, and uses a placeholder location when none is given', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    // A Blob of many parts streams as many chunks, as a File read from disk does.
    const chunked = new Blob(
      Array.from({ length: 49 }, (_, i) => big.subarray(i * 65536, (i + 1) * 65536)),
    );
    const base = await tableInput(PEOPLE, { omit: ['ssn'] });
    const { entries, manifest } = packageEntries({
      title: 'big',
      created: CREATED,
      tables: [{ ...base, parts: [{ values: [], rows: 4, data: chunked }] }],
    });
    let chunks = 0;
    const texts = new Map<string, string>();
    for await (const e of entries) {
      if (e.data instanceof Uint8Array) texts.set(e.path, new TextDecoder().decode(e.data));
      else for await (const _ of e.data) chunks++;
    }
    expect(chunks).toBeGreaterThan(1);
    const doc = await manifest;
    expect(doc.resources[0]!.hash).toBe(`sha256:${sha(big)}`);
    expect(doc.resources[0]!.bytes).toBe(big.length);
    expect(
      JSON.parse(texts.get('glue/hr.people.table-input.json')!).StorageDescriptor.Location,
    ).toBe(`${PLACEHOLDER_LOCATION}data/hr.people/`);
    expect(texts.get('README.md')).toContain('replace it with where the package is uploaded');
  });

  it('refuses to go on when a Parquet entry was not read to its end', async () => {
    const base = await tableInput(PEOPLE, {});
    const { entries, manifest } = packageEntries({ title: 't', created: CREATED, tables: [base] });
    const it = entries[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.path).toBe('data/hr.people/part-00000.parquet');
    const e = await it.next().then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(DecantError);
    expect((e as DecantError).message).toMatch(
      /^share: cannot package data\/hr\.people\/part-00000\.parquet: 0 of its \d+ bytes were read$/,
    );
    await expect(manifest).rejects.toBe(e);
  });
});
