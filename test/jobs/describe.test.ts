import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeJob } from '../../src/jobs/analyze';
import { compileJob } from '../../src/jobs/compile';
import { columnsFromDescribe, describeSql, previewSql } from '../../src/jobs/describe';
import { JobError } from '../../src/jobs/errors';
import type { Job, JobNode } from '../../src/jobs/model';
import {
  chain,
  CUSTOMERS,
  jobEngine,
  jobOf,
  node,
  ORDERS,
  source,
  target,
  type JobEngine,
  type TestTable,
} from './job-support';

const NESTED: TestTable = {
  database: 'shop',
  name: 'nested',
  columns: [
    { name: 'k', type: 'INTEGER' },
    { name: 's', type: 'STRUCT(a INTEGER, b VARCHAR)' },
    { name: 'l', type: 'INTEGER[]' },
  ],
  rows: ["(1, {'a': 1, 'b': 'x'}, [1, 2])"],
};

let je: JobEngine;
beforeAll(async () => {
  je = await jobEngine([ORDERS, CUSTOMERS, NESTED]);
});

const orders = () => source('orders', 'shop', 'orders');
const nested = () => source('nested', 'shop', 'nested');
const constant = (value: string) => ({ kind: 'constant' as const, value });

/** One job per node kind (the node under test has id `x`). */
const CASES: [string, () => Job][] = [
  ['catalog-source', () => chain([source('x', 'shop', 'orders')])],
  [
    'change-schema',
    () =>
      chain([
        orders(),
        node('change-schema', 'x', {
          mappings: [
            { from: 'amount', to: 'a', type: 'DECIMAL(10,2)' },
            { from: 'id', to: 'i' },
          ],
          unmapped: 'keep',
        }),
      ]),
  ],
  [
    'select-fields',
    () => chain([orders(), node('select-fields', 'x', { columns: ['note', 'id'] })]),
  ],
  ['drop-fields', () => chain([orders(), node('drop-fields', 'x', { columns: ['note'] })])],
  [
    'rename-field',
    () => chain([orders(), node('rename-field', 'x', { from: 'note', to: 'remark' })]),
  ],
  [
    'filter',
    () =>
      chain([
        orders(),
        node('filter', 'x', {
          filter: { combine: 'AND', clauses: [{ column: 'id', op: 'GT', value: constant('1') }] },
        }),
      ]),
  ],
  [
    'join',
    () =>
      jobOf(
        [
          orders(),
          source('c', 'shop', 'customers'),
          node('join', 'x', { type: 'outer', on: [{ left: 'customer_id', right: 'customer_id' }] }),
          target(),
        ],
        [
          ['orders', 'x', 0],
          ['c', 'x', 1],
          ['x', 'out'],
        ],
      ),
  ],
  [
    'union',
    () =>
      jobOf(
        [
          orders(),
          source('o2', 'shop', 'orders'),
          node('union', 'x', { mode: 'distinct', byName: true }),
          target(),
        ],
        [
          ['orders', 'x', 0],
          ['o2', 'x', 1],
          ['x', 'out'],
        ],
      ),
  ],
  [
    'aggregate',
    () =>
      chain([
        orders(),
        node('aggregate', 'x', {
          groupBy: ['status'],
          aggregations: [
            { column: '*', fn: 'count' },
            { column: 'amount', fn: 'max' },
            { column: 'id', fn: 'countDistinct' },
          ],
        }),
      ]),
  ],
  [
    'derived-column',
    () =>
      chain([orders(), node('derived-column', 'x', { column: 'twice', expression: 'amount * 2' })]),
  ],
  [
    'fill-missing-values',
    () =>
      chain([
        orders(),
        node('fill-missing-values', 'x', {
          fills: [
            { column: 'note', strategy: 'previous' },
            { column: 'amount', strategy: 'mean', as: 'filled' },
          ],
        }),
      ]),
  ],
  ['drop-duplicates', () => chain([orders(), node('drop-duplicates', 'x', { columns: [] })])],
  [
    'split-string',
    () => chain([orders(), node('split-string', 'x', { column: 'status', pattern: 'a' })]),
  ],
  [
    'concatenate-columns',
    () =>
      chain([orders(), node('concatenate-columns', 'x', { columns: ['id', 'status'], as: 'c' })]),
  ],
  [
    'pivot',
    () =>
      chain([
        orders(),
        node('pivot', 'x', {
          pivotColumn: 'status',
          valueColumn: 'id',
          fn: 'count',
          values: ['paid', 'open'],
        }),
      ]),
  ],
  ['unpivot', () => chain([orders(), node('unpivot', 'x', { columns: ['status', 'note'] })])],
  ['flatten', () => chain([nested(), node('flatten', 'x', {})])],
  ['explode', () => chain([nested(), node('explode', 'x', { column: 'l', as: 'e' })])],
  [
    'to-timestamp',
    () =>
      chain([
        orders(),
        node('to-timestamp', 'x', { column: 'id', from: { kind: 'epoch', unit: 'ms' } }),
      ]),
  ],
  [
    'format-timestamp',
    () =>
      chain([
        orders(),
        node('format-timestamp', 'x', { column: 'status', pattern: '%Y', as: 'y' }),
      ]),
  ],
  [
    'add-current-timestamp',
    () => chain([orders(), node('add-current-timestamp', 'x', { column: 'now' })]),
  ],
  [
    'identifier',
    () => chain([orders(), node('identifier', 'x', { column: 'rid', type: 'row-number' })]),
  ],
  ['limit', () => chain([orders(), node('limit', 'x', { count: 1 })])],
  [
    'sql-query',
    () =>
      chain([
        orders(),
        node('sql-query', 'x', { query: 'SELECT id, upper(status) AS s FROM input1', aliases: {} }),
      ]),
  ],
  ['target', () => chain([orders(), node('limit', 'l', { count: 1 })])],
];

describe("describeSql: the engine says each node's columns", () => {
  it.each(CASES)('%s: DESCRIBE agrees with the columns the compiler infers', (kind, make) => {
    const job = make();
    const id = kind === 'target' ? 'out' : 'x';
    const sql = describeSql(job, id, je.ctx);
    expect(sql.startsWith('DESCRIBE WITH\n')).toBe(true);
    const described = columnsFromDescribe(je.rows(sql));
    expect(described.length).toBeGreaterThan(0);
    const inferred = analyzeJob(job, je.ctx).built.get(id)!.columns;
    if (kind === 'sql-query') {
      expect(inferred).toBeNull();
      expect(described).toEqual([
        { name: 'id', type: 'BIGINT' },
        { name: 's', type: 'VARCHAR' },
      ]);
      return;
    }
    expect(inferred!.map((c) => c.name)).toEqual(described.map((c) => c.name));
    inferred!.forEach((c, i) => {
      if (c.type !== null) expect(c.type, c.name).toBe(described[i]!.type);
    });
  });

  it('with described columns in ctx.schemas, nodes that need them compile after a SQL Query', () => {
    const job = jobOf(
      [
        orders(),
        node('sql-query', 'q', {
          query: 'SELECT customer_id, {x: id, y: status} AS s FROM input1',
          aliases: {},
        }),
        source('c', 'shop', 'customers'),
        node('join', 'j', { type: 'inner', on: [{ left: 'customer_id', right: 'customer_id' }] }),
        node('flatten', 'f', {}),
        target(),
      ],
      [
        ['orders', 'q'],
        ['q', 'j', 0],
        ['c', 'j', 1],
        ['j', 'f'],
        ['f', 'out'],
      ],
    );
    expect(() => compileJob(job, je.ctx)).toThrow(
      /the columns of its left input are not known yet/,
    );
    const schemas = new Map([['q', columnsFromDescribe(je.rows(describeSql(job, 'q', je.ctx)))]]);
    const c = compileJob(job, { ...je.ctx, schemas });
    expect(c.targets[0]!.columns!.map((x) => x.name)).toEqual([
      'customer_id',
      's.x',
      's.y',
      '(right)customer_id',
      'name',
      'country',
    ]);
    expect(je.rows(`${c.targets[0]!.sql} ORDER BY "s.x"`)[0]).toEqual({
      customer_id: 10,
      's.x': 1,
      's.y': 'paid',
      '(right)customer_id': 10,
      name: 'Ann',
      country: 'DE',
    });
  });

  it('previewSql gives the first rows; a node only needs its own inputs to be right', () => {
    const job = chain([orders(), node('limit', 'l', { count: 10 })]);
    job.nodes.push(node('select-fields', 'broken', { columns: ['nope'] }) as JobNode);
    job.edges.push({ from: 'orders', to: 'broken', port: 0 });
    expect(je.rows(previewSql(job, 'l', je.ctx, 2))).toHaveLength(2);
    expect(() => describeSql(job, 'broken', je.ctx)).toThrow(JobError);
    expect(() => describeSql(job, 'ghost', je.ctx)).toThrow(/there is no node "ghost"/);
  });

  it('a preview may read a sample of each source (sourceSample); a run never does', () => {
    const job = chain([
      orders(),
      node('aggregate', 'a', {
        groupBy: [],
        aggregations: [{ column: '*', fn: 'count', as: 'n' }],
      }),
    ]);
    const all = je.rows(previewSql(job, 'a', je.ctx));
    const sampled = je.rows(previewSql(job, 'a', { ...je.ctx, sourceSample: 1 }));
    expect(Number(all[0]!.n)).toBeGreaterThan(1);
    expect(sampled).toEqual([{ n: 1 }]);
    expect(previewSql(job, 'a', je.ctx)).not.toContain(') LIMIT');
  });
});
