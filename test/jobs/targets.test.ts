import { beforeAll, describe, expect, it } from 'vitest';
import { compileJob } from '../../src/jobs/compile';
import { jobEngine, jobOf, node, source, type JobEngine } from './job-support';

let je: JobEngine;
beforeAll(async () => {
  je = await jobEngine();
});

const orders = () => source('orders', 'shop', 'orders');
const customers = () => source('customers', 'shop', 'customers');

describe('targets: the SELECT and the write options, as data', () => {
  const job = () =>
    jobOf(
      [
        orders(),
        customers(),
        node('filter', 'paid', {
          filter: {
            combine: 'AND',
            clauses: [{ column: 'status', op: 'EQ', value: { kind: 'constant', value: 'paid' } }],
          },
        }),
        node(
          'target',
          'pq',
          { format: { kind: 'parquet' }, partitionKeys: ['customer_id'], destination: 'opfs' },
          'paid orders',
        ),
        node(
          'target',
          'csv',
          {
            format: { kind: 'csv', delimiter: ';' },
            partitionKeys: [],
            destination: 'download',
            path: 'customers.csv',
            catalog: { database: 'out', table: 'customers' },
          },
          'customers csv',
        ),
        node(
          'target',
          'nd',
          { format: { kind: 'ndjson' }, partitionKeys: [], destination: 'folder' },
          'paid json',
        ),
      ],
      [
        ['orders', 'paid'],
        ['paid', 'pq'],
        ['customers', 'csv'],
        ['paid', 'nd'],
      ],
    );

  it('one statement per target with only the CTEs it reads from; defaults filled in', () => {
    const c = compileJob(job(), je.ctx);
    expect(c.targets.map((t) => t.nodeId)).toEqual(['pq', 'csv', 'nd']);
    const [pq, csv, nd] = c.targets;
    expect(pq!.sql).toBe(
      'WITH\n' +
        '  "orders" AS (\n    SELECT * FROM "shop"."orders"\n  ),\n' +
        `  "paid" AS (\n    SELECT * FROM "orders" WHERE (("status" = 'paid'))\n  )\n` +
        'SELECT * FROM "paid"',
    );
    expect(csv!.sql).toBe(
      'WITH\n  "customers" AS (\n    SELECT * FROM "shop"."customers"\n  )\nSELECT * FROM "customers"',
    );
    expect(pq!.write).toEqual({
      format: { kind: 'parquet', compression: 'zstd', rowGroupSize: 122_880 },
      partitionKeys: ['customer_id'],
      destination: 'opfs',
      path: 'paid orders',
    });
    expect(csv!.write).toEqual({
      format: { kind: 'csv', delimiter: ';', quote: '"', header: true, compression: 'none' },
      partitionKeys: [],
      destination: 'download',
      path: 'customers.csv',
      catalog: { database: 'out', table: 'customers' },
    });
    expect(nd!.write.format).toEqual({ kind: 'ndjson', compression: 'none' });
    expect(pq!.columns!.map((x) => x.name)).toEqual([
      'id',
      'customer_id',
      'amount',
      'status',
      'note',
    ]);
    expect(c.sources.map((s) => s.nodeId)).toEqual(['orders', 'customers']);
  });

  it('each target statement runs on the engine', () => {
    const c = compileJob(job(), je.ctx);
    expect(je.rows(c.targets[0]!.sql).map((r) => r.id)).toEqual([1, 3, 5]);
    expect(je.rows(c.targets[1]!.sql)).toHaveLength(3);
    expect(je.rows(c.targets[2]!.sql)).toHaveLength(3);
  });

  it('the script: every statement after a comment naming its target, names that cannot end the comment', () => {
    const j = job();
    j.nodes[3]!.name = 'paid\norders; DROP TABLE shop.orders';
    const c = compileJob(j, je.ctx);
    expect(c.script.split('\n')[0]).toBe(
      '-- Target "paid\\norders; DROP TABLE shop.orders": parquet → "paid\\norders; DROP TABLE shop.orders"',
    );
    expect(c.script).toContain(
      `${c.targets[0]!.sql};\n\n-- Target "customers csv": csv → "customers.csv"\n`,
    );
    // The whole script runs as it is shown, one statement per target, and drops nothing.
    for (const statement of c.script.split(';\n\n')) je.rows(statement.replace(/;$/, ''));
    expect(je.rows('SELECT count(*) AS n FROM shop.orders')).toEqual([{ n: 5 }]);
  });
});
