/**
 * What the canvas and the palette say about nodes: a node's heading from what it reads or does
 * (`flights`, `delay > 15`, `Parquet → download`), and each kind's one-line description.
 * Plain text only: callers render it as text, never as HTML.
 */
import { NODE_KINDS, nodeTitle } from './create-node';
import type { FilterClause, FilterGroup, FilterOp, JobNode, NodeKind, NodeOf } from './model';

/** Headings longer than this many characters end in `…`. */
export const HEADING_MAX = 28;

export interface NodeHeading {
  /** At most `max` characters; the full text when it fits. */
  text: string;
  /** The whole heading, for a tooltip. */
  full: string;
}

/**
 * A node's heading: the name the user gave it, or else what it reads or does, or else (a node
 * not yet configured) its kind's title.
 */
export function nodeHeading(node: JobNode, max = HEADING_MAX): NodeHeading {
  const kindTitle = nodeTitle(node.kind);
  const renamed = node.name.trim() !== '' && node.name !== kindTitle;
  const full = renamed ? node.name : describeOptions(node) || kindTitle;
  return { text: shortened(full, max), full };
}

/** `text` cut to `max` characters, the last one `…`, when longer. */
export function shortened(text: string, max = HEADING_MAX): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}

type Describe = { [K in NodeKind]: (o: NodeOf<K>['options']) => string };

const list = (xs: readonly string[] | undefined) => (xs ?? []).filter((x) => x !== '').join(', ');
const TARGET_FORMAT = { parquet: 'Parquet', csv: 'CSV', ndjson: 'NDJSON' } as const;
const DESTINATION = {
  download: 'download',
  folder: 'folder',
  opfs: 'browser storage',
  s3: 'Amazon S3',
} as const;

// Partial: a kind added later falls back to its title until it has a description here.
const DESCRIBE: Partial<Describe> = {
  'catalog-source': (o) => o.table,
  'file-source': (o) => o.path.split('/').pop() ?? '',
  filter: (o) => groupText(o.filter, true),
  join: (o) => {
    const keys = list(o.on.map((k) => (k.left === k.right ? k.left : `${k.left} = ${k.right}`)));
    return keys && (o.type === 'inner' ? keys : `${keys} (${o.type})`);
  },
  aggregate: (o) =>
    o.groupBy.length > 0
      ? `by ${list(o.groupBy)}`
      : list(o.aggregations.map((a) => a.as ?? `${a.fn}(${a.column})`)),
  target: (o) => {
    const format = TARGET_FORMAT[o.format.kind];
    const s3 = o.destination === 's3' && o.s3?.bucket ? `s3://${o.s3.bucket}/${o.s3.prefix}` : '';
    const where = o.catalog ? `${o.catalog.database}.${o.catalog.table}` : s3 || o.path;
    return `${format} → ${where || DESTINATION[o.destination]}`;
  },
  'change-schema': (o) => list(o.mappings.filter((m) => !m.drop).map((m) => m.to)),
  'select-fields': (o) => list(o.columns),
  'drop-fields': (o) => (o.columns.length > 0 ? `drop ${list(o.columns)}` : ''),
  'rename-field': (o) => (o.from && o.to ? `${o.from} → ${o.to}` : ''),
  union: (o) => `${o.mode}${o.byName ? ' by name' : ''}`,
  'derived-column': (o) => (o.column && o.expression ? `${o.column} = ${o.expression}` : ''),
  'fill-missing-values': (o) => list(o.fills.map((f) => f.column)),
  'drop-duplicates': (o) => (o.columns.length > 0 ? `by ${list(o.columns)}` : ''),
  'split-string': (o) => o.column,
  'concatenate-columns': (o) => (o.as ? `${o.as} = ${list(o.columns)}` : ''),
  pivot: (o) => (o.pivotColumn ? `${o.fn}(${o.valueColumn}) by ${o.pivotColumn}` : ''),
  unpivot: (o) => list(o.columns),
  explode: (o) => o.column,
  'to-timestamp': (o) => o.column,
  'format-timestamp': (o) => (o.column ? `${o.column} as ${o.pattern}` : ''),
  'add-current-timestamp': (o) => o.column,
  identifier: (o) => (o.column ? `${o.column} (${o.type})` : ''),
  limit: (o) => `first ${o.count}${o.offset ? ` after ${o.offset}` : ''}`,
  'sql-query': (o) => o.query.replace(/\s+/g, ' ').trim(),
  'evaluate-data-quality': (o) =>
    o.onFailure === 'continue' ? '' : 'fails the run on a failed rule',
  'detect-sensitive-data': (o) =>
    list(o.rules.map((r) => `${r.action} ${r.column || r.entity || 'all'}`)),
};

function describeOptions(node: JobNode): string {
  const describe = DESCRIBE[node.kind] as ((o: unknown) => string) | undefined;
  try {
    return describe?.(node.options).trim() ?? '';
  } catch {
    // Options half-filled (or from an older version) lack a field: the kind's title will do.
    return '';
  }
}

const OP_TEXT: Record<FilterOp, string> = {
  EQ: '=',
  LT: '<',
  GT: '>',
  LTE: '<=',
  GTE: '>=',
  REGEX: '~',
  ISNULL: 'is null',
};

function clauseText(c: FilterClause): string {
  if ('clauses' in c) {
    const inner = groupText(c, false);
    return inner === '' ? '' : c.negated ? `not ${inner}` : inner;
  }
  if (c.column === '') return '';
  let text: string;
  if (c.op === 'ISNULL') text = `${c.column} is null`;
  else {
    const v = c.value;
    const value =
      v === undefined
        ? '?'
        : v.kind === 'column'
          ? v.column
          : /^-?\d+(\.\d+)?$/.test(v.value)
            ? v.value
            : `'${v.value}'`;
    text = `${c.column} ${OP_TEXT[c.op]} ${value}`;
  }
  return c.negated ? `not (${text})` : text;
}

/** `a > 1 and b = 'x'`; a nested group (`top` false) of two or more in parentheses. */
function groupText(g: FilterGroup, top: boolean): string {
  const parts = g.clauses.map(clauseText).filter((t) => t !== '');
  const joined = parts.join(` ${g.combine.toLowerCase()} `);
  const wrapped = !top && parts.length > 1 ? `(${joined})` : joined;
  return top && g.negated && joined !== '' ? `not (${joined})` : wrapped;
}

/** One line on what each kind does, as Glue Studio's node menu says it. */
export const NODE_DESCRIPTIONS: Partial<Record<NodeKind, string>> = {
  'catalog-source': 'Read a table of the Data Catalog',
  'file-source': 'Read a CSV file dropped in Quick convert',
  'change-schema': 'Rename, cast, drop and reorder columns (ApplyMapping)',
  'select-fields': 'Keep only the chosen columns',
  'drop-fields': 'Remove the chosen columns',
  'rename-field': 'Give one column a new name',
  filter: 'Keep the rows that match conditions',
  join: 'Combine two inputs on matching keys',
  union: 'Stack the rows of two or more inputs',
  aggregate: 'Group rows and compute sums, counts, averages',
  'derived-column': 'Add a column from a SQL expression',
  'fill-missing-values': 'Replace NULLs by a constant, mean, median or previous value',
  'drop-null-fields': 'Remove the columns that are always NULL',
  'drop-duplicates': 'Keep the first of each set of equal rows',
  'split-string': 'Split text by a pattern into an array',
  'concatenate-columns': 'Join the text of several columns into one',
  pivot: 'Turn the values of a column into columns',
  unpivot: 'Turn columns into name/value rows',
  flatten: 'Turn struct fields into top-level columns',
  explode: 'One row per element of an array or map',
  'to-timestamp': 'Parse text or epoch numbers as timestamps',
  'format-timestamp': 'Format a timestamp as text',
  'add-current-timestamp': "Add the run's start time as a column",
  identifier: 'Add a row number or a UUID',
  limit: 'Keep the first rows',
  'sql-query': 'Transform the inputs with one SELECT',
  'evaluate-data-quality': 'Check DQDL rules; route rows that fail them',
  'detect-sensitive-data': 'Find emails, cards, SSNs… then hash, redact or drop them (PII)',
  target: 'Write Parquet, CSV or NDJSON files',
};

export type PaletteKind = (typeof NODE_KINDS)[number] & { description: string };

/** Every kind with its description, in palette order. */
export const PALETTE_KINDS: readonly PaletteKind[] = NODE_KINDS.map((k) => ({
  ...k,
  description: NODE_DESCRIPTIONS[k.kind] ?? '',
}));

/**
 * The kinds whose title or description holds every word of `query` (any case), titles that
 * match first; every kind for a blank query. Palette order is kept within each rank.
 */
export function kindsMatching(query: string): PaletteKind[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...PALETTE_KINDS];
  const inTitle: PaletteKind[] = [];
  const inText: PaletteKind[] = [];
  for (const k of PALETTE_KINDS) {
    const title = k.title.toLowerCase();
    const text = `${title} ${k.description.toLowerCase()}`;
    if (words.every((w) => title.includes(w))) inTitle.push(k);
    else if (words.every((w) => text.includes(w))) inText.push(k);
  }
  return [...inTitle, ...inText];
}
