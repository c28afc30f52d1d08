/**
 * Identifiers as a person would type them: bare when DuckDB reads the bare word as that name
 * (`sales.orders`), double-quoted otherwise (`"default".airports`, `"Sales"`, `"my table"`). For SQL the
 * app shows or inserts for people to read; generated SQL that nobody reads may quote every name.
 */
import { quoteIdent } from './quote';

/**
 * DuckDB's keywords that cannot stand bare as a schema or table name (duckdb_keywords(),
 * categories reserved and type_function, DuckDB 1.4); a test checks the list against the engine.
 */
export const KEYWORDS_NEEDING_QUOTES: ReadonlySet<string> = new Set([
  'all',
  'analyse',
  'analyze',
  'and',
  'anti',
  'any',
  'array',
  'as',
  'asc',
  'asof',
  'asymmetric',
  'at',
  'authorization',
  'binary',
  'both',
  'by',
  'case',
  'cast',
  'check',
  'collate',
  'collation',
  'column',
  'columns',
  'concurrently',
  'constraint',
  'create',
  'cross',
  'default',
  'deferrable',
  'desc',
  'describe',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'false',
  'fetch',
  'for',
  'foreign',
  'freeze',
  'from',
  'full',
  'generated',
  'glob',
  'group',
  'having',
  'ilike',
  'in',
  'initially',
  'inner',
  'intersect',
  'into',
  'is',
  'isnull',
  'join',
  'lambda',
  'lateral',
  'leading',
  'left',
  'like',
  'limit',
  'map',
  'natural',
  'not',
  'notnull',
  'null',
  'offset',
  'on',
  'only',
  'or',
  'order',
  'outer',
  'overlaps',
  'pivot',
  'pivot_longer',
  'pivot_wider',
  'placing',
  'positional',
  'primary',
  'qualify',
  'references',
  'returning',
  'right',
  'select',
  'semi',
  'show',
  'similar',
  'some',
  'struct',
  'summarize',
  'symmetric',
  'table',
  'tablesample',
  'then',
  'to',
  'trailing',
  'true',
  'try_cast',
  'union',
  'unique',
  'unpack',
  'unpivot',
  'using',
  'variadic',
  'verbose',
  'when',
  'where',
  'window',
  'with',
]);

/**
 * `name` bare when it is lower-case letters, digits and underscores, not starting with a digit,
 * and not a keyword DuckDB reserves; otherwise quoted by quoteIdent. Upper case is quoted too: a
 * bare `Sales` would also find `sales`, and the quotes say which name is meant.
 */
export function readableIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !KEYWORDS_NEEDING_QUOTES.has(name)
    ? name
    : quoteIdent(name);
}

/** `database.table` as readableIdent writes each part. */
export function readableTableName(database: string, table: string): string {
  return `${readableIdent(database)}.${readableIdent(table)}`;
}

/**
 * For DuckDB's `syntax error at or near "default"` where the SQL uses that keyword as a name
 * (`default.airports`): a hint saying to quote it. Undefined for any other error.
 */
export function keywordNameHint(sql: string, message: string): string | undefined {
  const near = /syntax error at or near "([^"]+)"/.exec(message)?.[1];
  if (near === undefined) return undefined;
  const word = near.toLowerCase();
  if (!KEYWORDS_NEEDING_QUOTES.has(word)) return undefined;
  const usedAsName = new RegExp(`(^|[^\\w".])${word}\\s*\\.`, 'i').test(sql);
  if (!usedAsName) return undefined;
  return `${word} is an SQL keyword: as a database or table name it goes in double quotes, e.g. "${word}".${word === 'default' ? 'airports' : 'orders'}`;
}
