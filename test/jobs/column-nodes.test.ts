import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileJob } from '../../src/jobs/compile';
import type { CompileContext } from '../../src/jobs/context';
import { previewSql } from '../../src/jobs/describe';
import type { Job, JobNode } from '../../src/jobs/model';
import { attachJsonTable } from '../../workers/engine/json-tables';
import { expected, fixturePath } from '../support/fixtures';
import {
  chain,
  CUSTOMERS,
  jobEngine,
  node,
  ORDERS,
  source,
  sourceTable,
  sqlOf,
  type JobEngine,
  type TestTable,
} from './job-support';

/** Times written several ways, and a real TIMESTAMP. */
const TIMES: TestTable = {
  database: 'shop',
  name: 'times',
  columns: [
    { name: 'n', type: 'INTEGER' },
    { name: 'text', type: 'VARCHAR' },
    { name: 'secs', type: 'DOUBLE' },
    { name: 'millis', type: 'BIGINT' },
    { name: 'ts', type: 'TIMESTAMP' },
  ],
  rows: [
    "(1, '01/03/2024 10:00', 1709287200.5, 1709287200500, '2024-03-01 10:00:00')",
    "(2, '31/12/1999 23:59', 0, 0, '1999-12-31 23:59:00')",
  ],
};

/** Nested structs and a map, for Flatten and Explode. */
const NESTED: TestTable = {
  database: 'shop',
  name: 'nested',
  columns: [
    { name: 'k', type: 'INTEGER' },
    { name: 's', type: 'STRUCT(a STRUCT(b INTEGER, "c d" VARCHAR), e VARCHAR)' },
    { name: 'm', type: 'MAP(VARCHAR, INTEGER)' },
  ],
  rows: [
    "(1, {'a': {'b': 1, 'c d': 'x'}, 'e': 'y'}, MAP {'p': 1, 'q': 2})",
    "(2, {'a': {'b': 2, 'c d': NULL}, 'e': NULL}, MAP {})",
  ],
};

let je: JobEngine;
let ctx: CompileContext;
beforeAll(async () => {
  je = await jobEngine([ORDERS, CUSTOMERS, TIMES, NESTED]);
  const json = attachJsonTable(je.engine.s, {
    database: 'shop',
    name: 'orders_json',
    files: [{ path: 'orders.ndjson', bytes: readFileSync(fixturePath('orders.ndjson')) }],
  });
  expect(json.columns).toEqual(expected('orders.ndjson').columns);
  ctx = {
    tables: [
      ...je.ctx.tables!,
      {
        database: 'shop',
        name: 'orders_json',
        columns: json.columns,
        partitionKeys: [],
        partitions: [],
      },
    ],
  };
});

const orders = () => source('orders', 'shop', 'orders');

/** `orders → node → target`. */
function on(n: JobNode, from: JobNode = orders(), over: Partial<Job> = {}): Job {
  return chain([from, n], over);
}

/** Every row of node `id`, with `select` over it (e.g. casts for DECIMAL). */
function rows(job: Job, id: string, select = '*'): Record<string, unknown>[] {
  return je.rows(`SELECT ${select} FROM (${previewSql(job, id, ctx, 1000)})`);
}

function describeTypes(job: Job, id: string): [string, string][] {
  return je
    .rows(`DESCRIBE ${previewSql(job, id, ctx, 1000)}`)
    .map((r) => [String(r.column_name), String(r.column_type)]);
}

describe('Change Schema (ApplyMapping)', () => {
  const cs = (options: JobNode['options']) => node('change-schema', 'cs', options as never);

  it('renames, casts, drops and reorders; unmapped columns go', () => {
    const job = on(
      cs({
        mappings: [
          { from: 'amount', to: 'total', type: 'DECIMAL(10,2)' },
          { from: 'status', to: 'status', drop: true },
          { from: 'id', to: 'order_id' },
        ],
      }),
    );
    expect(sqlOf(job, 'cs', ctx)).toBe(
      'SELECT CAST("amount" AS DECIMAL(10,2)) AS "total", "id" AS "order_id" FROM "orders"',
    );
    expect(describeTypes(job, 'cs')).toEqual([
      ['total', 'DECIMAL(10,2)'],
      ['order_id', 'BIGINT'],
    ]);
    expect(rows(job, 'cs', 'order_id, CAST(total AS VARCHAR) AS total')).toEqual([
      { order_id: 1, total: '5.00' },
      { order_id: 2, total: '7.50' },
      { order_id: 3, total: null },
      { order_id: 4, total: '2.50' },
      { order_id: 5, total: '10.00' },
    ]);
  });

  it('keeps unmapped columns after the mapped ones when asked', () => {
    const job = on(cs({ mappings: [{ from: 'note', to: 'remark' }], unmapped: 'keep' }));
    expect(sqlOf(job, 'cs', ctx)).toBe(
      'SELECT "note" AS "remark", * EXCLUDE ("note") FROM "orders"',
    );
    expect(Object.keys(rows(job, 'cs')[0]!)).toEqual([
      'remark',
      'id',
      'customer_id',
      'amount',
      'status',
    ]);
  });

  it('a value that does not convert fails the run, or is NULL with onCastError null', () => {
    const fail = on(cs({ mappings: [{ from: 'status', to: 'n', type: 'INTEGER' }] }));
    expect(() => rows(fail, 'cs')).toThrow(/Could not convert string 'paid' to INT32/);
    const lenient = on(
      cs({ mappings: [{ from: 'status', to: 'n', type: 'INTEGER' }], onCastError: 'null' }),
    );
    expect(sqlOf(lenient, 'cs', ctx)).toBe(
      'SELECT TRY_CAST("status" AS INTEGER) AS "n" FROM "orders"',
    );
    expect(rows(lenient, 'cs').map((r) => r.n)).toEqual([null, null, null, null, null]);
  });
});

describe('Select Fields, Drop Fields, Rename Field', () => {
  it('Select Fields keeps the chosen columns in the chosen order', () => {
    const job = on(node('select-fields', 'sf', { columns: ['status', 'id'] }));
    expect(sqlOf(job, 'sf', ctx)).toBe('SELECT "status", "id" FROM "orders"');
    expect(rows(job, 'sf').slice(0, 2)).toEqual([
      { status: 'paid', id: 1 },
      { status: 'open', id: 2 },
    ]);
  });

  it('Drop Fields keeps every other column', () => {
    const job = on(node('drop-fields', 'df', { columns: ['note', 'amount'] }));
    expect(sqlOf(job, 'df', ctx)).toBe('SELECT * EXCLUDE ("note", "amount") FROM "orders"');
    expect(rows(job, 'df')[0]).toEqual({ id: 1, customer_id: 10, status: 'paid' });
  });

  it('Rename Field renames in place', () => {
    const job = on(node('rename-field', 'rf', { from: 'status', to: 'state' }));
    expect(sqlOf(job, 'rf', ctx)).toBe('SELECT * RENAME ("status" AS "state") FROM "orders"');
    expect(Object.keys(rows(job, 'rf')[0]!)).toEqual([
      'id',
      'customer_id',
      'amount',
      'state',
      'note',
    ]);
  });
});

describe('Derived Column', () => {
  it('adds a column from an expression, a parameter as a quoted value', () => {
    const job = on(
      node('derived-column', 'dc', {
        column: 'with_bonus',
        expression: 'amount + ${bonus}::DOUBLE',
      }),
      orders(),
      {
        parameters: [{ name: 'bonus', value: '1.5' }],
      },
    );
    expect(sqlOf(job, 'dc', ctx)).toBe(
      `SELECT *, (\namount + '1.5'::DOUBLE\n) AS "with_bonus" FROM "orders"`,
    );
    expect(rows(job, 'dc', 'id, with_bonus')).toEqual([
      { id: 1, with_bonus: 6.5 },
      { id: 2, with_bonus: 9 },
      { id: 3, with_bonus: null },
      { id: 4, with_bonus: 4 },
      { id: 5, with_bonus: 11.5 },
    ]);
  });

  it('replaces a column of the same name in its place', () => {
    const job = on(
      node('derived-column', 'dc', {
        column: 'AMOUNT',
        expression: 'coalesce(amount, 0) -- none: 0',
      }),
    );
    expect(sqlOf(job, 'dc', ctx)).toBe(
      'SELECT * REPLACE ((\ncoalesce(amount, 0) -- none: 0\n) AS "AMOUNT") FROM "orders"',
    );
    expect(rows(job, 'dc').map((r) => r.AMOUNT)).toEqual([5, 7.5, 0, 2.5, 10]);
  });
});

describe('nodes that add a column, after a node whose columns only the engine knows', () => {
  it('leave out a same-named column by name and add theirs last', () => {
    const job = chain([
      orders(),
      node('sql-query', 'q', { query: 'SELECT id, status FROM input1', aliases: {} }),
      node('derived-column', 'dc', { column: 'STATUS', expression: 'upper(status)' }),
    ]);
    expect(sqlOf(job, 'dc', ctx)).toBe(
      `SELECT COLUMNS(lambda c: lower(c) NOT IN (lower('STATUS'))), (\nupper(status)\n) AS "STATUS" FROM "q"`,
    );
    expect(rows(job, 'dc').slice(0, 2)).toEqual([
      { id: 1, STATUS: 'PAID' },
      { id: 2, STATUS: 'OPEN' },
    ]);
  });
});

describe('Split String and Concatenate Columns', () => {
  it('Split String makes a VARCHAR[] at each match of a pattern', () => {
    const job = on(node('split-string', 'ss', { column: 'status', pattern: '[ai]', as: 'parts' }));
    expect(sqlOf(job, 'ss', ctx)).toBe(
      `SELECT *, string_split_regex(CAST("status" AS VARCHAR), '[ai]') AS "parts" FROM "orders"`,
    );
    expect(describeTypes(job, 'ss').at(-1)).toEqual(['parts', 'VARCHAR[]']);
    expect(rows(job, 'ss', 'status, parts').slice(0, 2)).toEqual([
      { status: 'paid', parts: ['p', '', 'd'] },
      { status: 'open', parts: ['open'] },
    ]);
  });

  it('Concatenate Columns joins values as text, NULLs left out or spelled', () => {
    const skip = on(
      node('concatenate-columns', 'cc', {
        columns: ['id', 'status', 'note'],
        as: 'label',
        spacer: '/',
      }),
    );
    expect(sqlOf(skip, 'cc', ctx)).toBe(
      `SELECT *, concat_ws('/', CAST("id" AS VARCHAR), CAST("status" AS VARCHAR), CAST("note" AS VARCHAR)) AS "label" FROM "orders"`,
    );
    expect(rows(skip, 'cc').map((r) => r.label)).toEqual([
      '1/paid',
      '2/open/gift',
      '3/paid',
      '4/void/late',
      '5/paid',
    ]);
    const spelled = on(
      node('concatenate-columns', 'cc', {
        columns: ['status', 'note'],
        as: 'label',
        spacer: ' ',
        nullValue: '-',
      }),
    );
    expect(rows(spelled, 'cc').map((r) => r.label)).toEqual([
      'paid -',
      'open gift',
      'paid -',
      'void late',
      'paid -',
    ]);
  });
});

describe('To Timestamp, Format Timestamp, Add Current Timestamp', () => {
  const times = () => source('times', 'shop', 'times');

  it('To Timestamp reads a pattern, epoch seconds and milliseconds, and ISO text', () => {
    const pattern = on(
      node('to-timestamp', 'tt', {
        column: 'text',
        from: { kind: 'pattern', pattern: '%d/%m/%Y %H:%M' },
        as: 'at',
      }),
      times(),
    );
    expect(sqlOf(pattern, 'tt', ctx)).toBe(
      `SELECT *, strptime(CAST("text" AS VARCHAR), '%d/%m/%Y %H:%M') AS "at" FROM "times"`,
    );
    expect(rows(pattern, 'tt', 'CAST("at" AS VARCHAR) AS "at"')).toEqual([
      { at: '2024-03-01 10:00:00' },
      { at: '1999-12-31 23:59:00' },
    ]);
    const secs = on(
      node('to-timestamp', 'tt', { column: 'secs', from: { kind: 'epoch', unit: 's' } }),
      times(),
    );
    expect(sqlOf(secs, 'tt', ctx)).toBe(
      'SELECT * REPLACE (make_timestamp(CAST(round(CAST("secs" AS DOUBLE) * 1000000) AS BIGINT)) AS "secs") FROM "times"',
    );
    expect(rows(secs, 'tt', 'CAST(secs AS VARCHAR) AS t')).toEqual([
      { t: '2024-03-01 10:00:00.5' },
      { t: '1970-01-01 00:00:00' },
    ]);
    const ms = on(
      node('to-timestamp', 'tt', { column: 'millis', from: { kind: 'epoch', unit: 'ms' } }),
      times(),
    );
    expect(sqlOf(ms, 'tt', ctx)).toBe(
      'SELECT * REPLACE (epoch_ms(CAST("millis" AS BIGINT)) AS "millis") FROM "times"',
    );
    expect(rows(ms, 'tt', 'CAST(millis AS VARCHAR) AS t')[0]).toEqual({
      t: '2024-03-01 10:00:00.5',
    });
    const iso = on(
      node('to-timestamp', 'tt', { column: 'ts', from: { kind: 'auto' }, as: 'copy' }),
      times(),
    );
    expect(describeTypes(iso, 'tt').at(-1)).toEqual(['copy', 'TIMESTAMP']);
  });

  it('To Timestamp fails on text that does not fit, or gives NULL when told', () => {
    const strict = on(
      node('to-timestamp', 'tt', {
        column: 'text',
        from: { kind: 'pattern', pattern: '%Y-%m-%d' },
      }),
      times(),
    );
    expect(() => rows(strict, 'tt')).toThrow(/Could not parse string "01\/03\/2024 10:00"/);
    const lenient = on(
      node('to-timestamp', 'tt', {
        column: 'text',
        from: { kind: 'pattern', pattern: '%Y-%m-%d' },
        onError: 'null',
      }),
      times(),
    );
    expect(sqlOf(lenient, 'tt', ctx)).toContain(
      `try_strptime(CAST("text" AS VARCHAR), '%Y-%m-%d')`,
    );
    expect(rows(lenient, 'tt').map((r) => r.text)).toEqual([null, null]);
  });

  it('Format Timestamp writes a timestamp as text in a pattern', () => {
    const job = on(
      node('format-timestamp', 'ft', { column: 'ts', pattern: '%Y/%m/%d', as: 'day' }),
      times(),
    );
    expect(sqlOf(job, 'ft', ctx)).toBe(
      `SELECT *, strftime(CAST("ts" AS TIMESTAMP), '%Y/%m/%d') AS "day" FROM "times"`,
    );
    expect(rows(job, 'ft', 'day')).toEqual([{ day: '2024/03/01' }, { day: '1999/12/31' }]);
  });

  it('Add Current Timestamp puts the same start time in every row', () => {
    const job = on(node('add-current-timestamp', 'now', { column: 'loaded_at' }));
    expect(sqlOf(job, 'now', ctx)).toBe(
      'SELECT *, CAST(current_timestamp AS TIMESTAMP) AS "loaded_at" FROM "orders"',
    );
    expect(describeTypes(job, 'now').at(-1)).toEqual(['loaded_at', 'TIMESTAMP']);
    const got = rows(job, 'now', 'epoch_ms(loaded_at) AS ms');
    expect(new Set(got.map((r) => r.ms)).size).toBe(1);
    expect(Math.abs(Number(got[0]!.ms) - Date.now())).toBeLessThan(24 * 3600 * 1000);
    const text = on(node('add-current-timestamp', 'now', { column: 'day', pattern: '%Y' }));
    expect(rows(text, 'now')[0]!.day).toBe(String(new Date().getUTCFullYear()));
  });
});

describe('Identifier', () => {
  it('numbers rows 1, 2, … in input order', () => {
    const job = on(node('identifier', 'rid', { column: 'row_id', type: 'row-number' }));
    expect(sqlOf(job, 'rid', ctx)).toBe('SELECT *, row_number() OVER () AS "row_id" FROM "orders"');
    expect(rows(job, 'rid', 'id, row_id')).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({ id: n, row_id: n })),
    );
  });

  it('or gives each row a random UUID', () => {
    const job = on(node('identifier', 'rid', { column: 'uid', type: 'uuid' }));
    expect(sqlOf(job, 'rid', ctx)).toBe('SELECT *, CAST(uuid() AS VARCHAR) AS "uid" FROM "orders"');
    const ids = rows(job, 'rid').map((r) => String(r.uid));
    expect(new Set(ids).size).toBe(5);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('Flatten', () => {
  it('makes struct fields columns parent.child, in place, recursively (orders.ndjson)', () => {
    const job = on(node('flatten', 'fl', {}), source('oj', 'shop', 'orders_json'));
    expect(sqlOf(job, 'fl', ctx)).toBe(
      'SELECT "order_id" AS "order_id", struct_extract("customer", \'id\') AS "customer.id", ' +
        'struct_extract("customer", \'email\') AS "customer.email", "items" AS "items", ' +
        '"total" AS "total", "coupon" AS "coupon" FROM "oj"',
    );
    expect(rows(job, 'fl', '"order_id", "customer.id", "customer.email"')).toEqual([
      { order_id: 1, 'customer.id': 10, 'customer.email': 'a@example.com' },
      { order_id: 2, 'customer.id': 11, 'customer.email': 'b@example.com' },
      { order_id: 3, 'customer.id': 10, 'customer.email': 'a@example.com' },
    ]);
  });

  it('undoes as many levels as asked, with the chosen separator and quoted field names', () => {
    const all = on(node('flatten', 'fl', { separator: '_' }), source('n', 'shop', 'nested'));
    expect(describeTypes(all, 'fl')).toEqual([
      ['k', 'INTEGER'],
      ['s_a_b', 'INTEGER'],
      ['s_a_c d', 'VARCHAR'],
      ['s_e', 'VARCHAR'],
      ['m', 'MAP(VARCHAR, INTEGER)'],
    ]);
    expect(rows(all, 'fl', '"s_a_c d"')).toEqual([{ 's_a_c d': 'x' }, { 's_a_c d': null }]);
    const one = on(node('flatten', 'fl', { maxLevels: 1 }), source('n', 'shop', 'nested'));
    expect(describeTypes(one, 'fl').map((c) => c[0])).toEqual(['k', 's.a', 's.e', 'm']);
  });
});

describe('Explode', () => {
  it('one row per array element; rows with an empty array dropped or kept', () => {
    const job = on(
      node('explode', 'ex', { column: 'items', as: 'item' }),
      source('oj', 'shop', 'orders_json'),
    );
    expect(sqlOf(job, 'ex', ctx)).toBe('SELECT *, unnest("items") AS "item" FROM "oj"');
    expect(describeTypes(job, 'ex').at(-1)).toEqual(['item', 'STRUCT(sku VARCHAR, qty BIGINT)']);
    expect(rows(job, 'ex', 'order_id, item')).toEqual([
      { order_id: 1, item: { sku: 'A', qty: 2 } },
      { order_id: 2, item: { sku: 'B', qty: 1 } },
      { order_id: 2, item: { sku: 'C', qty: 5 } },
    ]);
    const kept = on(
      node('explode', 'ex', { column: 'items', keepEmpty: true }),
      source('oj', 'shop', 'orders_json'),
    );
    expect(sqlOf(kept, 'ex', ctx)).toBe(
      'SELECT * REPLACE (unnest(CASE WHEN len("items") > 0 THEN "items" ELSE [NULL] END) AS "items") FROM "oj"',
    );
    expect(rows(kept, 'ex', 'order_id, items')).toEqual([
      { order_id: 1, items: { sku: 'A', qty: 2 } },
      { order_id: 2, items: { sku: 'B', qty: 1 } },
      { order_id: 2, items: { sku: 'C', qty: 5 } },
      { order_id: 3, items: null },
    ]);
  });

  it("a map's entries become {key, value} rows", () => {
    const job = on(node('explode', 'ex', { column: 'm' }), source('n', 'shop', 'nested'));
    expect(sqlOf(job, 'ex', ctx)).toBe(
      'SELECT * REPLACE (unnest(map_entries("m")) AS "m") FROM "n"',
    );
    expect(rows(job, 'ex', 'k, m')).toEqual([
      { k: 1, m: { key: 'p', value: 1 } },
      { k: 1, m: { key: 'q', value: 2 } },
    ]);
  });
});

it('every node here compiles into a job whose target runs', () => {
  const job = on(node('identifier', 'rid', { column: 'row_id', type: 'row-number' }));
  const c = compileJob(job, ctx);
  expect(je.rows(c.targets[0]!.sql)).toHaveLength(5);
  expect(sourceTable(ORDERS).columns).toHaveLength(5);
});
