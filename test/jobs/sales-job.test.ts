import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { compileJob } from '../../src/jobs/compile';
import type { CompileContext } from '../../src/jobs/context';
import { validateJob } from '../../src/jobs/validate';
import { CSV, nodeTables } from '../engine/catalog-support';
import { expected, fixturePath } from '../support/fixtures';
import { nativeRead } from '../support/native-duckdb';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { attachSalesFolder, jobOf, node, SALES_COLUMNS, target } from './job-support';

/**
 * The job of the issue's end-to-end test, on the `sales` fixture: filter + join + aggregate,
 * compiled, run on DuckDB-WASM, and checked against the fixture's known answer and against
 * native DuckDB reading the same files with its own (independent) query.
 */

const SALES = fixturePath('sales');
let engine: NodeEngine;
let ctx: CompileContext;
let skus: string;

beforeAll(async () => {
  engine = await startNodeEngine();
  const tables = nodeTables(engine);
  // The fixture's known columns are the ones the shared table uses.
  expect(SALES_COLUMNS).toEqual(expected('sales').columns);
  ctx = { tables: [attachSalesFolder(tables, SALES, 'shop', 'sales')] };
  // A dropped file: categories for some SKUs (e has none).
  skus = join(mkdtempSync(join(tmpdir(), 'h5-skus-')), 'skus.csv');
  writeFileSync(skus, 'sku,category\na,fruit\nb,fruit\nc,veg\nd,veg\n');
  engine.register('job-skus.csv', skus);
});

function salesJob() {
  return jobOf(
    [
      node('catalog-source', 'sales', { database: 'shop', table: 'sales' }, 'sales'),
      node(
        'file-source',
        'skus',
        {
          path: 'job-skus.csv',
          dialect: CSV,
          columns: [
            { name: 'sku', type: 'VARCHAR' },
            { name: 'category', type: 'VARCHAR' },
          ],
        },
        'skus.csv',
      ),
      // Every row, by partition: the fixture's own answer.
      node('join', 'all', { type: 'left', on: [{ left: 'sku', right: 'sku' }] }, 'sales+skus'),
      node(
        'aggregate',
        'per-partition',
        { groupBy: ['year', 'month'], aggregations: [{ column: '*', fn: 'count', as: 'rows' }] },
        'rows per partition',
      ),
      // Sales over 2 with a category, by year and category.
      node(
        'filter',
        'over-2',
        {
          filter: {
            combine: 'AND',
            clauses: [
              { column: 'price', op: 'GT', value: { kind: 'constant', value: '${min_price}' } },
            ],
          },
        },
        'price > min',
      ),
      node(
        'join',
        'categorised',
        { type: 'inner', on: [{ left: 'sku', right: 'sku' }] },
        'sales+categories',
      ),
      node(
        'aggregate',
        'by-category',
        {
          groupBy: ['year', 'category'],
          aggregations: [
            { column: 'price', fn: 'sum', as: 'revenue' },
            { column: 'id', fn: 'count', as: 'sales' },
          ],
        },
        'revenue by category',
      ),
      target('t-partitions'),
      target('t-categories'),
    ],
    [
      ['sales', 'all', 0],
      ['skus', 'all', 1],
      ['all', 'per-partition'],
      ['per-partition', 't-partitions'],
      ['sales', 'over-2'],
      ['over-2', 'categorised', 0],
      ['skus', 'categorised', 1],
      ['categorised', 'by-category'],
      ['by-category', 't-categories'],
    ],
    { parameters: [{ name: 'min_price', value: '2' }] },
  );
}

describe('filter + join + aggregate over the sales fixture', () => {
  it('validates cleanly and compiles to one statement per target', () => {
    expect(validateJob(salesJob(), ctx)).toEqual([]);
    const c = compileJob(salesJob(), ctx);
    expect(c.targets).toHaveLength(2);
    expect(c.targets[1]!.columns).toEqual([
      { name: 'year', type: 'BIGINT' },
      { name: 'category', type: 'VARCHAR' },
      { name: 'revenue', type: null },
      { name: 'sales', type: 'BIGINT' },
    ]);
  });

  it('rows per partition: the known answer of sales.expected.json', () => {
    const want = expected('sales');
    const got = engine.s.rows(
      `${compileJob(salesJob(), ctx).targets[0]!.sql} ORDER BY year, month`,
    );
    expect(got.map((r) => [String(r.year), String(r.month).padStart(2, '0')])).toEqual(
      want.partitions,
    );
    expect(got.reduce((n, r) => n + Number(r.rows), 0)).toBe(want.rowCount);
    expect(got.map((r) => r.rows)).toEqual([2, 1, 2]);
  });

  it('revenue by category: as native DuckDB computes it from the files, with its own query', async () => {
    const got = engine.s.rows(
      `${compileJob(salesJob(), ctx).targets[1]!.sql} ORDER BY year, category`,
    );
    expect(got).toEqual([
      { year: 2024, category: 'fruit', revenue: 2.5, sales: 1 },
      { year: 2024, category: 'veg', revenue: 3.5, sales: 1 },
      { year: 2025, category: 'veg', revenue: 4.5, sales: 1 },
    ]);
    const native = await nativeRead(
      `(SELECT s.year, k.category, sum(s.price) AS revenue, count(*) AS sales ` +
        `FROM read_csv(${quoteLiteral(`${SALES}/*/*/*.csv`)}, hive_partitioning = true) AS s ` +
        `JOIN read_csv(${quoteLiteral(skus)}) AS k ON s.sku = k.sku WHERE s.price > 2 ` +
        'GROUP BY ALL ORDER BY 1, 2)',
    );
    expect(
      native.rows.map((r) => [Number(r.year), r.category, Number(r.revenue), Number(r.sales)]),
    ).toEqual(got.map((r) => [r.year, r.category, r.revenue, r.sales]));
  });

  it('a run argument changes the answer: --min_price 4', () => {
    const c = compileJob(salesJob(), { ...ctx, arguments: { min_price: '4' } });
    expect(engine.s.rows(`${c.targets[1]!.sql} ORDER BY year`)).toEqual([
      { year: 2025, category: 'veg', revenue: 4.5, sales: 1 },
    ]);
  });
});
