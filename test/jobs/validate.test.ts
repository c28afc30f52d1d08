import { describe, expect, it } from 'vitest';
import { compileJob } from '../../src/jobs/compile';
import type { CompileContext } from '../../src/jobs/context';
import { JobError } from '../../src/jobs/errors';
import type { JobNode } from '../../src/jobs/model';
import { validateJob } from '../../src/jobs/validate';
import { chain, CUSTOMERS, jobOf, node, ORDERS, source, sourceTable, target } from './job-support';

const ctx: CompileContext = { tables: [sourceTable(ORDERS), sourceTable(CUSTOMERS)] };
const orders = () => source('orders', 'shop', 'orders');
const customers = () => source('customers', 'shop', 'customers');
const messages = (job: Parameters<typeof validateJob>[0], c: CompileContext = ctx) =>
  validateJob(job, c).map((i) => i.message);

describe('validateJob: the shape of the graph', () => {
  it('a valid job has no issues', () => {
    expect(validateJob(chain([orders(), node('limit', 'l', { count: 1 })]), ctx)).toEqual([]);
  });

  it('finds a cycle and names its nodes in order', () => {
    const job = jobOf(
      [
        orders(),
        node('limit', 'a', { count: 1 }, 'A'),
        node('limit', 'b', { count: 1 }, 'B'),
        target(),
      ],
      [
        ['a', 'b'],
        ['b', 'a'],
        ['b', 'out'],
      ],
    );
    const issues = validateJob(job, ctx);
    expect(issues).toContainEqual({
      nodeId: 'a',
      message: 'Limit "A": its output comes back to it (Limit "A" → Limit "B" → Limit "A")',
    });
    expect(() => compileJob(job, ctx)).toThrow(JobError);
  });

  it('a node reading from itself', () => {
    const job = jobOf(
      [orders(), node('limit', 'a', { count: 1 }), target()],
      [
        ['orders', 'a'],
        ['a', 'a', 1],
        ['a', 'out'],
      ],
    );
    expect(messages(job)).toContain('Limit "a" reads from itself');
  });

  it('missing and extra inputs: a transform needs one, a Join two, a target one, a source none', () => {
    const job = jobOf(
      [
        orders(),
        customers(),
        node('filter', 'f', { filter: { combine: 'AND', clauses: [] } }),
        node(
          'join',
          'j',
          { type: 'inner', on: [{ left: 'customer_id', right: 'customer_id' }] },
          'orders+customers',
        ),
        node('limit', 'l', { count: 1 }),
        target('out'),
        target('out2'),
      ],
      [
        ['orders', 'j', 0],
        ['orders', 'out', 0],
        ['customers', 'out', 1],
        ['l', 'customers'],
      ],
    );
    // In dependency order (ties in the job's order).
    expect(messages(job)).toEqual([
      'Filter "f": it needs one input; it has none',
      'Join "orders+customers": a join needs two inputs, left and right; it has 1',
      'Limit "l": it needs one input; it has none',
      'Data Catalog table "customers": a source reads no input; it has 1',
      'Target "out": a target needs one input; it has 2',
      'Target "out2": a target needs one input; it has none',
    ]);
  });

  it('ids must be unique as DuckDB compares them, edges must join nodes, ports count from 0', () => {
    const job = jobOf(
      [
        orders(),
        node('limit', 'Orders', { count: 1 }),
        customers(),
        node('union', 'u', { mode: 'all' }),
        target(),
      ],
      [
        ['orders', 'u', 0],
        ['customers', 'u', 0],
        ['ghost', 'u', 1],
        ['u', 'out'],
      ],
    );
    expect(messages(job)).toEqual([
      'Limit "Orders" and Data Catalog table "orders" have the same id "Orders" (ids ignore case)',
      'an edge joins "ghost" to "u", and there is no node "ghost"',
      'Limit "Orders": it needs one input; it has none',
      'Union "u": its inputs are numbered 0, 0; they must be 0, 1, … with none twice',
    ]);
  });

  it('nothing reads from a target; a job needs a target', () => {
    const job = jobOf(
      [orders(), target('t1'), node('limit', 'l', { count: 1 })],
      [
        ['orders', 't1'],
        ['t1', 'l'],
      ],
    );
    expect(messages(job)).toEqual([
      'Limit "l": it reads from Target "t1", a target, which has no output',
    ]);
    expect(messages(jobOf([orders()], []))).toEqual([
      'add a target: a job writes its output somewhere',
    ]);
  });

  it('an unknown kind (a job saved by a newer version) and a bad parameter name', () => {
    const odd = { id: 'x', kind: 'teleport', name: 'x', options: {} } as unknown as JobNode;
    const job = chain([orders(), odd], { parameters: [{ name: 'bad name', value: '1' }] });
    expect(messages(job)).toEqual([
      'parameter "bad name" cannot be a name: use letters, digits, _ . - and start with a letter or _',
      'Node "x": "teleport" is not a kind of node this version of Decant knows',
    ]);
  });
});

describe('validateJob: columns, where the inputs are known', () => {
  it("the brief's example: a join key missing on the right, placed on the join", () => {
    const job = jobOf(
      [
        orders(),
        node('select-fields', 'c', { columns: ['name', 'country'] }),
        customers(),
        node(
          'join',
          'j',
          { type: 'inner', on: [{ left: 'customer_id', right: 'customer_id' }] },
          'orders+customers',
        ),
        target(),
      ],
      [
        ['customers', 'c'],
        ['orders', 'j', 0],
        ['c', 'j', 1],
        ['j', 'out'],
      ],
    );
    expect(validateJob(job, ctx)).toEqual([
      {
        nodeId: 'j',
        message: 'Join "orders+customers": column "customer_id" is not in the right input',
      },
    ]);
  });

  it('a column dropped upstream is missing downstream (names compare without ASCII case)', () => {
    const job = chain([
      orders(),
      node('drop-fields', 'd', { columns: ['NOTE'] }),
      node('select-fields', 's', { columns: ['ID', 'note'] }),
    ]);
    expect(messages(job)).toEqual(['Select Fields "s": column "note" is not in its input']);
  });

  it('without the catalog entry, the source says so and the nodes after it are not checked', () => {
    const job = chain([orders(), node('select-fields', 's', { columns: ['anything'] })]);
    expect(messages(job, {})).toEqual([
      'Data Catalog table "orders": table "shop"."orders" is not in the catalog',
    ]);
  });

  it('engine-described columns (ctx.schemas) are used where the compiler cannot know them', () => {
    const job = chain([
      orders(),
      node('sql-query', 'q', { query: 'SELECT id AS n FROM input1', aliases: {} }),
      node('select-fields', 's', { columns: ['id'] }),
    ]);
    expect(messages(job)).toEqual([]);
    const described = { ...ctx, schemas: new Map([['q', [{ name: 'n', type: 'BIGINT' }]]]) };
    expect(messages(job, described)).toEqual([
      'Select Fields "s": column "id" is not in its input',
    ]);
  });

  it('options: a type that is not one, names that collide, an expression that is two', () => {
    const job = chain([
      orders(),
      node('change-schema', 'cs', {
        mappings: [
          { from: 'id', to: 'x', type: 'INT; DROP TABLE t' },
          { from: 'amount', to: 'y' },
          { from: 'status', to: 'Y' },
        ],
      }),
      node('derived-column', 'dc', {
        column: 'z',
        expression: '1) AS a FROM t; DROP TABLE shop.orders; --',
      }),
    ]);
    expect(messages(job)).toEqual([
      'Change Schema "cs": "INT; DROP TABLE t" is not a type (for "id")',
      'Change Schema "cs": two output columns are named "Y"',
      'Derived Column "dc": the expression cannot be used: a ")" closes more than was opened',
    ]);
  });

  it('targets: partition keys must be columns and leave one to write; formats are checked', () => {
    const job = chain([orders(), node('select-fields', 's', { columns: ['status'] })]);
    job.nodes[2] = node('target', 'out', {
      format: { kind: 'parquet', compression: 'brotli' as never, rowGroupSize: 0 },
      partitionKeys: ['status', 'year'],
      destination: 'download',
      path: '../escape',
    });
    expect(messages(job)).toEqual([
      'Target "out": "brotli" is not a Parquet compression (zstd, snappy, gzip, none)',
      'Target "out": a row group must hold a whole number of rows > 0, not 0',
      'Target "out": column "year" is not in its input',
      'Target "out": every column is a partition key: leave at least one to write into the files',
      'Target "out": the output name "../escape" must not contain "/", "\\" or NUL',
    ]);
  });
});

describe('compileJob and JobError', () => {
  it('throws one JobError with every issue, the first in its message and node', () => {
    const job = chain([orders(), node('select-fields', 's', { columns: ['nope', 'nada'] })]);
    let err: JobError | undefined;
    try {
      compileJob(job, ctx);
    } catch (e) {
      err = e as JobError;
    }
    expect(err).toBeInstanceOf(JobError);
    expect(err!.message).toBe(
      'job "test job": Select Fields "s": column "nope" is not in its input (and 1 more)',
    );
    expect(err!.nodeId).toBe('s');
    expect(err!.issues).toHaveLength(2);
  });

  it('a broken branch no target reads from does not stop the compile (validateJob still reports it)', () => {
    const job = chain([orders(), node('limit', 'l', { count: 1 })]);
    job.nodes.push(node('select-fields', 'loose', { columns: ['nope'] }));
    job.edges.push({ from: 'orders', to: 'loose', port: 0 });
    expect(compileJob(job, ctx).targets).toHaveLength(1);
    expect(messages(job)).toEqual(['Select Fields "loose": column "nope" is not in its input']);
  });
});
