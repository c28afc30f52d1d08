import { beforeAll, describe, expect, it } from 'vitest';
import { compileJob } from '../../src/jobs/compile';
import type { CompileContext } from '../../src/jobs/context';
import { factsFromProbe, previewSql, probesFor } from '../../src/jobs/describe';
import type { FilterClause, FilterGroup, Job, JobNode } from '../../src/jobs/model';
import {
  chain,
  CUSTOMERS,
  jobEngine,
  jobOf,
  node,
  ORDERS,
  problems,
  source,
  sqlOf,
  target,
  type JobEngine,
  type TestTable,
} from './job-support';

const FILL: TestTable = {
  database: 'shop',
  name: 'fill',
  columns: [
    { name: 'n', type: 'INTEGER' },
    { name: 'x', type: 'INTEGER' },
    { name: 's', type: 'VARCHAR' },
  ],
  rows: ["(1, 1, 'a')", '(2, NULL, NULL)', "(3, 3, 'b')", '(4, 3, NULL)', "(5, NULL, 'b')"],
};

const SPARSE: TestTable = {
  database: 'shop',
  name: 'sparse',
  columns: [
    { name: 'a', type: 'INTEGER' },
    { name: 'b', type: 'VARCHAR' },
    { name: 'c', type: 'DOUBLE' },
  ],
  rows: ['(1, NULL, NULL)', '(2, NULL, NULL)'],
};

const DUPS: TestTable = {
  database: 'shop',
  name: 'dups',
  columns: [
    { name: 'a', type: 'INTEGER' },
    { name: 'b', type: 'VARCHAR' },
  ],
  rows: ["(1, 'x')", "(1, 'x')", '(2, NULL)', '(2, NULL)', "(1, 'y')"],
};

const QUARTERS: TestTable = {
  database: 'shop',
  name: 'quarters',
  columns: [
    { name: 'k', type: 'VARCHAR' },
    { name: 'q1', type: 'INTEGER' },
    { name: 'q2', type: 'INTEGER' },
    { name: 'label', type: 'VARCHAR' },
  ],
  rows: ["('a', 1, 2, 'x')", "('b', 3, NULL, 'y')"],
};

let je: JobEngine;
let ctx: CompileContext;
beforeAll(async () => {
  je = await jobEngine([ORDERS, CUSTOMERS, FILL, SPARSE, DUPS, QUARTERS]);
  ctx = je.ctx;
});

const orders = () => source('orders', 'shop', 'orders');
const customers = () => source('customers', 'shop', 'customers');

function on(n: JobNode, from: JobNode = orders(), over: Partial<Job> = {}): Job {
  return chain([from, n], over);
}

/** `SELECT select FROM (node) tail`: e.g. tail `ORDER BY id`, `WHERE …`. */
function rows(
  job: Job,
  id: string,
  select = '*',
  c: CompileContext = ctx,
  tail = '',
): Record<string, unknown>[] {
  return je.rows(`SELECT ${select} FROM (${previewSql(job, id, c, 1000)}) ${tail}`);
}

describe('Filter', () => {
  const constant = (value: string) => ({ kind: 'constant' as const, value });
  const where = (
    clauses: FilterClause[],
    combine: 'AND' | 'OR' = 'AND',
    negated = false,
  ): FilterGroup => ({
    combine,
    clauses,
    negated,
  });
  const ids = (g: FilterGroup, over: Partial<Job> = {}, c: CompileContext = ctx) =>
    rows(on(node('filter', 'f', { filter: g }), orders(), over), 'f', 'id', c).map((r) => r.id);

  it('by text: conditions quoted, constants as literals', () => {
    const job = on(
      node('filter', 'f', {
        filter: where([
          { column: 'status', op: 'EQ', value: constant("it's") },
          { column: 'amount', op: 'GT', value: constant('6') },
        ]),
      }),
    );
    expect(sqlOf(job, 'f', ctx)).toBe(
      `SELECT * FROM "orders" WHERE (("status" = 'it''s') AND ("amount" > '6'))`,
    );
  });

  it('EQ, LT, GT, LTE, GTE compare as the column type', () => {
    expect(ids(where([{ column: 'status', op: 'EQ', value: constant('paid') }]))).toEqual([
      1, 3, 5,
    ]);
    expect(ids(where([{ column: 'amount', op: 'LT', value: constant('5') }]))).toEqual([4]);
    expect(ids(where([{ column: 'amount', op: 'LTE', value: constant('5') }]))).toEqual([1, 4]);
    expect(ids(where([{ column: 'amount', op: 'GT', value: constant('7.5') }]))).toEqual([5]);
    expect(ids(where([{ column: 'amount', op: 'GTE', value: constant('7.5') }]))).toEqual([2, 5]);
    expect(
      ids(
        where([{ column: 'amount', op: 'LT', value: { kind: 'column', column: 'customer_id' } }]),
      ),
    ).toEqual([1, 2, 4, 5]);
  });

  it('REGEX matches anywhere; ISNULL; negation', () => {
    expect(ids(where([{ column: 'status', op: 'REGEX', value: constant('^(o|v)') }]))).toEqual([
      2, 4,
    ]);
    expect(ids(where([{ column: 'id', op: 'REGEX', value: constant('[45]') }]))).toEqual([4, 5]);
    expect(ids(where([{ column: 'note', op: 'ISNULL' }]))).toEqual([1, 3, 5]);
    expect(ids(where([{ column: 'note', op: 'ISNULL', negated: true }]))).toEqual([2, 4]);
    expect(
      ids(where([{ column: 'status', op: 'EQ', value: constant('paid') }], 'AND', true)),
    ).toEqual([2, 4]);
  });

  it('AND, OR and nested groups; an empty group keeps every row', () => {
    expect(
      ids(
        where(
          [
            { column: 'status', op: 'EQ', value: constant('void') },
            { column: 'amount', op: 'GTE', value: constant('10') },
          ],
          'OR',
        ),
      ),
    ).toEqual([4, 5]);
    const nested = where(
      [
        where([
          { column: 'status', op: 'EQ', value: constant('paid') },
          { column: 'amount', op: 'ISNULL', negated: true },
        ]),
        { column: 'note', op: 'EQ', value: constant('gift') },
      ],
      'OR',
    );
    expect(ids(nested)).toEqual([1, 2, 5]);
    expect(ids(where([]))).toEqual([1, 2, 3, 4, 5]);
  });

  it('a parameter is substituted as a value: the job default, or the run argument', () => {
    const g = where([{ column: 'status', op: 'EQ', value: constant('${status}') }]);
    const over = { parameters: [{ name: 'status', value: 'open' }] };
    expect(ids(g, over)).toEqual([2]);
    expect(ids(g, over, { ...ctx, arguments: { status: 'void' } })).toEqual([4]);
    // A hostile value stays one literal.
    const hostile = { ...ctx, arguments: { status: "x' OR '1'='1" } };
    expect(sqlOf(on(node('filter', 'f', { filter: g }), orders(), over), 'f', hostile)).toBe(
      `SELECT * FROM "orders" WHERE (("status" = 'x'' OR ''1''=''1'))`,
    );
    expect(ids(g, over, hostile)).toEqual([]);
  });

  it('says what is wrong: unknown column, missing value, text for a number', () => {
    const job = on(
      node('filter', 'f', {
        filter: where([
          { column: 'nope', op: 'EQ', value: constant('1') },
          { column: 'status', op: 'EQ' },
          { column: 'amount', op: 'GT', value: constant('ten') },
          { column: 'status', op: 'EQ', value: constant('${missing}') },
        ]),
      }),
    );
    expect(problems(job, ctx)).toEqual([
      'Filter "f": column "nope" is not in its input',
      'Filter "f": the condition on "status" (EQ) needs a value to compare with',
      'Filter "f": "ten" is not a number, and column "amount" is DOUBLE',
      'Filter "f": parameter "missing" is not defined (add it as --missing to the job)',
    ]);
  });
});

describe('Join', () => {
  const joinJob = (type: string, prefix?: string) =>
    jobOf(
      [
        orders(),
        customers(),
        node('join', 'j', {
          type: type as never,
          on: [{ left: 'customer_id', right: 'customer_id' }],
          ...(prefix === undefined ? {} : { rightPrefix: prefix }),
        }),
        target(),
      ],
      [
        ['orders', 'j', 0],
        ['customers', 'j', 1],
        ['j', 'out'],
      ],
    );
  const pairs = (type: string) =>
    rows(joinJob(type), 'j', 'id, name', ctx).map((r) => [r.id, r.name]);
  const sorted = (x: unknown[][]) =>
    [...x].sort((a, b) => Number(a[0] ?? Infinity) - Number(b[0] ?? Infinity));

  it('by text: left columns, then right ones, a same-named right column prefixed as Glue does', () => {
    expect(sqlOf(joinJob('inner'), 'j', ctx)).toBe(
      'SELECT l.*, r."customer_id" AS "(right)customer_id", r."name" AS "name", r."country" AS "country" ' +
        'FROM "orders" AS l INNER JOIN "customers" AS r ON l."customer_id" = r."customer_id"',
    );
    expect(Object.keys(rows(joinJob('inner'), 'j', '*', ctx)[0]!)).toEqual([
      'id',
      'customer_id',
      'amount',
      'status',
      'note',
      '(right)customer_id',
      'name',
      'country',
    ]);
    expect(Object.keys(rows(joinJob('inner', 'c_'), 'j', '*', ctx)[0]!)).toContain('c_customer_id');
  });

  it('inner, left, right, outer, left semi and left anti give their rows', () => {
    expect(sorted(pairs('inner'))).toEqual([
      [1, 'Ann'],
      [2, 'Ann'],
      [3, 'Bob'],
      [5, 'Bob'],
    ]);
    expect(sorted(pairs('left'))).toEqual([
      [1, 'Ann'],
      [2, 'Ann'],
      [3, 'Bob'],
      [4, null],
      [5, 'Bob'],
    ]);
    expect(sorted(pairs('right'))).toEqual([
      [1, 'Ann'],
      [2, 'Ann'],
      [3, 'Bob'],
      [5, 'Bob'],
      [null, 'Cy'],
    ]);
    expect(sorted(pairs('outer'))).toEqual([
      [1, 'Ann'],
      [2, 'Ann'],
      [3, 'Bob'],
      [4, null],
      [5, 'Bob'],
      [null, 'Cy'],
    ]);
    const semi = rows(joinJob('left-semi'), 'j', '*', ctx);
    expect(sqlOf(joinJob('left-semi'), 'j', ctx)).toBe(
      'SELECT l.* FROM "orders" AS l SEMI JOIN "customers" AS r ON l."customer_id" = r."customer_id"',
    );
    expect(semi.map((r) => r.id).sort()).toEqual([1, 2, 3, 5]);
    expect(Object.keys(semi[0]!)).toEqual(['id', 'customer_id', 'amount', 'status', 'note']);
    expect(rows(joinJob('left-anti'), 'j', 'id', ctx)).toEqual([{ id: 4 }]);
  });

  it('a key missing from one side is said on the node, naming the side', () => {
    const job = joinJob('inner');
    (job.nodes[2] as JobNode & { kind: 'join' }).options.on = [
      { left: 'customer_id', right: 'cust_id' },
    ];
    job.nodes[2]!.name = 'orders+customers';
    expect(problems(job, ctx)).toEqual([
      'Join "orders+customers": column "cust_id" is not in the right input',
    ]);
  });
});

describe('Union', () => {
  const sel = (id: string, columns: string[]) => node('select-fields', id, { columns });
  const unionJob = (mode: 'all' | 'distinct', byName: boolean, a: string[], b: string[]) =>
    jobOf(
      [orders(), sel('a', a), sel('b', b), node('union', 'u', { mode, byName }), target()],
      [
        ['orders', 'a'],
        ['orders', 'b'],
        ['a', 'u', 0],
        ['b', 'u', 1],
        ['u', 'out'],
      ],
    );

  it('ALL keeps duplicates, DISTINCT drops them (by position)', () => {
    const all = unionJob('all', false, ['status'], ['status']);
    expect(sqlOf(all, 'u', ctx)).toBe('SELECT * FROM "a" UNION ALL SELECT * FROM "b"');
    expect(rows(all, 'u')).toHaveLength(10);
    const distinct = unionJob('distinct', false, ['status'], ['status']);
    expect(sqlOf(distinct, 'u', ctx)).toBe('SELECT * FROM "a" UNION SELECT * FROM "b"');
    expect(rows(distinct, 'u', 'status', ctx, 'ORDER BY status')).toEqual([
      { status: 'open' },
      { status: 'paid' },
      { status: 'void' },
    ]);
  });

  it('by name: columns matched by name, NULL where an input lacks one', () => {
    const job = unionJob('all', true, ['id', 'status'], ['note', 'id']);
    expect(sqlOf(job, 'u', ctx)).toBe('SELECT * FROM "a" UNION ALL BY NAME SELECT * FROM "b"');
    const got = rows(job, 'u', '*', ctx, 'ORDER BY id, status NULLS LAST');
    expect(Object.keys(got[0]!)).toEqual(['id', 'status', 'note']);
    expect(got.slice(0, 2)).toEqual([
      { id: 1, status: 'paid', note: null },
      { id: 1, status: null, note: null },
    ]);
    const distinct = unionJob('distinct', true, ['id'], ['id']);
    expect(sqlOf(distinct, 'u', ctx)).toBe('SELECT * FROM "a" UNION BY NAME SELECT * FROM "b"');
    expect(rows(distinct, 'u')).toHaveLength(5);
  });

  it('by position, inputs with different numbers of columns are refused', () => {
    expect(problems(unionJob('all', false, ['id', 'status'], ['id']), ctx)).toEqual([
      'Union "u": input 2 has 1 columns and input 1 has 2: a union by position needs the same number (or union by name)',
    ]);
  });
});

describe('Aggregate', () => {
  it('every function, grouped, with Spark-style names', () => {
    const job = on(
      node('aggregate', 'ag', {
        groupBy: ['status'],
        aggregations: [
          { column: '*', fn: 'count' },
          { column: 'amount', fn: 'count' },
          { column: 'customer_id', fn: 'countDistinct' },
          { column: 'amount', fn: 'sum' },
          { column: 'amount', fn: 'avg' },
          { column: 'amount', fn: 'min' },
          { column: 'amount', fn: 'max' },
          { column: 'amount', fn: 'first' },
          { column: 'amount', fn: 'last' },
          { column: 'amount', fn: 'stddev_samp' },
          { column: 'amount', fn: 'stddev_pop' },
          { column: 'amount', fn: 'var_samp' },
          { column: 'amount', fn: 'var_pop', as: 'variance' },
        ],
      }),
    );
    expect(sqlOf(job, 'ag', ctx)).toBe(
      'SELECT "status", count(*) AS "count(1)", count("amount") AS "count(amount)", ' +
        'count(DISTINCT "customer_id") AS "count(DISTINCT customer_id)", sum("amount") AS "sum(amount)", ' +
        'avg("amount") AS "avg(amount)", min("amount") AS "min(amount)", max("amount") AS "max(amount)", ' +
        'first("amount") AS "first(amount)", last("amount") AS "last(amount)", ' +
        'stddev_samp("amount") AS "stddev_samp(amount)", stddev_pop("amount") AS "stddev_pop(amount)", ' +
        'var_samp("amount") AS "var_samp(amount)", var_pop("amount") AS "variance" FROM "orders" GROUP BY "status"',
    );
    const paid = rows(job, 'ag', '*', ctx, "WHERE status = 'paid'")[0]!;
    expect(paid).toMatchObject({
      'count(1)': 3,
      'count(amount)': 2,
      'count(DISTINCT customer_id)': 2,
      'sum(amount)': 15,
      'avg(amount)': 7.5,
      'min(amount)': 5,
      'max(amount)': 10,
      'first(amount)': 5,
      'last(amount)': 10,
      'stddev_pop(amount)': 2.5,
      'var_samp(amount)': 12.5,
      variance: 6.25,
    });
    expect(paid['stddev_samp(amount)']).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(rows(job, 'ag')).toHaveLength(3);
  });

  it('without groups: one row over everything', () => {
    const job = on(
      node('aggregate', 'ag', {
        groupBy: [],
        aggregations: [{ column: 'amount', fn: 'sum', as: 'total' }],
      }),
    );
    expect(sqlOf(job, 'ag', ctx)).toBe('SELECT sum("amount") AS "total" FROM "orders"');
    expect(rows(job, 'ag')).toEqual([{ total: 25 }]);
  });

  it('says what is wrong', () => {
    const job = on(
      node('aggregate', 'ag', {
        groupBy: ['nope'],
        aggregations: [
          { column: '*', fn: 'sum' },
          { column: 'x', fn: 'median' as never },
        ],
      }),
    );
    expect(problems(job, ctx)).toEqual([
      'Aggregate "ag": column "nope" is not in its input',
      'Aggregate "ag": sum needs a column (only count takes *)',
      'Aggregate "ag": "median" is not an aggregate function',
    ]);
  });
});

describe('Fill Missing Values', () => {
  const fill = () => source('fill', 'shop', 'fill');

  it('constant, mean, median and mode over all rows', () => {
    const job = on(
      node('fill-missing-values', 'fm', {
        fills: [
          { column: 'x', strategy: 'mean', as: 'mean' },
          { column: 'x', strategy: 'median', as: 'median' },
          { column: 'x', strategy: 'mode', as: 'mode' },
          { column: 's', strategy: 'constant', value: '?' },
        ],
      }),
      fill(),
    );
    expect(sqlOf(job, 'fm', ctx)).toBe(
      `SELECT * REPLACE (coalesce("s", '?') AS "s"), coalesce("x", avg("x") OVER ()) AS "mean", ` +
        'coalesce("x", median("x") OVER ()) AS "median", coalesce("x", mode("x") OVER ()) AS "mode" FROM "fill"',
    );
    const got = rows(job, 'fm', '*', ctx, 'ORDER BY n');
    expect(got.map((r) => r.s)).toEqual(['a', '?', 'b', '?', 'b']);
    expect(got.map((r) => r.x)).toEqual([1, null, 3, 3, null]);
    expect(got[1]!.mean).toBeCloseTo(7 / 3, 12);
    expect(got.map((r) => r.median)).toEqual([1, 3, 3, 3, 3]);
    expect(got.map((r) => r.mode)).toEqual([1, 3, 3, 3, 3]);
  });

  it('previous: the last non-NULL value before, in input order', () => {
    const job = on(
      node('fill-missing-values', 'fm', {
        fills: [
          { column: 's', strategy: 'previous' },
          { column: 'x', strategy: 'previous' },
        ],
      }),
      fill(),
    );
    expect(sqlOf(job, 'fm', ctx)).toBe(
      'SELECT * EXCLUDE ("__decant_row") REPLACE (' +
        'last_value("s" IGNORE NULLS) OVER (ORDER BY "__decant_row" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "s", ' +
        'last_value("x" IGNORE NULLS) OVER (ORDER BY "__decant_row" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "x") ' +
        'FROM (SELECT *, row_number() OVER () AS "__decant_row" FROM "fill") ORDER BY "__decant_row"',
    );
    expect(rows(job, 'fm')).toEqual([
      { n: 1, x: 1, s: 'a' },
      { n: 2, x: 1, s: 'a' },
      { n: 3, x: 3, s: 'b' },
      { n: 4, x: 3, s: 'b' },
      { n: 5, x: 3, s: 'b' },
    ]);
  });
});

describe('Drop Null Fields', () => {
  it('a probe finds the all-NULL columns, then they are dropped', () => {
    const job = on(node('drop-null-fields', 'dn', {}), source('sparse', 'shop', 'sparse'));
    expect(problems(job, ctx)).toEqual([
      'Drop Null Fields "dn": which columns are all NULL is not known yet: run its probe first',
    ]);
    const [probe, ...rest] = probesFor(job, ctx);
    expect(rest).toEqual([]);
    expect(probe).toMatchObject({ nodeId: 'dn', kind: 'null-columns' });
    const facts = factsFromProbe(probe!, je.rows(probe!.sql));
    expect(facts).toEqual({ nullColumns: ['b', 'c'] });
    const withFacts = { ...ctx, facts: new Map([['dn', facts]]) };
    expect(probesFor(job, withFacts)).toEqual([]);
    expect(sqlOf(job, 'dn', withFacts)).toBe('SELECT * EXCLUDE ("b", "c") FROM "sparse"');
    expect(je.rows(compileJob(job, withFacts).targets[0]!.sql)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('drops nothing from an input with no rows, or none all NULL', () => {
    const empty = chain([
      source('sparse', 'shop', 'sparse'),
      node('limit', 'none', { count: 0 }),
      node('drop-null-fields', 'dn', {}),
    ]);
    const probe = probesFor(empty, ctx)[0]!;
    expect(factsFromProbe(probe, je.rows(probe.sql))).toEqual({ nullColumns: [] });
    const full = on(node('drop-null-fields', 'dn', {}));
    const p2 = probesFor(full, ctx)[0]!;
    expect(factsFromProbe(p2, je.rows(p2.sql))).toEqual({ nullColumns: [] });
  });
});

describe('Drop Duplicates', () => {
  it('on chosen columns: the first row of each, in input order', () => {
    const job = on(node('drop-duplicates', 'dd', { columns: ['customer_id'] }));
    expect(sqlOf(job, 'dd', ctx)).toBe(
      'SELECT * EXCLUDE ("__decant_row") FROM (SELECT *, row_number() OVER () AS "__decant_row" FROM "orders" AS "__decant_in") ' +
        'QUALIFY row_number() OVER (PARTITION BY "customer_id" ORDER BY "__decant_row") = 1 ORDER BY "__decant_row"',
    );
    expect(rows(job, 'dd', 'id')).toEqual([{ id: 1 }, { id: 3 }, { id: 4 }]);
  });

  it('on whole rows, NULLs equal to NULLs', () => {
    const job = on(node('drop-duplicates', 'dd', { columns: [] }), source('dups', 'shop', 'dups'));
    expect(rows(job, 'dd')).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: null },
      { a: 1, b: 'y' },
    ]);
  });
});

describe('Pivot and Unpivot', () => {
  const pivotJob = (values?: string[]) =>
    chain([
      orders(),
      node('select-fields', 'sel', { columns: ['customer_id', 'status', 'amount'] }),
      node('pivot', 'pv', {
        pivotColumn: 'status',
        valueColumn: 'amount',
        fn: 'sum',
        ...(values ? { values } : {}),
      }),
    ]);

  it('Pivot: a column per value, grouped by the other columns', () => {
    const job = pivotJob(['paid', 'open']);
    expect(sqlOf(job, 'pv', ctx)).toBe(
      `SELECT * EXCLUDE ("status", "amount"), sum("amount") FILTER (WHERE CAST("status" AS VARCHAR) = 'paid') AS "paid", ` +
        `sum("amount") FILTER (WHERE CAST("status" AS VARCHAR) = 'open') AS "open" FROM "sel" GROUP BY ALL`,
    );
    expect(rows(job, 'pv', '*', ctx, 'ORDER BY customer_id')).toEqual([
      { customer_id: 10, paid: 5, open: 7.5 },
      { customer_id: 20, paid: 10, open: null },
      { customer_id: 30, paid: null, open: null },
    ]);
  });

  it('Pivot without values: a probe lists them', () => {
    const job = pivotJob();
    expect(problems(job, ctx)).toEqual([
      'Pivot Rows Into Columns "pv": its values are not known yet: list them, or run its probe first',
    ]);
    const probe = probesFor(job, ctx)[0]!;
    const facts = factsFromProbe(probe, je.rows(probe.sql));
    expect(facts).toEqual({ pivotValues: ['open', 'paid', 'void'] });
    const got = rows(
      job,
      'pv',
      '*',
      { ...ctx, facts: new Map([['pv', facts]]) },
      'ORDER BY customer_id',
    );
    expect(got[2]).toEqual({ customer_id: 30, open: null, paid: null, void: 2.5 });
  });

  it('Unpivot: a row per chosen column, NULL values left out or kept', () => {
    const q = () => source('q', 'shop', 'quarters');
    const job = on(
      node('unpivot', 'up', { columns: ['q1', 'q2'], nameColumn: 'quarter', valueColumn: 'sales' }),
      q(),
    );
    expect(sqlOf(job, 'up', ctx)).toBe(
      `SELECT * FROM (SELECT * EXCLUDE ("q1", "q2"), unnest(['q1', 'q2']) AS "quarter", ` +
        `unnest(["q1", "q2"]) AS "sales" FROM "q") WHERE "sales" IS NOT NULL`,
    );
    expect(rows(job, 'up')).toEqual([
      { k: 'a', label: 'x', quarter: 'q1', sales: 1 },
      { k: 'a', label: 'x', quarter: 'q2', sales: 2 },
      { k: 'b', label: 'y', quarter: 'q1', sales: 3 },
    ]);
    const nulls = on(node('unpivot', 'up', { columns: ['q1', 'q2'], includeNulls: true }), q());
    expect(rows(nulls, 'up').at(-1)).toEqual({ k: 'b', label: 'y', name: 'q2', value: null });
    const mixed = on(node('unpivot', 'up', { columns: ['q1', 'label'] }), q());
    expect(problems(mixed, ctx)).toEqual([
      'Unpivot Columns Into Rows "up": the columns to unpivot have different types (INTEGER, VARCHAR): change them to one type first (Change Schema)',
    ]);
  });
});

describe('Limit', () => {
  it('the first rows after an offset', () => {
    const job = on(node('limit', 'lim', { count: 2, offset: 1 }));
    expect(sqlOf(job, 'lim', ctx)).toBe('SELECT * FROM "orders" LIMIT 2 OFFSET 1');
    expect(rows(job, 'lim', 'id')).toEqual([{ id: 2 }, { id: 3 }]);
    expect(problems(on(node('limit', 'lim', { count: -1 })), ctx)).toEqual([
      'Limit "lim": the number of rows must be a whole number ≥ 0, not -1',
    ]);
  });
});

describe('SQL Query', () => {
  const queryJob = (
    query: string,
    aliases: Record<string, string> = { orders: 'o', customers: 'c' },
  ) =>
    jobOf(
      [orders(), customers(), node('sql-query', 'q', { query, aliases }), target()],
      [
        ['orders', 'q', 0],
        ['customers', 'q', 1],
        ['q', 'out'],
      ],
      { parameters: [{ name: 'country', value: 'DE' }] },
    );

  it('one query over the inputs under their aliases, parameters as values', () => {
    const job = queryJob(
      'SELECT o.id, c.name FROM o JOIN c USING (customer_id) WHERE c.country = ${country} ORDER BY o.id;',
    );
    expect(sqlOf(job, 'q', ctx)).toBe(
      'WITH "o" AS (SELECT * FROM "orders"), "c" AS (SELECT * FROM "customers") SELECT * FROM (\n' +
        "SELECT o.id, c.name FROM o JOIN c USING (customer_id) WHERE c.country = 'DE' ORDER BY o.id\n)",
    );
    expect(je.run(job)).toEqual([
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Ann' },
    ]);
  });

  it("an alias may be the input node's own id", () => {
    const job = queryJob('SELECT count(*) AS n FROM orders JOIN customers USING (customer_id)', {
      orders: 'orders',
      customers: 'customers',
    });
    expect(je.run(job)).toEqual([{ n: 4 }]);
  });

  it('inputs without an alias are input1, input2, …', () => {
    const job = queryJob('SELECT count(*) AS n FROM input1, input2', {});
    expect(je.run(job)).toEqual([{ n: 15 }]);
  });

  it('refuses a second statement, an unclosed string, anything but a query', () => {
    expect(problems(queryJob('SELECT 1; DROP TABLE shop.orders'), ctx)).toEqual([
      'SQL Query "q": the query cannot be used: write one query: it holds more than one statement',
    ]);
    expect(problems(queryJob("SELECT 'x"), ctx)).toEqual([
      'SQL Query "q": the query cannot be used: a string is not closed',
    ]);
    expect(problems(queryJob('DROP TABLE shop.orders'), ctx)).toEqual([
      'SQL Query "q": the query cannot be used: write a query (SELECT, WITH, FROM or VALUES), not DROP',
    ]);
    expect(problems(queryJob('SELECT 1) AS x, evil AS (SELECT 2'), ctx)).toEqual([
      'SQL Query "q": the query cannot be used: a ")" closes more than was opened',
    ]);
    expect(je.rows('SELECT count(*) AS n FROM shop.orders')).toEqual([{ n: 5 }]);
  });
});
