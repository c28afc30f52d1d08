/**
 * The side panel's form for each kind of node, as data: a list of fields over paths into the
 * node's options. One set of generic field components draws them all (NodeForm).
 * Over 400 lines on purpose: one table for every node kind (29) reads better than 29 files.
 */
import type { AggregateFn, JobNode } from '../../../jobs';
import { SQL_ENTITY_TYPES } from '../../../jobs';

export interface Choice {
  value: string;
  label: string;
}

/** One alternative of a field whose value is an object of several shapes (a union on `kind`). */
export interface Variant {
  value: string;
  label: string;
  make: () => unknown;
  is: (v: unknown) => boolean;
}

/** `path` is dotted, into the node's options (or into one row, inside `rows`). */
export type FieldSpec =
  | { kind: 'text'; path: string; label: string; optional?: boolean; placeholder?: string }
  | { kind: 'code'; path: string; label: string; help?: string }
  | { kind: 'number'; path: string; label: string; optional?: boolean; placeholder?: string }
  | { kind: 'select'; path: string; label: string; choices: Choice[] }
  | { kind: 'checkbox'; path: string; label: string }
  /** One column of input `input` (default 0); `extra` offers more values (`*`). */
  | { kind: 'column'; path: string; label: string; input?: number; extra?: string[] }
  | { kind: 'columns'; path: string; label: string; input?: number; optional?: boolean }
  /** Text, one value a line; empty: the option is left out. */
  | { kind: 'lines'; path: string; label: string; placeholder?: string }
  | {
      kind: 'rows';
      path: string;
      label: string;
      /** The label of one row's "add" button, e.g. `Add a condition`. */
      add: string;
      fields: FieldSpec[];
      blank: () => Record<string, unknown>;
    }
  | { kind: 'filter'; path: string; label: string; optional?: boolean }
  | { kind: 'variant'; path: string; label: string; variants: Variant[] }
  | { kind: 'aliases'; label: string }
  /** An S3 target's `s3://bucket/prefix/`, into `{ bucket, prefix, … }` at `path`. */
  | { kind: 's3-uri'; path: string; label: string }
  | { kind: 'info'; text: string };

/** What the forms may offer besides the node: the catalog's names. */
export interface FormEnv {
  databases: string[];
  tablesOf: (database: string) => string[];
}

const AGGREGATES: Choice[] = (
  [
    ['count', 'count'],
    ['countDistinct', 'count distinct'],
    ['sum', 'sum'],
    ['avg', 'average'],
    ['min', 'min'],
    ['max', 'max'],
    ['first', 'first'],
    ['last', 'last'],
    ['stddev_samp', 'std. deviation (sample)'],
    ['stddev_pop', 'std. deviation (population)'],
    ['var_samp', 'variance (sample)'],
    ['var_pop', 'variance (population)'],
  ] satisfies [AggregateFn, string][]
).map(([value, label]) => ({ value, label }));

const choices = (...pairs: [string, string][]): Choice[] =>
  pairs.map(([value, label]) => ({ value, label }));

const kindIs = (k: string) => (v: unknown) => (v as { kind?: string } | undefined)?.kind === k;

/** The form of `node`. */
export function fieldsFor(node: JobNode, env: FormEnv): FieldSpec[] {
  switch (node.kind) {
    case 'catalog-source':
      return [
        {
          kind: 'select',
          path: 'database',
          label: 'Database',
          choices: choices(['', 'Choose…'], ...env.databases.map((d): [string, string] => [d, d])),
        },
        {
          kind: 'select',
          path: 'table',
          label: 'Table',
          choices: choices(
            ['', 'Choose…'],
            ...env.tablesOf(node.options.database).map((t): [string, string] => [t, t]),
          ),
        },
        {
          kind: 'filter',
          path: 'partitionPredicate',
          label: 'Partition predicate (only matching partitions are read)',
          optional: true,
        },
      ];
    case 'file-source':
      return node.options.path === ''
        ? []
        : [
            {
              kind: 'info',
              text: `Reads ${node.options.columns.length} columns with the dialect found in the file.`,
            },
          ];
    case 'change-schema':
      return [
        {
          kind: 'rows',
          path: 'mappings',
          label: 'Mappings (output columns, in order)',
          add: 'Add a mapping',
          blank: () => ({ from: '', to: '' }),
          fields: [
            { kind: 'column', path: 'from', label: 'Source column' },
            { kind: 'text', path: 'to', label: 'Target name' },
            { kind: 'text', path: 'type', label: 'Type', optional: true, placeholder: 'as is' },
            { kind: 'checkbox', path: 'drop', label: 'Drop' },
          ],
        },
        {
          kind: 'select',
          path: 'unmapped',
          label: 'Columns without a mapping',
          choices: choices(['drop', 'drop them'], ['keep', 'keep them, after the mapped ones']),
        },
        {
          kind: 'select',
          path: 'onCastError',
          label: 'A value that does not convert',
          choices: choices(['fail', 'stops the run'], ['null', 'becomes NULL']),
        },
      ];
    case 'select-fields':
      return [{ kind: 'columns', path: 'columns', label: 'Keep these columns' }];
    case 'drop-fields':
      return [{ kind: 'columns', path: 'columns', label: 'Drop these columns' }];
    case 'rename-field':
      return [
        { kind: 'column', path: 'from', label: 'Column' },
        { kind: 'text', path: 'to', label: 'New name' },
      ];
    case 'filter':
      return [{ kind: 'filter', path: 'filter', label: 'Keep rows where' }];
    case 'join':
      return [
        {
          kind: 'select',
          path: 'type',
          label: 'Join type',
          choices: choices(
            ['inner', 'Inner join'],
            ['left', 'Left join'],
            ['right', 'Right join'],
            ['outer', 'Outer join'],
            ['left-semi', 'Left semi join'],
            ['left-anti', 'Left anti join'],
          ),
        },
        {
          kind: 'rows',
          path: 'on',
          label: 'Join conditions (left = right)',
          add: 'Add a condition',
          blank: () => ({ left: '', right: '' }),
          fields: [
            { kind: 'column', path: 'left', label: 'Left column', input: 0 },
            { kind: 'column', path: 'right', label: 'Right column', input: 1 },
          ],
        },
        {
          kind: 'text',
          path: 'rightPrefix',
          label: 'Prefix for right columns named like left ones',
          optional: true,
          placeholder: '(right)',
        },
      ];
    case 'union':
      return [
        {
          kind: 'select',
          path: 'mode',
          label: 'Rows',
          choices: choices(['all', 'ALL (keep duplicates)'], ['distinct', 'DISTINCT']),
        },
        { kind: 'checkbox', path: 'byName', label: 'Match columns by name (missing ones NULL)' },
      ];
    case 'aggregate':
      return [
        { kind: 'columns', path: 'groupBy', label: 'Group by' },
        {
          kind: 'rows',
          path: 'aggregations',
          label: 'Aggregations',
          add: 'Add an aggregation',
          blank: () => ({ column: '', fn: 'sum' }),
          fields: [
            { kind: 'column', path: 'column', label: 'Column', extra: ['*'] },
            { kind: 'select', path: 'fn', label: 'Function', choices: AGGREGATES },
            { kind: 'text', path: 'as', label: 'Output name', optional: true },
          ],
        },
      ];
    case 'derived-column':
      return [
        { kind: 'text', path: 'column', label: 'New column' },
        {
          kind: 'code',
          path: 'expression',
          label: 'SQL expression',
          help: 'DuckDB SQL over the input columns, e.g. price * 1.2; ${name} is a job parameter.',
        },
      ];
    case 'fill-missing-values':
      return [
        {
          kind: 'rows',
          path: 'fills',
          label: 'Fill',
          add: 'Add a column to fill',
          blank: () => ({ column: '', strategy: 'constant', value: '' }),
          fields: [
            { kind: 'column', path: 'column', label: 'Column' },
            {
              kind: 'select',
              path: 'strategy',
              label: 'With',
              choices: choices(
                ['constant', 'a constant'],
                ['mean', 'the mean'],
                ['median', 'the median'],
                ['mode', 'the most frequent value'],
                ['previous', 'the previous value'],
              ),
            },
            { kind: 'text', path: 'value', label: 'Constant', optional: true },
            { kind: 'text', path: 'as', label: 'Into new column', optional: true },
          ],
        },
        { kind: 'columns', path: 'orderBy', label: 'Row order for "previous"', optional: true },
      ];
    case 'drop-null-fields':
      return [{ kind: 'info', text: 'Drops the columns whose every value is NULL.' }];
    case 'drop-duplicates':
      return [{ kind: 'columns', path: 'columns', label: 'Compare these columns (none: all)' }];
    case 'split-string':
      return [
        { kind: 'column', path: 'column', label: 'Column' },
        { kind: 'text', path: 'pattern', label: 'Split at (regular expression)' },
        { kind: 'text', path: 'as', label: 'Into new column', optional: true },
      ];
    case 'concatenate-columns':
      return [
        { kind: 'columns', path: 'columns', label: 'Columns' },
        { kind: 'text', path: 'as', label: 'New column' },
        { kind: 'text', path: 'spacer', label: 'Spacer', optional: true },
        { kind: 'text', path: 'nullValue', label: 'Text for NULL', optional: true },
      ];
    case 'pivot':
      return [
        { kind: 'column', path: 'pivotColumn', label: 'Pivot column' },
        { kind: 'column', path: 'valueColumn', label: 'Value column' },
        { kind: 'select', path: 'fn', label: 'Aggregate', choices: AGGREGATES },
        {
          kind: 'lines',
          path: 'values',
          label: 'New columns (one a line; none: every value found)',
        },
      ];
    case 'unpivot':
      return [
        { kind: 'columns', path: 'columns', label: 'Columns to unpivot' },
        {
          kind: 'text',
          path: 'nameColumn',
          label: 'Name column',
          optional: true,
          placeholder: 'name',
        },
        {
          kind: 'text',
          path: 'valueColumn',
          label: 'Value column',
          optional: true,
          placeholder: 'value',
        },
        { kind: 'checkbox', path: 'includeNulls', label: 'Keep NULL values' },
      ];
    case 'flatten':
      return [
        { kind: 'text', path: 'separator', label: 'Separator', optional: true, placeholder: '.' },
        { kind: 'number', path: 'maxLevels', label: 'Levels', optional: true, placeholder: 'all' },
      ];
    case 'explode':
      return [
        { kind: 'column', path: 'column', label: 'Array or map column' },
        { kind: 'text', path: 'as', label: 'Into new column', optional: true },
        { kind: 'checkbox', path: 'keepEmpty', label: 'Keep rows with an empty array' },
      ];
    case 'to-timestamp':
      return [
        { kind: 'column', path: 'column', label: 'Column' },
        {
          kind: 'variant',
          path: 'from',
          label: 'Read as',
          variants: [
            {
              value: 'auto',
              label: 'any usual format',
              make: () => ({ kind: 'auto' }),
              is: kindIs('auto'),
            },
            {
              value: 'epoch',
              label: 'seconds etc. since 1970',
              make: () => ({ kind: 'epoch', unit: 's' }),
              is: kindIs('epoch'),
            },
            {
              value: 'pattern',
              label: 'a pattern',
              make: () => ({ kind: 'pattern', pattern: '%Y-%m-%d %H:%M:%S' }),
              is: kindIs('pattern'),
            },
          ],
        },
        ...(node.options.from.kind === 'epoch'
          ? [
              {
                kind: 'select',
                path: 'from.unit',
                label: 'Unit',
                choices: choices(['s', 'seconds'], ['ms', 'milliseconds'], ['us', 'microseconds']),
              } as const,
            ]
          : []),
        ...(node.options.from.kind === 'pattern'
          ? [{ kind: 'text', path: 'from.pattern', label: 'Pattern (strptime)' } as const]
          : []),
        { kind: 'text', path: 'as', label: 'Into new column', optional: true },
        {
          kind: 'select',
          path: 'onError',
          label: 'A value that does not convert',
          choices: choices(['fail', 'stops the run'], ['null', 'becomes NULL']),
        },
      ];
    case 'format-timestamp':
      return [
        { kind: 'column', path: 'column', label: 'Column' },
        { kind: 'text', path: 'pattern', label: 'Pattern (strftime)' },
        { kind: 'text', path: 'as', label: 'Into new column', optional: true },
      ];
    case 'add-current-timestamp':
      return [
        { kind: 'text', path: 'column', label: 'New column' },
        { kind: 'text', path: 'pattern', label: 'As text, with pattern', optional: true },
      ];
    case 'identifier':
      return [
        { kind: 'text', path: 'column', label: 'New column' },
        {
          kind: 'select',
          path: 'type',
          label: 'Values',
          choices: choices(['row-number', 'row number 1, 2, …'], ['uuid', 'random UUID']),
        },
      ];
    case 'limit':
      return [
        { kind: 'number', path: 'count', label: 'Rows' },
        { kind: 'number', path: 'offset', label: 'Skip first', optional: true, placeholder: '0' },
      ];
    case 'sql-query':
      return [
        { kind: 'aliases', label: 'Inputs are named' },
        { kind: 'code', path: 'query', label: 'Query (one SELECT)' },
      ];
    // The ruleset itself is edited in NodePanel's DQDL editor (it checks as the user types).
    case 'evaluate-data-quality':
      return [
        { kind: 'checkbox', path: 'rowLevelOutcomes', label: 'Add row-level outcome columns' },
        {
          kind: 'select',
          path: 'onFailure',
          label: 'When a rule fails',
          choices: choices(
            ['continue', 'Continue the job'],
            ['fail-before-write', 'Fail the job before writing'],
            ['fail-after-write', 'Fail the job after writing'],
          ),
        },
      ];
    case 'detect-sensitive-data':
      return sensitiveFields(node.options.customEntities?.map((c) => c.name) ?? []);
    case 'target':
      return targetFields(
        node.options.format.kind,
        node.options.catalog !== undefined,
        node.options.destination === 's3',
      );
  }
}

function targetFields(
  format: 'parquet' | 'csv' | 'ndjson',
  registers: boolean,
  toS3: boolean,
): FieldSpec[] {
  const byFormat: Record<typeof format, FieldSpec[]> = {
    parquet: [
      {
        kind: 'select',
        path: 'format.compression',
        label: 'Compression',
        choices: choices(
          ['zstd', 'zstd'],
          ['snappy', 'snappy'],
          ['gzip', 'gzip'],
          ['none', 'none'],
        ),
      },
      {
        kind: 'number',
        path: 'format.rowGroupSize',
        label: 'Rows per row group',
        optional: true,
        placeholder: '122880',
      },
    ],
    csv: [
      {
        kind: 'text',
        path: 'format.delimiter',
        label: 'Delimiter',
        optional: true,
        placeholder: ',',
      },
      { kind: 'text', path: 'format.quote', label: 'Quote', optional: true, placeholder: '"' },
      {
        kind: 'select',
        path: 'format.compression',
        label: 'Compression',
        choices: choices(['none', 'none'], ['gzip', 'gzip']),
      },
    ],
    ndjson: [
      {
        kind: 'select',
        path: 'format.compression',
        label: 'Compression',
        choices: choices(['none', 'none'], ['gzip', 'gzip']),
      },
    ],
  };
  return [
    {
      kind: 'variant',
      path: 'format',
      label: 'Format',
      variants: [
        {
          value: 'parquet',
          label: 'Parquet',
          make: () => ({ kind: 'parquet' }),
          is: kindIs('parquet'),
        },
        { value: 'csv', label: 'CSV', make: () => ({ kind: 'csv' }), is: kindIs('csv') },
        {
          value: 'ndjson',
          label: 'JSON lines',
          make: () => ({ kind: 'ndjson' }),
          is: kindIs('ndjson'),
        },
      ],
    },
    ...byFormat[format],
    { kind: 'columns', path: 'partitionKeys', label: 'Partition keys (key=value folders)' },
    {
      kind: 'select',
      path: 'destination',
      label: 'Write to',
      choices: choices(
        ['download', 'a download (a zip when partitioned)'],
        ['folder', 'a folder on this computer'],
        ['opfs', "this browser's storage"],
        ['s3', 'Amazon S3'],
      ),
    },
    ...(toS3
      ? ([
          { kind: 's3-uri', path: 's3', label: 'S3 location' },
          { kind: 'text', path: 's3.region', label: 'Region', placeholder: 'us-east-1' },
          {
            kind: 'text',
            path: 's3.endpoint',
            label: 'S3-compatible endpoint (empty: AWS)',
            optional: true,
            placeholder: 'https://s3.example.com',
          },
        ] as const)
      : ([
          {
            kind: 'text',
            path: 'path',
            label: 'Output name',
            optional: true,
            placeholder: 'node name',
          },
        ] as const)),
    {
      kind: 'variant',
      path: 'catalog',
      label: 'Data Catalog',
      variants: [
        {
          value: 'none',
          label: 'do not register',
          make: () => undefined,
          is: (v) => v === undefined,
        },
        {
          value: 'register',
          label: 'register or update a table',
          make: () => ({ database: '', table: '' }),
          is: (v) => v !== undefined,
        },
      ],
    },
    ...(registers
      ? ([
          { kind: 'text', path: 'catalog.database', label: 'Catalog database' },
          { kind: 'text', path: 'catalog.table', label: 'Catalog table' },
        ] as const)
      : []),
  ];
}

/** The value at dotted `path` of `obj`. */
export function getAt(obj: unknown, path: string): unknown {
  let at = obj;
  for (const k of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[k];
  }
  return at;
}

/** A copy of `obj` with `value` at dotted `path` (undefined removes the key). */
export function setAt<T>(obj: T, path: string, value: unknown): T {
  const [k, ...rest] = path.split('.') as [string, ...string[]];
  const here = { ...(obj as Record<string, unknown>) };
  const next = rest.length === 0 ? value : setAt(here[k] ?? {}, rest.join('.'), value);
  if (next === undefined) delete here[k];
  else here[k] = next;
  return here as T;
}

/** Detect Sensitive Data's form; `custom` are the user's entity types' names. */
function sensitiveFields(custom: string[]): FieldSpec[] {
  const entities = [...SQL_ENTITY_TYPES, ...custom];
  return [
    {
      kind: 'select',
      path: 'scope',
      label: 'Detect',
      choices: choices(['cell', 'in every cell'], ['column', 'by column (share of values)']),
    },
    {
      kind: 'number',
      path: 'threshold',
      label: 'Column share (by column)',
      optional: true,
      placeholder: '0.1',
    },
    {
      kind: 'lines',
      path: 'entities',
      label: 'Entity types (one a line; none: all)',
      placeholder: entities.join('\n'),
    },
    {
      kind: 'columns',
      path: 'columns',
      label: 'Check these columns (none: every text column)',
      optional: true,
    },
    {
      kind: 'rows',
      path: 'rules',
      label: 'Actions',
      add: 'Add an action',
      blank: () => ({ column: '', action: 'hash' }),
      fields: [
        { kind: 'column', path: 'column', label: 'Column (empty: every one checked)' },
        {
          kind: 'select',
          path: 'entity',
          label: 'Entity type',
          choices: [{ value: '', label: 'any' }, ...entities.map((e) => ({ value: e, label: e }))],
        },
        {
          kind: 'select',
          path: 'action',
          label: 'Action',
          choices: choices(
            ['detect', 'detect only (list in a column)'],
            ['hash', 'hash (salted SHA-256)'],
            ['redact', 'redact'],
            ['partial', 'partial redact (keep last 4)'],
            ['drop', 'drop the column'],
          ),
        },
      ],
    },
    { kind: 'text', path: 'salt', label: 'Salt for hashes (kept with the job)' },
    {
      kind: 'select',
      path: 'redactWith',
      label: 'Redacted values read',
      choices: choices(['text', '[REDACTED]'], ['entity', 'the entity type, e.g. [EMAIL]']),
    },
    {
      kind: 'text',
      path: 'detectedColumn',
      label: 'Detection column',
      optional: true,
      placeholder: 'DetectedEntities',
    },
    {
      kind: 'rows',
      path: 'customEntities',
      label: 'Your own entity types',
      add: 'Add an entity type',
      blank: () => ({ name: '', pattern: '' }),
      fields: [
        { kind: 'text', path: 'name', label: 'Name' },
        { kind: 'text', path: 'pattern', label: 'Pattern (RE2 regular expression)' },
        { kind: 'lines', path: 'contextWords', label: 'Only in columns named with (one a line)' },
      ],
    },
  ];
}
