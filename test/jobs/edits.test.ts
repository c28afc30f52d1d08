import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addNode,
  edgeKey,
  jobAsSql,
  moveNodes,
  portCount,
  removeParts,
  setInput,
} from '../../src/jobs/edits';
import { describeJob, engineErrorText, type EngineAnswer } from '../../src/jobs/node-schemas';
import { compileJob, newJob, type Job } from '../../src/jobs';
import { SqlConsole } from '../../workers/engine/sql-console';
import { arrangedPositions } from '../../src/ui/jobs/editor/arrange';
import { getAt, setAt } from '../../src/ui/jobs/editor/fields';
import { CUSTOMERS, jobEngine, node, jobOf, source, target, type JobEngine } from './job-support';

const at = { x: 0, y: 0 };

describe('job edits', () => {
  it('adds a node after the selected one, with an id from its kind', () => {
    let job = newJob('j');
    const a = addNode(job, 'catalog-source', at);
    job = a.job;
    const f = addNode(job, 'filter', { x: 260, y: 0 }, a.id);
    expect(a.id).toBe('catalog-source-1');
    expect(f.id).toBe('filter-1');
    expect(f.job.edges).toEqual([{ from: 'catalog-source-1', to: 'filter-1', port: 0 }]);
    expect(job.edges).toEqual([]); // the old job is untouched
    // A source takes no input: nothing is connected to it.
    const s = addNode(f.job, 'file-source', at, 'filter-1');
    expect(s.job.edges).toHaveLength(1);
  });

  it('sets and clears an input port; refuses a node reading itself or a target', () => {
    const job = jobOf(
      [
        source('a', 'shop', 'orders'),
        source('b', 'shop', 'customers'),
        node('join', 'j', { type: 'inner', on: [] }),
        target(),
      ],
      [['a', 'j', 0]],
    );
    const both = setInput(job, 'j', 1, 'b');
    expect(both.edges).toContainEqual({ from: 'b', to: 'j', port: 1 });
    const swapped = setInput(both, 'j', 0, 'b');
    expect(swapped.edges.filter((e) => e.to === 'j')).toEqual([
      { from: 'b', to: 'j', port: 1 },
      { from: 'b', to: 'j', port: 0 },
    ]);
    expect(setInput(both, 'j', 1, null).edges.filter((e) => e.to === 'j')).toHaveLength(1);
    expect(() => setInput(job, 'j', 0, 'j')).toThrow(/own output/);
    expect(() => setInput(job, 'j', 0, 'out')).toThrow(/target has no output/);
  });

  it('removes nodes with their edges and renumbers a union’s inputs', () => {
    const job = jobOf(
      [
        source('a', 'd', 't'),
        source('b', 'd', 't'),
        source('c', 'd', 't'),
        node('union', 'u', { mode: 'all' }),
        target(),
      ],
      [
        ['a', 'u', 0],
        ['b', 'u', 1],
        ['c', 'u', 2],
        ['u', 'out'],
      ],
    );
    expect(portCount(job, job.nodes[3]!)).toBe(4);
    const next = removeParts(job, ['b']);
    expect(next.nodes.map((n) => n.id)).toEqual(['a', 'c', 'u', 'out']);
    expect(next.edges.filter((e) => e.to === 'u')).toEqual([
      { from: 'a', to: 'u', port: 0 },
      { from: 'c', to: 'u', port: 1 },
    ]);
    const cut = removeParts(job, [], [edgeKey({ from: 'u', to: 'out', port: 0 })]);
    expect(cut.edges.some((e) => e.to === 'out')).toBe(false);
  });

  it('moves nodes to whole pixels and arranges them left to right', () => {
    const job = jobOf(
      [
        target(),
        node('filter', 'f', { filter: { combine: 'AND', clauses: [] } }),
        source('a', 'd', 't'),
      ],
      [
        ['a', 'f'],
        ['f', 'out'],
      ],
    );
    expect(moveNodes(job, new Map([['f', { x: 1.6, y: 2.4 }]])).nodes[1]!.position).toEqual({
      x: 2,
      y: 2,
    });
    // A click on a node "moves" it where it is: no new job, so no empty undo step.
    const moved = moveNodes(job, new Map([['f', { x: 2, y: 2 }]]));
    expect(moveNodes(moved, new Map([['f', { x: 2.2, y: 1.9 }]]))).toBe(moved);
    const p = arrangedPositions(job, () => undefined);
    expect(p.get('a')!.x).toBeLessThan(p.get('f')!.x);
    expect(p.get('f')!.x).toBeLessThan(p.get('out')!.x);
  });

  it('reads and writes options by dotted path without changing the original', () => {
    const o = { format: { kind: 'parquet' }, partitionKeys: [] as string[] };
    const next = setAt(o, 'format.compression', 'snappy');
    expect(getAt(next, 'format.compression')).toBe('snappy');
    expect(getAt(o, 'format.compression')).toBeUndefined();
    expect(setAt(next, 'format.compression', undefined)).toEqual(o);
  });

  it('words DuckDB errors for the node', () => {
    expect(
      engineErrorText(
        'sql: line 3: Binder Error: Referenced column "pricee" not found in FROM clause!\nCandidate bindings: "price"',
      ),
    ).toBe('column "pricee" is not in its input');
    expect(engineErrorText("Conversion Error: Could not convert string 'x' to INT64")).toBe(
      "a value does not convert: Could not convert string 'x' to INT64",
    );
  });
});

describe('describing a job on the engine (DuckDB-WASM, Node bundle)', () => {
  let je: JobEngine;
  let sql: SqlConsole;
  const runner = () => ({
    runSql: async (s: string) => sql.runSql(s),
    page: async (id: string, o: number, l: number) => sql.page(id, o, l),
    dropResult: async (id: string) => sql.dropResult(id),
  });
  beforeAll(async () => {
    je = await jobEngine();
    sql = new SqlConsole(je.engine.s);
  });
  afterAll(() => undefined);

  const job: Job = jobOf(
    [
      source('orders', 'shop', 'orders'),
      source('customers', 'shop', 'customers'),
      node('join', 'j', { type: 'inner', on: [{ left: 'customer_id', right: 'customer_id' }] }),
      node('derived-column', 'd', { column: 'big', expression: 'amount * 2' }),
      node('aggregate', 'agg', {
        groupBy: ['country'],
        aggregations: [{ column: 'big', fn: 'sum' }],
      }),
      node('drop-null-fields', 'dn', {}),
      target(),
    ],
    [
      ['orders', 'j', 0],
      ['customers', 'j', 1],
      ['j', 'd'],
      ['d', 'agg'],
      ['agg', 'dn'],
      ['dn', 'out'],
    ],
  );

  it('gives every node its columns, the ones only the engine knows included', async () => {
    const cache = new Map<string, EngineAnswer>();
    const f = await describeJob(job, je.ctx, runner(), cache);
    expect(f.errors.size).toBe(0);
    expect(f.schemas.get('d')!.at(-1)).toEqual({ name: 'big', type: 'DOUBLE' });
    expect(f.schemas.get('agg')).toEqual([
      { name: 'country', type: 'VARCHAR' },
      { name: 'sum(big)', type: 'DOUBLE' },
    ]);
    expect(f.facts.get('dn')).toEqual({ nullColumns: [] });
    expect(f.schemas.get('out')).toEqual(f.schemas.get('agg'));
    // Asked again, every answer comes from the cache.
    const size = cache.size;
    await describeJob(job, je.ctx, runner(), cache);
    expect(cache.size).toBe(size);
    // And the job compiles with what was found.
    expect(compileJob(job, { ...je.ctx, schemas: f.schemas, facts: f.facts }).script).toContain(
      '"dn" AS',
    );
  });

  it('places an engine error on the node that caused it, and asks nothing after it', async () => {
    const bad = {
      ...job,
      nodes: job.nodes.map((n) =>
        n.id === 'd' ? { ...n, options: { column: 'big', expression: 'amount * nope' } } : n,
      ),
    } as Job;
    const f = await describeJob(bad, je.ctx, runner(), new Map());
    expect([...f.errors.keys()]).toEqual(['d']);
    expect(f.errors.get('d')).toBe('Derived Column "d": column "nope" is not in its input');
    expect(f.schemas.has('j')).toBe(true);
    expect(f.schemas.has('agg')).toBe(false);
  });

  it('turns a job into SQL Query nodes that give the same rows (Edit as SQL)', async () => {
    const f = await describeJob(job, je.ctx, runner(), new Map());
    const ctx = { ...je.ctx, schemas: f.schemas, facts: f.facts };
    const asSql = jobAsSql(job, ctx);
    expect(asSql.nodes.map((n) => n.kind).sort()).toEqual(
      ['catalog-source', 'catalog-source', 'sql-query', 'target'].sort(),
    );
    const sqlNode = asSql.nodes.find((n) => n.kind === 'sql-query')!;
    expect(asSql.edges.filter((e) => e.to === sqlNode.id).map((e) => e.from)).toEqual([
      'orders',
      'customers',
    ]);
    const order = (rows: Record<string, unknown>[]) =>
      rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
    expect(order(je.run(asSql, je.ctx))).toEqual(order(je.run(job, ctx)));
    expect(CUSTOMERS.rows.length).toBe(3);
  });
});
