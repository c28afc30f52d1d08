import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import type { ColumnInfo } from '../../src/core/csv/dialect';
import { evaluateRuleset, type QualityEngine } from '../../src/quality/evaluate/evaluate-ruleset';
import type { RuleOutcome } from '../../src/quality/model';
import { CSV } from '../engine/catalog-support';
import {
  createNodeEngineClient,
  createNodeEngineHost,
  DiskFile,
  fixtureFile,
} from '../support/engine-host';

const host = createNodeEngineHost();
let tasks = 0;
const engine: QualityEngine = {
  qualityQueries: (queries, onProgress) => host.qualityQueries(`q${++tasks}`, queries, onProgress),
};
let native: DuckDBConnection;
let queriesRun: string[][] = [];
const counting: QualityEngine = {
  qualityQueries: (queries, onProgress, signal) => {
    queriesRun.push(queries);
    return engine.qualityQueries(queries, onProgress, signal);
  },
};

const ORDERS: ColumnInfo[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'email', type: 'VARCHAR' },
  { name: 'status', type: 'VARCHAR' },
  { name: 'amount', type: 'DOUBLE' },
  { name: 'qty', type: 'BIGINT' },
  { name: 'sku', type: 'VARCHAR' },
  { name: 'created', type: 'TIMESTAMP' },
  { name: 'customer', type: 'BIGINT' },
  { name: 'code', type: 'VARCHAR' },
];
const NOW = new Date('2025-06-01T00:00:00Z');

/** A seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** 600 orders with NULLs, duplicates, stray statuses, odd SKU lengths and old dates. */
function generatedOrders(): string {
  const r = random(42);
  const statuses = ['new', 'paid', 'shipped', 'PAID', ''];
  const lines = ['id,email,status,amount,qty,sku,created,customer,code'];
  for (let i = 1; i <= 600; i++) {
    const id = i % 97 === 0 ? i - 1 : i; // a few duplicates
    const email = r() < 0.07 ? '' : `user${Math.floor(r() * 400)}@example.com`;
    const status = statuses[Math.floor(r() ** 2 * statuses.length)]!;
    const amount = (r() * 500 - 20).toFixed(2);
    const qty = r() < 0.03 ? '' : String(1 + Math.floor(r() * 9));
    const sku = 'S'.padEnd(r() < 0.1 ? 6 : 8, String(Math.floor(r() * 10)));
    const days = Math.floor(r() * 20);
    const created = new Date(NOW.getTime() - days * 86400_000 - 3600_000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ');
    const customer = 1 + Math.floor(r() * 60); // customers 1..50 exist
    const code = r() < 0.9 ? String(Math.floor(r() * 1000)) : 'n/a';
    lines.push([id, email, status, amount, qty, sku, created, customer, code].join(','));
  }
  return lines.join('\n') + '\n';
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'decant-quality-'));
  const orders = join(dir, 'orders.csv');
  const customers = join(dir, 'customers.csv');
  writeFileSync(orders, generatedOrders());
  writeFileSync(
    customers,
    'id,name\n' + Array.from({ length: 50 }, (_, i) => `${i + 1},c${i + 1}`).join('\n') + '\n',
  );
  await host.attachTable({
    database: 'shop',
    name: 'orders',
    classification: 'csv',
    dialect: CSV,
    columns: ORDERS,
    partitionKeys: [],
    files: [{ path: 'orders.csv', file: new DiskFile(orders), partitionValues: [] }],
  });
  await host.attachTable({
    database: 'shop',
    name: 'customers',
    classification: 'csv',
    dialect: CSV,
    columns: [
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
    ],
    partitionKeys: [],
    files: [{ path: 'customers.csv', file: new DiskFile(customers), partitionValues: [] }],
  });
  await host.attachTable({
    database: 'fx',
    name: 'events',
    classification: 'csv',
    dialect: { ...CSV, delimiter: '\t' },
    columns: [
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'user_id', type: 'BIGINT' },
      { name: 'active', type: 'BOOLEAN' },
      { name: 'score', type: 'DOUBLE' },
    ],
    partitionKeys: [],
    files: [{ path: 'events.tsv', file: fixtureFile('events.tsv'), partitionValues: [] }],
  });
  // The independent side: native DuckDB reading the same files with the same types.
  native = await (await DuckDBInstance.create(':memory:')).connect();
  const types = (cols: ColumnInfo[]) =>
    `{${cols.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
  await native.run(
    `CREATE TABLE t AS SELECT * FROM read_csv(${quoteLiteral(orders)}, header = true, columns = ${types(ORDERS)})`,
  );
  await native.run(
    `CREATE TABLE ref AS SELECT * FROM read_csv(${quoteLiteral(customers)}, header = true)`,
  );
});

async function nativeValue(query: string): Promise<number | null> {
  const row = (await native.runAndReadAll(query)).getRowObjectsJson()[0]!;
  const v = Object.values(row)[0];
  return v === null ? null : Number(v);
}

const resolveTable = (name: string) =>
  ['customers', 'orders'].includes(name) ? { database: 'shop', name } : undefined;

async function evaluate(
  rules: string[],
  table = { database: 'shop', name: 'orders' },
  columns = ORDERS,
) {
  return evaluateRuleset(counting, {
    table,
    ruleset: 'test',
    text: `Rules = [\n${rules.join(',\n')}\n]`,
    columns,
    resolveTable,
    now: NOW,
  });
}

/**
 * Each rule type on the generated table: the measured value against the same measure written
 * independently for native DuckDB, and the outcome against the rule's condition on that value.
 */
const MEASURES: [rule: string, independent: string, passes: (v: number) => boolean][] = [
  ['RowCount > 500', 'SELECT count(*) FROM t', (v) => v > 500],
  ['RowCount between 10 and 100', 'SELECT count(*) FROM t', (v) => v >= 10 && v <= 100],
  ['IsComplete "qty"', 'SELECT avg((qty IS NOT NULL)::INT) FROM t', (v) => v === 1],
  ['IsComplete "id"', 'SELECT avg((id IS NOT NULL)::INT) FROM t', (v) => v === 1],
  ['Completeness "email" >= 0.9', 'SELECT count(email) / count(*) FROM t', (v) => v >= 0.9],
  [
    `Completeness "email" >= 0.99 where "status = 'paid'"`,
    `SELECT count(email) / count(*) FROM t WHERE status = 'paid'`,
    (v) => v >= 0.99,
  ],
  [
    'IsUnique "id"',
    'SELECT (SELECT count(*) FROM (SELECT id FROM t GROUP BY id HAVING count(*) = 1)) / count(*) FROM t',
    (v) => v === 1,
  ],
  [
    'IsUnique "sku" "created"',
    'SELECT (SELECT count(*) FROM (SELECT 1 FROM t GROUP BY sku, created HAVING count(*) = 1)) / count(*) FROM t',
    (v) => v === 1,
  ],
  [
    'Uniqueness "email" > 0.2',
    'SELECT (SELECT count(*) FROM (SELECT email FROM t WHERE email IS NOT NULL GROUP BY email HAVING count(*) = 1)) / count(*) FROM t',
    (v) => v > 0.2,
  ],
  [
    'UniqueValueRatio "email" between 0 and 0.5',
    'SELECT count(*) FILTER (WHERE n = 1) / count(*) FROM (SELECT count(*) n FROM t WHERE email IS NOT NULL GROUP BY email)',
    (v) => v <= 0.5,
  ],
  [
    'IsPrimaryKey "id"',
    'SELECT (SELECT count(*) FROM (SELECT id FROM t GROUP BY id HAVING count(*) = 1)) / count(*) FROM t',
    (v) => v === 1,
  ],
  ['DistinctValuesCount "status" = 4', 'SELECT count(DISTINCT status) FROM t', (v) => v === 4],
  ['Mean "amount" > 200', 'SELECT avg(amount) FROM t', (v) => v > 200],
  ['Sum "qty" < 1000', 'SELECT sum(qty) FROM t', (v) => v < 1000],
  ['StandardDeviation "amount" < 200', 'SELECT stddev_pop(amount) FROM t', (v) => v < 200],
  [
    'Entropy "status" > 1',
    // -Σ p ln p over non-NULL values, p = count / all rows (Deequ's definition).
    'SELECT -sum(n / (SELECT count(*) FROM t) * ln(n / (SELECT count(*) FROM t))) FROM (SELECT count(*) n FROM t WHERE status IS NOT NULL GROUP BY status)',
    (v) => v > 1,
  ],
  ['ColumnCorrelation "amount" "qty" > 0.5', 'SELECT corr(amount, qty) FROM t', (v) => v > 0.5],
  [
    'ColumnValues "status" in ["new", "paid", "shipped"]',
    `SELECT avg((coalesce(status IN ('new', 'paid', 'shipped'), false))::INT) FROM t`,
    (v) => v === 1,
  ],
  [
    'ColumnValues "status" in ["new", "paid", "shipped"] with threshold > 0.6',
    `SELECT avg((coalesce(status IN ('new', 'paid', 'shipped'), false))::INT) FROM t`,
    (v) => v > 0.6,
  ],
  [
    'ColumnValues "status" not in ["PAID", EMPTY]',
    `SELECT avg((status IS NULL OR (status <> 'PAID' AND status <> ''))::INT) FROM t`,
    (v) => v === 1,
  ],
  [
    'ColumnValues "amount" between 0 and 500',
    'SELECT avg(coalesce(amount BETWEEN 0 AND 500, false)::INT) FROM t',
    (v) => v === 1,
  ],
  [
    'ColumnValues "amount" > -100',
    'SELECT avg(coalesce(amount > -100, false)::INT) FROM t',
    (v) => v === 1,
  ],
  [
    'ColumnValues "sku" matches "S[0-9]{7}" with threshold >= 0.85',
    `SELECT avg(coalesce(regexp_full_match(sku, 'S[0-9]{7}'), false)::INT) FROM t`,
    (v) => v >= 0.85,
  ],
  [
    'ColumnValues "created" > (now() - 10 days)',
    `SELECT avg(coalesce(created > TIMESTAMP '2025-06-01 00:00:00' - INTERVAL 10 DAY, false)::INT) FROM t`,
    (v) => v === 1,
  ],
  [
    'ColumnLength "sku" = 8',
    'SELECT avg(coalesce(length(sku) = 8, false)::INT) FROM t',
    (v) => v === 1,
  ],
  [
    'ColumnLength "sku" between 6 and 8',
    'SELECT avg(coalesce(length(sku) BETWEEN 6 AND 8, false)::INT) FROM t',
    (v) => v === 1,
  ],
  [
    'DataFreshness "created" <= 15 days',
    `SELECT avg(coalesce(created >= TIMESTAMP '2025-06-01 00:00:00' - INTERVAL 15 DAY, false)::INT) FROM t`,
    (v) => v === 1,
  ],
  [
    'ColumnDataType "code" = "INTEGER" with threshold > 0.8',
    `SELECT avg((code IS NULL OR TRY_CAST(code AS INTEGER) IS NOT NULL)::INT) FROM t`,
    (v) => v > 0.8,
  ],
  [
    'ReferentialIntegrity "customer" "customers.id" >= 0.9',
    'SELECT avg((customer IN (SELECT id FROM ref))::INT) FROM t',
    (v) => v >= 0.9,
  ],
  [
    'RowCountMatch "customers" >= 10',
    'SELECT (SELECT count(*) FROM t) / (SELECT count(*) FROM ref)',
    (v) => v >= 10,
  ],
  [
    'CustomSql "select max(amount) from primary where qty > 5" > 400',
    'SELECT max(amount) FROM t WHERE qty > 5',
    (v) => v > 400,
  ],
  [
    'CustomSql "select id from primary where amount >= 0" with threshold > 0.9',
    'SELECT avg((amount >= 0)::INT) FROM t',
    (v) => v > 0.9,
  ],
];

describe('evaluateRuleset on generated data', () => {
  it.each(MEASURES)(
    '%s: measured as native DuckDB measures it',
    async (rule, independent, passes) => {
      const got = (await evaluate([rule])).results[0]!;
      const want = await nativeValue(independent);
      expect(got.outcome).not.toBe('ERROR');
      expect(want).not.toBeNull();
      expect(Number(got.value)).toBeCloseTo(want!, 9);
      expect(got.outcome).toBe(passes(want!) ? 'PASS' : 'FAIL');
    },
  );

  it('runs the whole list in one scan plus one query per GROUP BY or other table', async () => {
    queriesRun = [];
    const ev = await evaluate(MEASURES.map(([r]) => r));
    expect(ev.results.filter((r) => r.outcome === 'ERROR')).toEqual([]);
    const measuring = queriesRun[0]!;
    // One scan without a filter, one with the where; GROUP BYs for id, sku+created, email;
    // ReferentialIntegrity, RowCountMatch, two CustomSql.
    expect(
      measuring.filter(
        (q) => /FROM "shop"\."orders"( WHERE|$)/.test(q) && !/GROUP BY|EXISTS/.test(q),
      ).length,
    ).toBeLessThanOrEqual(3);
    expect(measuring.length).toBeLessThanOrEqual(10);
    expect(ev.total).toBe(MEASURES.length);
    expect(ev.passed).toBe(ev.results.filter((r) => r.outcome === 'PASS').length);
  });

  it('counts failing rows and shows a few of them for row-level rules', async () => {
    const [values, unique] = (
      await evaluate(['ColumnValues "status" in ["new", "paid", "shipped"]', 'IsUnique "id"'])
    ).results as RuleOutcome[];
    const failing = await nativeValue(
      `SELECT count(*) FROM t WHERE NOT coalesce(status IN ('new', 'paid', 'shipped'), false)`,
    );
    expect(values!.failedRows).toBe(failing);
    expect(values!.rows).toBe(600);
    expect(values!.sample!.columns).toEqual(ORDERS.map((c) => c.name));
    expect(values!.sample!.rows.length).toBe(5);
    for (const row of values!.sample!.rows)
      expect(['new', 'paid', 'shipped']).not.toContain(row[2]);
    const dupRows = await nativeValue(
      'SELECT count(*) FROM t WHERE id IN (SELECT id FROM t GROUP BY id HAVING count(*) > 1)',
    );
    expect(unique!.failedRows).toBe(dupRows);
    expect(unique!.sample!.rows.length).toBe(5);
  });

  it('combines and/or from the parts', async () => {
    const [and, or] = (
      await evaluate([
        '(IsComplete "id") and (IsUnique "id")',
        '(IsComplete "qty") or ((RowCount > 1) and (ColumnExists "id"))',
      ])
    ).results;
    expect(and).toMatchObject({
      outcome: 'FAIL',
      parts: [{ outcome: 'PASS' }, { outcome: 'FAIL' }],
    });
    expect(or).toMatchObject({
      outcome: 'PASS',
      parts: [{ outcome: 'FAIL' }, { outcome: 'PASS' }],
    });
  });

  it('gives ERROR for what cannot be measured, and still measures the rest', async () => {
    const results = (
      await evaluate([
        'IsComplete "nope"',
        'Mean "amount" > 0 where "no_such_column > 1"',
        'RowCountMatch "missing" = 1',
        'CustomSql "select id from primary; drop table x" > 1',
        'ColumnDataType "code" = "WIDGET"',
        'IsComplete "ID"',
        'RowCount > 0',
      ])
    ).results;
    expect(results.map((r) => r.outcome)).toEqual([
      'ERROR',
      'ERROR',
      'ERROR',
      'ERROR',
      'ERROR',
      'ERROR',
      'PASS',
    ]);
    expect(results[0]!.message).toBe('no column "nope" in shop.orders');
    expect(results[1]!.message).toMatch(/no_such_column/);
    expect(results[2]!.message).toBe('no table "missing" in the catalog');
    expect(results[3]!.message).toMatch(/one statement/);
    expect(results[5]!.message).toMatch(/did you mean "id"\?/);
  });

  it('reports the schema rules from the columns', async () => {
    const results = (
      await evaluate([
        'ColumnCount = 9',
        'ColumnExists "email"',
        'ColumnExists "phone"',
        'ColumnNamesMatchPattern "[a-z]+"',
        'ColumnDataType "amount" = "DOUBLE"',
        'ColumnDataType "id" in ["INTEGER", "LONG"]',
        'ColumnDataType "created" = "DATE"',
      ])
    ).results;
    expect(results.map((r) => [r.outcome, r.value])).toEqual([
      ['PASS', 9],
      ['PASS', 1],
      ['FAIL', 0],
      ['PASS', 1],
      ['PASS', 'DOUBLE'],
      ['PASS', 'LONG'],
      ['FAIL', 'TIMESTAMP'],
    ]);
  });
});

describe('evaluateRuleset on the events fixture', () => {
  const EVENTS: ColumnInfo[] = [
    { name: 'ts', type: 'TIMESTAMP' },
    { name: 'user_id', type: 'BIGINT' },
    { name: 'active', type: 'BOOLEAN' },
    { name: 'score', type: 'DOUBLE' },
  ];
  it('measures what events.expected.json and a hand count say', async () => {
    const ev = await evaluate(
      [
        'RowCount = 3',
        'IsComplete "user_id"',
        'Completeness "score" between 0.6 and 0.7',
        'Mean "score" = 0.875',
        'DistinctValuesCount "active" = 2',
        'ColumnValues "ts" between "2024-03-01" and "2024-03-03"',
        'DataFreshness "ts" <= 1 days',
      ],
      { database: 'fx', name: 'events' },
      EVENTS,
    );
    expect(ev.results.map((r) => [r.outcome, r.value])).toEqual([
      ['PASS', 3],
      ['FAIL', 2 / 3],
      ['PASS', 2 / 3],
      ['PASS', 0.875],
      ['PASS', 2],
      ['PASS', 1],
      ['FAIL', 0],
    ]);
    expect(ev.results[1]!.sample!.rows).toEqual([['2024-03-02 23:59:59', null, 'true', '1.25']]);
  });

  it('cancels between queries', async () => {
    const controller = new AbortController();
    const slow: QualityEngine = {
      qualityQueries: (queries, onProgress) => {
        const id = `cancel${++tasks}`;
        const run = host.qualityQueries(id, queries, onProgress);
        void host.cancel(id);
        return run;
      },
    };
    await expect(
      evaluateRuleset(slow, {
        table: { database: 'fx', name: 'events' },
        ruleset: 'x',
        text: 'Rules = [ RowCount > 1, IsUnique "ts" ]',
        columns: EVENTS,
        resolveTable,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('qualityQueries through the page’s EngineClient', () => {
  it('reports progress, refuses statements that write, and cancels with the signal', async () => {
    const client = createNodeEngineClient(host);
    const progress: number[] = [];
    const results = await client.qualityQueries(
      [
        'SELECT count(*) AS n FROM range(1000)',
        'CREATE TABLE x AS SELECT 1',
        'SELECT 1; SELECT 2',
        "INSTALL 'httpfs'",
        'SELECT nope FROM range(1)',
      ],
      (p) => progress.push(p.done),
    );
    expect(results[0]).toEqual({ rows: [{ n: 1000 }] });
    expect(results[1]).toEqual({ error: 'a rule’s SQL may only read (SELECT), not CREATE' });
    expect(results[2]).toEqual({
      error: 'a rule’s SQL must be one statement (no ";" between statements)',
    });
    expect(results[3]).toMatchObject({
      error: expect.stringMatching(/extensions cannot be installed/),
    });
    expect(results[4]).toMatchObject({ error: expect.stringMatching(/nope/) });
    // Progress arrives as messages of its own: the last may land just after the result.
    await expect.poll(() => progress).toEqual([1, 2, 3, 4, 5]);

    const controller = new AbortController();
    const many = Array.from({ length: 50 }, (_, i) => `SELECT ${i} AS i`);
    const run = client.qualityQueries(
      many,
      (p) => p.done === 2 && controller.abort(),
      controller.signal,
    );
    await expect(run).rejects.toMatchObject({ code: 'cancelled', domain: 'quality' });
    controller.abort();
    await expect(
      client.qualityQueries(many, () => undefined, controller.signal),
    ).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});
