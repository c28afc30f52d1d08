// Jobs the engines must agree on: every node kind, and multi-node jobs over the fixtures (hive
// partitions, joins, nested JSON, NULLs, decimals, timestamps, odd column names).
import type { FilterGroup, Job, JobNode, NodeId, NodeKind, TargetFormat } from '../../src/jobs';
import { jobOf, node } from '../jobs/job-support';

export interface Case {
  name: string;
  job: Job;
  /** Columns whose values no two runs share (a clock, UUIDs): compared by count only. */
  ignore?: string[];
  /** Compare rows in order (the job defines it). */
  ordered?: boolean;
  /** Spark cannot run it as the tab does: the export must flag these nodes instead. */
  sparkFlags?: NodeId[];
}

const src = (id: NodeId, table: string): JobNode =>
  node('catalog-source', id, { database: 'shop', table });

const out = (
  id = 'out',
  format: TargetFormat = { kind: 'parquet' },
  partitionKeys: string[] = [],
) => node('target', id, { format, partitionKeys, destination: 'folder' });

/** `source → nodes… → out` */
function line(table: string, nodes: JobNode[], over: Partial<Job> = {}, target = out()): Job {
  const all = [src('in', table), ...nodes, target];
  return jobOf(
    all,
    all.slice(1).map((n, i) => [all[i]!.id, n.id] as [NodeId, NodeId]),
    over,
  );
}

const where = (
  combine: 'AND' | 'OR',
  clauses: FilterGroup['clauses'],
  negated = false,
): FilterGroup => ({
  combine,
  clauses,
  negated,
});

export const CASES: Case[] = [
  { name: 'catalog CSV source, zstd Parquet target', job: line('people', []) },
  { name: 'catalog Parquet source', job: line('people_pq', []) },
  { name: 'nested JSON source', job: line('orders', []) },
  {
    name: 'hive partitions: predicate on keys, partitioned snappy target',
    job: jobOf(
      [
        node('catalog-source', 'in', {
          database: 'shop',
          table: 'sales',
          partitionPredicate: where('AND', [
            { column: 'year', op: 'EQ', value: { kind: 'constant', value: '${year}' } },
          ]),
        }),
        out('out', { kind: 'parquet', compression: 'snappy' }, ['year', 'month']),
      ],
      [['in', 'out']],
      { parameters: [{ name: 'year', value: '2024' }] },
    ),
  },
  {
    name: 'dropped file joined to a partitioned table (gzip)',
    job: jobOf(
      [
        src('sales', 'sales'),
        node('file-source', 'skus', {
          path: 'fskus.csv',
          dialect: {
            delimiter: ';',
            quote: '"',
            escape: '"',
            header: true,
            encoding: 'utf-8',
            decimalSeparator: '.',
            compression: 'none',
          },
          columns: [
            { name: 'sku', type: 'VARCHAR' },
            { name: 'category', type: 'VARCHAR' },
          ],
        }),
        node('join', 'j', { type: 'left', on: [{ left: 'sku', right: 'sku' }] }),
        out('out', { kind: 'parquet', compression: 'gzip' }),
      ],
      [
        ['sales', 'j', 0],
        ['skus', 'j', 1],
        ['j', 'out'],
      ],
    ),
  },
  {
    name: 'change schema: rename, cast, drop, keep the rest',
    job: line('people', [
      node('change-schema', 'cs', {
        mappings: [
          { from: 'first name', to: 'first_name' },
          { from: 'amount', to: 'amount', type: 'DOUBLE' },
          { from: 'id', to: 'id text', type: 'VARCHAR' },
          { from: 'score', to: 'score', drop: true },
          { from: 'joined', to: 'joined_on', type: 'DATE' },
        ],
        unmapped: 'keep',
      }),
    ]),
  },
  {
    name: 'change schema: unmapped dropped',
    job: line('people', [
      node('change-schema', 'cs', {
        mappings: [
          { from: 'Straße', to: 'street' },
          { from: 'active', to: 'active', type: 'VARCHAR' },
        ],
      }),
    ]),
  },
  {
    name: 'select fields',
    job: line('people', [node('select-fields', 'sf', { columns: ['Straße', 'id', 'first name'] })]),
  },
  {
    name: 'drop fields',
    job: line('people', [node('drop-fields', 'df', { columns: ['tags', 'group'] })]),
  },
  {
    name: 'rename field',
    job: line('people', [node('rename-field', 'rf', { from: 'first name', to: 'given name' })]),
  },
  {
    name: 'filter: AND/OR/NOT, regex, NULL, parameter, column comparison',
    job: line(
      'people',
      [
        node('filter', 'f', {
          filter: where('OR', [
            where('AND', [
              { column: 'amount', op: 'GTE', value: { kind: 'constant', value: '${min}' } },
              { column: 'first name', op: 'REGEX', value: { kind: 'constant', value: '^[AB]' } },
            ]),
            { column: 'score', op: 'ISNULL' },
            where(
              'AND',
              [{ column: 'born', op: 'LT', value: { kind: 'constant', value: '1980-01-01' } }],
              true,
            ),
          ]),
        }),
        node('filter', 'f2', {
          filter: where('AND', [
            { column: 'amount', op: 'LT', value: { kind: 'column', column: 'id' }, negated: true },
          ]),
        }),
      ],
      { parameters: [{ name: 'min', value: '15' }] },
    ),
  },
  ...(['inner', 'left', 'right', 'outer', 'left-semi', 'left-anti'] as const).map((type) => ({
    name: `join ${type}, clashing names prefixed`,
    job: jobOf(
      [
        src('a', 'people'),
        src('b0', 'people_pq'),
        node('filter', 'b', {
          filter: where('AND', [
            { column: 'id', op: 'GT', value: { kind: 'constant', value: '3' } },
          ]),
        }),
        node('join', 'j', { type, on: [{ left: 'id', right: 'id' }] }),
        out(),
      ],
      [
        ['b0', 'b'],
        ['a', 'j', 0],
        ['b', 'j', 1],
        ['j', 'out'],
      ],
    ),
  })),
  ...(
    [
      ['all', false],
      ['distinct', true],
    ] as const
  ).map(([mode, byName]) => ({
    name: `union ${mode}${byName ? ' by name' : ''}`,
    job: jobOf(
      [
        src('a', 'people'),
        src('b', 'people_pq'),
        node('select-fields', 'b2', { columns: byName ? ['group', 'id'] : ['id', 'group'] }),
        node('select-fields', 'a2', { columns: ['id', 'group'] }),
        node('union', 'u', { mode, byName }),
        out(),
      ],
      [
        ['a', 'a2'],
        ['b', 'b2'],
        ['a2', 'u', 0],
        ['b2', 'u', 1],
        ['u', 'out'],
      ],
    ),
  })),
  {
    name: 'aggregate: every order-free function',
    job: line('people', [
      node('aggregate', 'ag', {
        groupBy: ['group'],
        aggregations: [
          { column: '*', fn: 'count' },
          { column: 'first name', fn: 'countDistinct' },
          { column: 'amount', fn: 'sum' },
          { column: 'score', fn: 'avg', as: 'mean score' },
          { column: 'joined', fn: 'min' },
          { column: 'born', fn: 'max' },
          { column: 'score', fn: 'stddev_samp' },
          { column: 'score', fn: 'stddev_pop' },
          { column: 'id', fn: 'var_samp' },
          { column: 'id', fn: 'var_pop' },
        ],
      }),
    ]),
  },
  {
    name: 'aggregate first/last (order-dependent)',
    job: line('people', [
      node('aggregate', 'ag', {
        groupBy: ['group'],
        aggregations: [
          { column: 'id', fn: 'first' },
          { column: 'id', fn: 'last' },
        ],
      }),
    ]),
    sparkFlags: ['ag'],
  },
  {
    name: 'derived columns: arithmetic, strings, casts, dates',
    job: line(
      'people',
      [
        node('derived-column', 'd1', { column: 'double amount', expression: 'amount * 2' }),
        node('derived-column', 'd2', { column: 'shout', expression: `upper("first name") || '!'` }),
        node('derived-column', 'd3', { column: 'quarter id', expression: 'id // 4' }),
        node('derived-column', 'd4', { column: 'half', expression: 'id / 4' }),
        node('derived-column', 'd5', {
          column: 'month text',
          expression: `strftime(joined, '%Y/%m')`,
        }),
        node('derived-column', 'd6', { column: 'initial', expression: `"Straße"[1]` }),
        node('derived-column', 'd7', {
          column: 'id text',
          expression: `id::VARCHAR || '-' || ${'${suffix}'}`,
        }),
        node('derived-column', 'd8', {
          column: 'band',
          expression: `CASE WHEN score IS NULL THEN 'none' WHEN score > 1 THEN 'high' ELSE 'low' END`,
        }),
        node('derived-column', 'd9', {
          column: 'name or street',
          expression: `coalesce("first name", "Straße")`,
        }),
        node('derived-column', 'd10', {
          column: 'x',
          expression: `concat("first name", '/', "group")`,
        }),
      ],
      { parameters: [{ name: 'suffix', value: "o'k" }] },
    ),
  },
  {
    name: 'fill missing values: constant, mean, median, previous',
    job: line('people', [
      node('fill-missing-values', 'fm', {
        fills: [
          { column: 'score', strategy: 'constant', value: '0' },
          { column: 'amount', strategy: 'mean', as: 'amount mean' },
          { column: 'amount', strategy: 'median', as: 'amount median' },
          { column: 'first name', strategy: 'previous' },
        ],
        orderBy: ['id'],
      }),
    ]),
  },
  {
    name: 'fill missing values: mode',
    job: line('people', [
      node('fill-missing-values', 'fm', {
        fills: [
          { column: 'Straße', strategy: 'mode' },
          { column: 'first name', strategy: 'mode' },
        ],
      }),
    ]),
  },
  { name: 'drop null fields', job: line('people', [node('drop-null-fields', 'dn', {})]) },
  {
    name: 'drop duplicates on columns, and whole rows',
    job: line('people', [
      node('drop-duplicates', 'dd', { columns: ['first name', 'Straße'] }),
      node('drop-fields', 'noid', { columns: ['id'] }),
      node('drop-duplicates', 'dd2', { columns: [] }),
    ]),
  },
  {
    name: 'split string',
    job: line('people', [
      node('split-string', 'ss', { column: 'tags', pattern: '\\|', as: 'tag list' }),
    ]),
  },
  {
    name: 'concatenate columns, NULLs left out and replaced',
    job: line('people', [
      node('concatenate-columns', 'cc', {
        columns: ['first name', 'Straße', 'id'],
        as: 'label',
        spacer: ' / ',
      }),
      node('concatenate-columns', 'cc2', {
        columns: ['first name', 'score'],
        as: 'label2',
        spacer: '-',
        nullValue: '?',
      }),
    ]),
  },
  {
    name: 'pivot with listed values, and with probed values',
    job: line('sales', [
      node('select-fields', 'sf', { columns: ['sku', 'year', 'price'] }),
      node('pivot', 'pv', {
        pivotColumn: 'year',
        valueColumn: 'price',
        fn: 'sum',
        values: ['2024', '2025'],
      }),
    ]),
  },
  {
    name: 'pivot with probed values',
    job: line('people', [
      node('select-fields', 'sf', { columns: ['group', 'active', 'amount'] }),
      node('pivot', 'pv', { pivotColumn: 'group', valueColumn: 'amount', fn: 'max' }),
    ]),
  },
  {
    name: 'unpivot, with and without NULLs',
    job: line('people', [
      node('select-fields', 'sf', { columns: ['id', 'score', 'amount'] }),
      node('change-schema', 'cs', {
        mappings: [{ from: 'amount', to: 'amount', type: 'DOUBLE' }],
        unmapped: 'keep',
      }),
      node('unpivot', 'up', {
        columns: ['score', 'amount'],
        nameColumn: 'measure',
        valueColumn: 'v',
      }),
    ]),
  },
  {
    name: 'unpivot keeping NULLs',
    job: line('people', [
      node('select-fields', 'sf', { columns: ['id', 'first name', 'Straße'] }),
      node('unpivot', 'up', { columns: ['first name', 'Straße'], includeNulls: true }),
    ]),
  },
  { name: 'flatten nested JSON', job: line('orders', [node('flatten', 'fl', {})]) },
  {
    name: 'explode an array of structs, then flatten',
    job: line('orders', [
      node('explode', 'ex', { column: 'items', as: 'item' }),
      node('flatten', 'fl', { separator: '_' }),
    ]),
  },
  {
    name: 'explode keeping empty arrays',
    job: line('orders', [node('explode', 'ex', { column: 'items', keepEmpty: true })]),
  },
  {
    name: 'to timestamp: pattern, epoch, auto',
    job: line('people', [
      node('derived-column', 'txt', {
        column: 'born text',
        expression: `strftime(born, '%d/%m/%Y')`,
      }),
      node('to-timestamp', 'tp', {
        column: 'born text',
        from: { kind: 'pattern', pattern: '%d/%m/%Y' },
        as: 'born ts',
      }),
      node('derived-column', 'ep', { column: 'epoch', expression: 'id * 86400 + 3600' }),
      node('to-timestamp', 'te', { column: 'epoch', from: { kind: 'epoch', unit: 's' } }),
      node('derived-column', 'iso', { column: 'iso', expression: `CAST(joined AS VARCHAR)` }),
      node('to-timestamp', 'ta', { column: 'iso', from: { kind: 'auto' }, as: 'iso ts' }),
    ]),
  },
  {
    name: 'format timestamp',
    job: line('people', [
      node('format-timestamp', 'ft', {
        column: 'joined',
        pattern: '%Y-%m-%d %H:%M:%S',
        as: 'joined text',
      }),
      node('format-timestamp', 'ft2', { column: 'born', pattern: '%d.%m.%y' }),
    ]),
  },
  {
    name: 'add current timestamp',
    job: line('people', [node('add-current-timestamp', 'now', { column: 'loaded at' })]),
    ignore: ['loaded at'],
  },
  {
    name: 'identifier: row numbers in input order, UUIDs',
    job: line('people', [
      node('identifier', 'rn', { column: 'row', type: 'row-number' }),
      node('identifier', 'uu', { column: 'uuid', type: 'uuid' }),
    ]),
    ignore: ['uuid'],
  },
  {
    name: 'limit with offset',
    job: line('people', [node('limit', 'lim', { count: 3, offset: 1 })]),
  },
  {
    name: 'SQL query over two inputs',
    job: jobOf(
      [
        src('p', 'people'),
        src('s', 'sales'),
        node('sql-query', 'q', {
          query:
            `SELECT p."group", count(*) AS n, sum(s.price) AS total, max(p."first name") AS top\n` +
            `FROM people AS p JOIN sales AS s ON p.id = s.id\n` +
            `WHERE s.year = \${year} GROUP BY p."group" ORDER BY total DESC`,
          aliases: { p: 'people', s: 'sales' },
        }),
        out(),
      ],
      [
        ['p', 'q', 0],
        ['s', 'q', 1],
        ['q', 'out'],
      ],
      { parameters: [{ name: 'year', value: '2024' }] },
    ),
  },
  {
    name: 'Evaluate Data Quality: row-level outcome columns (Glue-only transform on Spark)',
    job: line('people', [
      node('evaluate-data-quality', 'dq', {
        ruleset:
          'Rules = [ IsComplete "first name", ColumnValues "score" > 0, ' +
          '(ColumnLength "tags" <= 3) or (IsComplete "tags"), ColumnValues "amount" > 1 where "id > 2", RowCount > 3 ]',
        rowLevelOutcomes: true,
        onFailure: 'continue',
      }),
    ]),
    sparkFlags: ['dq'],
  },
  {
    name: 'SQL query: ORDER BY with NULLs, LIMIT',
    job: line('people', [
      node('sql-query', 'q', {
        query: 'SELECT id, score FROM input1 ORDER BY score LIMIT 4',
        aliases: {},
      }),
    ]),
    ordered: true,
  },
  {
    // DuckDB divides DECIMALs as DOUBLE; Spark would keep a DECIMAL rounded to its own scale.
    name: 'DECIMAL division divides as DOUBLE',
    job: line('people', [
      node('derived-column', 'd1', { column: 'third', expression: 'amount / 3' }),
      node('derived-column', 'd2', { column: 'ratio', expression: 'amount / 0.7' }),
      node('derived-column', 'd3', { column: 'self', expression: 'amount / -amount' }),
    ]),
  },
  {
    // DuckDB sums BIGINTs into a HUGEINT; Spark's BIGINT sum would wrap around past 2^63.
    name: 'Aggregate: a BIGINT sum past its range',
    job: line('people', [
      node('derived-column', 'big', { column: 'big', expression: '4000000000000000000 + id' }),
      node('aggregate', 'ag', {
        groupBy: ['group'],
        aggregations: [
          { column: 'big', fn: 'sum', as: 'total' },
          { column: 'big', fn: 'avg', as: 'mean' },
        ],
      }),
    ]),
  },
  {
    name: 'SQL query: a BIGINT sum past its range',
    job: line('people', [
      node('derived-column', 'big', { column: 'big', expression: '4000000000000000000 + id' }),
      node('sql-query', 'q', {
        query: 'SELECT "group", sum(big) AS total FROM input1 GROUP BY "group"',
        aliases: {},
      }),
    ]),
  },
  {
    name: 'SQL query: the sum of an integer expression (flagged)',
    job: line('people', [
      node('sql-query', 'q', { query: 'SELECT sum(id * 2) AS s FROM input1', aliases: {} }),
    ]),
    sparkFlags: ['q'],
  },
  {
    name: 'detect sensitive data by cell: hash, partial, redact, drop, detect',
    job: line('contacts', [
      node('detect-sensitive-data', 'pii', {
        scope: 'cell',
        salt: 'pepper-42',
        redactWith: 'entity',
        rules: [
          { column: 'email', action: 'hash' },
          { column: 'card', action: 'partial' },
          { entity: 'USA_SSN', action: 'redact' },
          { column: 'note', action: 'redact' },
          { column: 'secret', action: 'drop' },
          { action: 'detect' },
        ],
      }),
    ]),
  },
  {
    name: 'detect sensitive data by column, own entity type',
    job: line('contacts', [
      node('detect-sensitive-data', 'pii', {
        scope: 'column',
        threshold: 0.5,
        salt: 's',
        customEntities: [{ name: 'KEY', pattern: '^k[0-9]$', contextWords: ['secret'] }],
        columns: ['email', 'card', 'birth_date', 'secret', 'note'],
        rules: [
          { entity: 'EMAIL', action: 'hash' },
          { entity: 'KEY', action: 'redact' },
          { column: 'birth_date', action: 'partial' },
          { action: 'detect' },
        ],
        detectedColumn: 'found',
      }),
    ]),
  },
  {
    name: 'sales: filter, join, aggregate into two targets',
    job: jobOf(
      [
        src('sales', 'sales'),
        src('people', 'people'),
        node('filter', 'over', {
          filter: where('AND', [
            { column: 'price', op: 'GT', value: { kind: 'constant', value: '2' } },
          ]),
        }),
        node('join', 'j', { type: 'inner', on: [{ left: 'id', right: 'id' }] }),
        node('aggregate', 'ag', {
          groupBy: ['year', 'group'],
          aggregations: [
            { column: 'price', fn: 'sum', as: 'revenue' },
            { column: '*', fn: 'count', as: 'n' },
          ],
        }),
        out('by_group'),
        out('joined', { kind: 'parquet', compression: 'none' }, ['year']),
      ],
      [
        ['sales', 'over'],
        ['over', 'j', 0],
        ['people', 'j', 1],
        ['j', 'ag'],
        ['ag', 'by_group'],
        ['j', 'joined'],
      ],
    ),
  },
];

/** The kinds a set of cases covers. */
export function kindsOf(cases: readonly Case[]): Set<NodeKind> {
  return new Set(cases.flatMap((c) => c.job.nodes.map((n) => n.kind)));
}

/** The dropped file the file-source case reads (registered as `skus.csv`). */
export const SKUS_CSV = 'sku;category\na;fruit\nb;fruit\nc;veg\nd;veg\n';
