import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dataPackageFromTables,
  fieldTypeFromDuckDb,
  standardName,
  type DataPackage,
  type PackagedTable,
} from '../../src/share/datapackage';
import { nativeRead } from '../support/native-duckdb';
import { fixturePath } from '../support/fixtures';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { attachSalesFolder } from '../jobs/job-support';
import { quoteLiteral } from '../../src/core/sql/quote';
import { errorLines, officialValidator } from './datapackage-schema';
import { PEOPLE, PEOPLE_CSV, SALES } from './share-fixtures';
import { attachCsv, scratchDir, tablesOf, writePackagedTable } from './share-support';

const tabular = officialValidator('tabular-data-package');
const general = officialValidator('data-package');
const CREATED = new Date('2026-12-02T18:00:00Z');

let engine: NodeEngine;
let root: string;
let people: PackagedTable;
let sales: PackagedTable;
let doc: DataPackage;

beforeAll(async () => {
  engine = await startNodeEngine();
  attachCsv(engine, 'hr', 'people', [...PEOPLE.columns], PEOPLE_CSV);
  attachSalesFolder(tablesOf(engine), fixturePath('sales'), 'shop', 'sales');
  root = scratchDir();
  people = await writePackagedTable(
    engine,
    root,
    { ...PEOPLE, description: 'Staff, by region', primaryKey: ['id'] },
    {
      omit: ['ssn', 'x"; DROP'],
      redact: ['phone'],
      hash: ['email'],
      salt: 'pepper',
      rowFilter: {
        combine: 'AND',
        clauses: [{ column: 'region', op: 'EQ', value: { kind: 'constant', value: 'north' } }],
      },
    },
    'hr.people',
  );
  sales = await writePackagedTable(
    engine,
    root,
    { ...SALES, primaryKey: ['id'] },
    { hash: ['sku'], salt: 'pepper' },
    'shop.sales',
  );
  doc = dataPackageFromTables({ title: 'HR & Shop, Q4', created: CREATED }, [people, sales]);
}, 120_000);

describe('dataPackageFromTables', () => {
  it('validates against the official Tabular Data Package and Data Package schemas', () => {
    const json = JSON.parse(JSON.stringify(doc));
    expect(errorLines(tabular(json) ? [] : tabular.errors)).toEqual([]);
    expect(errorLines(general(json) ? [] : general.errors)).toEqual([]);
    expect(json.name).toBe('hr_shop_q4');
    expect(json.created).toBe('2026-12-02T18:00:00.000Z');
  });

  it('describes the withheld columns, types, keys and comments of a filtered table', () => {
    const r = doc.resources[0]!;
    expect(r).toMatchObject({
      profile: 'tabular-data-resource',
      name: 'hr.people',
      title: 'hr.people',
      description: 'Staff, by region',
      format: 'parquet',
      mediatype: 'application/vnd.apache.parquet',
      stats: { rows: 3 },
    });
    expect(typeof r.path).toBe('string');
    expect(r.schema.primaryKey).toEqual(['id']);
    expect(r.schema.fields).toEqual([
      { name: 'id', type: 'integer', description: 'employee number' },
      { name: 'name', type: 'string' },
      {
        name: 'email',
        type: 'string',
        description:
          'Hashed: each value is the hex SHA-256 of a secret salt followed by the value.',
      },
      { name: 'phone', type: 'string', description: 'Redacted: every value is empty (null).' },
      { name: 'region', type: 'string' },
      { name: 'amount', type: 'number' },
    ]);
    expect(r.withheld).toEqual([
      'Columns "ssn", "x\\"; DROP" are left out: no value of them is in this package.',
      'Column "email" is hashed: each value is replaced by the hex SHA-256 of a secret salt ' +
        'followed by the value, so equal values keep equal tokens (they still join) but the ' +
        'values cannot be read back.',
      'Column "phone" is redacted: every value is empty (null).',
      'Only rows where "region" is "north" are included.',
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/SENTINEL|pepper|social security/);
  });

  it('lists a partitioned table’s files in their key=value folders, with sizes, hashes and rows native DuckDB agrees with', async () => {
    const r = doc.resources[1]!;
    expect(r.name).toBe('shop.sales');
    expect(r.partitionKeys).toEqual(['year', 'month']);
    expect(Array.isArray(r.path)).toBe(true);
    const paths = r.path as string[];
    expect(paths.length).toBeGreaterThan(1);
    for (const p of paths)
      expect(p).toMatch(/^data\/shop\.sales\/year=\d+\/month=\d+\/part-\d{5}\.parquet$/);
    let whole = createHash('sha256');
    let bytes = 0;
    for (const f of r.files) {
      const data = readFileSync(join(root, f.path));
      expect(f.bytes).toBe(data.length);
      expect(f.hash).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
      whole = whole.update(data);
      bytes += data.length;
    }
    expect(r.bytes).toBe(bytes);
    expect(r.hash).toBe(`sha256:${whole.digest('hex')}`);
    const glob = join(root, 'data/shop.sales/**/*.parquet');
    const back = await nativeRead(`read_parquet(${quoteLiteral(glob)}, hive_partitioning = true)`);
    expect(back.rows.length).toBe(r.stats.rows);
    const all = engine.s.rows('SELECT count(*) AS n FROM shop.sales')[0]!.n;
    expect(r.stats.rows).toBe(all);
    // DuckDB appends hive columns in its own order: compare the sets.
    expect(back.columns.map((c) => c[0]).sort()).toEqual(r.schema.fields.map((f) => f.name).sort());
    expect(r.schema.fields.slice(-2)).toEqual([
      {
        name: 'year',
        type: 'integer',
        description: 'Partition key: read from the `key=value` folder names.',
      },
      {
        name: 'month',
        type: 'integer',
        description: 'Partition key: read from the `key=value` folder names.',
      },
    ]);
  });

  it('drops a primary key whose column is redacted or left out', () => {
    const redacted = dataPackageFromTables({ title: 't', created: CREATED }, [
      { ...people, primaryKey: ['phone'] },
    ]);
    expect(redacted.resources![0]!.schema.primaryKey).toBeUndefined();
    const gone = dataPackageFromTables({ title: 't', created: CREATED }, [
      { ...people, primaryKey: ['ssn'] },
    ]);
    expect(gone.resources[0]!.schema.primaryKey).toBeUndefined();
  });
});

describe('the official schema refuses what the standard does not allow', () => {
  /** A copy of the document as plain JSON, free to be broken in ways its type forbids. */
  type Loose = { [key: string]: Loose } & Loose[];
  const broken: [string, (d: Loose) => void, RegExp][] = [
    [
      'an upper-case resource name',
      (d) => (d.resources![0]!.name = 'HR.People' as never),
      /\/resources\/0\/name/,
    ],
    [
      'a hash that is not hex',
      (d) => (d.resources![0]!.hash = 'sha256:zz' as never),
      /\/resources\/0\/hash/,
    ],
    [
      'an unknown field type',
      (d) => (d.resources![1]!.schema!.fields![0]!.type = 'int64' as never),
      /\/resources\/1\/schema\/fields\/0/,
    ],
    [
      'no fields',
      (d) => (d.resources![0]!.schema!.fields = [] as never),
      /\/resources\/0\/schema\/fields/,
    ],
    ['no resources', (d) => (d.resources = [] as never), /\/resources/],
    ['a wrong profile', (d) => (d.profile = 'fiscal-data-package' as never), /\/profile/],
    ['bytes as text', (d) => (d.resources![0]!.bytes = '12' as never), /\/resources\/0\/bytes/],
  ];
  it.each(broken)('%s', (_, breakIt, where) => {
    const copy = JSON.parse(JSON.stringify(doc));
    breakIt(copy);
    expect(tabular(copy)).toBe(false);
    expect(errorLines(tabular.errors).join('\n')).toMatch(where);
  });
});

describe('fieldTypeFromDuckDb', () => {
  it('maps the type names DuckDB reports', () => {
    const described = engine.s.rows(
      `DESCRIBE SELECT 1::TINYINT a, 1::HUGEINT b, 1::UBIGINT c, 1.5::FLOAT d, 1.5::DECIMAL(10,2) e,
        'x' f, true g, DATE '2024-01-01' h, TIMESTAMP '2024-01-01' i, TIMESTAMPTZ '2024-01-01' j,
        TIME '10:00' k, INTERVAL 1 DAY l, [1, 2] m, {'p': 1} n, MAP {'k': 1} o, [1, 2]::INTEGER[2] p,
        gen_random_uuid() q, 'x'::BLOB r, 'a'::ENUM('a', 'b') s, 1::BIGINT t`,
    );
    const mapped = Object.fromEntries(
      described.map((r) => [r.column_name, fieldTypeFromDuckDb(String(r.column_type))]),
    );
    expect(mapped).toEqual({
      a: { type: 'integer' },
      b: { type: 'integer' },
      c: { type: 'integer' },
      d: { type: 'number' },
      e: { type: 'number' },
      f: { type: 'string' },
      g: { type: 'boolean' },
      h: { type: 'date' },
      i: { type: 'datetime' },
      j: { type: 'datetime' },
      k: { type: 'time' },
      l: { type: 'duration' },
      m: { type: 'array' },
      n: { type: 'object' },
      o: { type: 'object' },
      p: { type: 'array' },
      q: { type: 'string', format: 'uuid' },
      r: { type: 'string', format: 'binary' },
      s: { type: 'string' },
      t: { type: 'integer' },
    });
    expect(fieldTypeFromDuckDb('GEOMETRY')).toEqual({ type: 'any' });
  });
});

describe('standardName', () => {
  it('lower-cases, replaces what the standard refuses, and numbers repeats', () => {
    const taken = new Set<string>();
    expect(standardName('Shop.Sales', taken)).toBe('shop.sales');
    expect(standardName('shop.sales', taken)).toBe('shop.sales-2');
    expect(standardName('Été / ventes', taken)).toBe('t_ventes');
    expect(standardName('***', taken)).toBe('table');
  });
});
