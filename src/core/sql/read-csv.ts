import type { BadRowPolicy, ColumnInfo, CsvDialect, SniffHints } from '../csv/dialect';
import { quoteLiteral, structLiteral } from './quote';

export type { SniffHints } from '../csv/dialect';

/** `['a', 'b']`: a DuckDB list of string literals. */
function listLiteral(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}

function hintArgs(h: SniffHints): string[] {
  const args: string[] = [];
  if (h.delimiter !== undefined) args.push(`delim=${quoteLiteral(h.delimiter)}`);
  if (h.quote !== undefined) args.push(`quote=${quoteLiteral(h.quote)}`);
  if (h.escape !== undefined) args.push(`escape=${quoteLiteral(h.escape)}`);
  if (h.header !== undefined) args.push(`header=${h.header}`);
  if (h.encoding !== undefined) args.push(`encoding=${quoteLiteral(h.encoding)}`);
  if (h.decimalSeparator !== undefined)
    args.push(`decimal_separator=${quoteLiteral(h.decimalSeparator)}`);
  if (h.dateFormat !== undefined) args.push(`dateformat=${quoteLiteral(h.dateFormat)}`);
  if (h.timestampFormat !== undefined)
    args.push(`timestampformat=${quoteLiteral(h.timestampFormat)}`);
  if (h.nullValues !== undefined) args.push(`nullstr=${listLiteral(h.nullValues)}`);
  if (h.names !== undefined && h.names.length > 0) args.push(`names=${listLiteral(h.names)}`);
  if (h.typeCandidates !== undefined && h.typeCandidates.length > 0)
    args.push(`auto_type_candidates=${listLiteral(h.typeCandidates)}`);
  if (h.sampleSize !== undefined) args.push(`sample_size=${Math.trunc(h.sampleSize)}`);
  if (h.ignoreErrors) args.push('ignore_errors=true');
  return args;
}

/** `SELECT … FROM sniff_csv(path, hints)`: one row describing the detected dialect and columns. */
export function sniffCsvSql(path: string, hints: SniffHints = {}): string {
  const args = [quoteLiteral(path), ...hintArgs(hints)].join(', ');
  return (
    'SELECT Delimiter, Quote, Escape, HasHeader, Columns, DateFormat, TimestampFormat ' +
    `FROM sniff_csv(${args})`
  );
}

/** Options of `readCsvSql` beyond the dialect. */
export interface ReadCsvExtras {
  /**
   * Adds a column holding each row's file path (as given): `true` names it `filename`, a string
   * names it so (use one that no data column has). Default: no such column.
   */
  filename?: boolean | string;
  /** With `storeRejects`: record at most this many bad rows per file. Default: all of them. */
  rejectsLimit?: number;
}

/**
 * `read_csv(…)` with everything spelled out (auto_detect off), so the scan reads exactly the
 * dialect and types the user saw, and DuckDB never re-sniffs. `path` is one registered file or
 * a list of them (read as one relation, same dialect and columns); throws on an empty list,
 * which DuckDB cannot type. Column names and types both come from `columns` (read_csv's
 * `columns=` is `names=` and `types=` in one); `dialect.nullValues` becomes `nullstr`.
 */
export function readCsvSql(
  path: string | readonly string[],
  dialect: CsvDialect,
  columns: readonly ColumnInfo[],
  badRows: BadRowPolicy = 'error',
  storeRejects = false,
  extras: ReadCsvExtras = {},
): string {
  const args = [
    pathsArg(path),
    'auto_detect=false',
    `delim=${quoteLiteral(dialect.delimiter)}`,
    `quote=${quoteLiteral(dialect.quote)}`,
    `escape=${quoteLiteral(dialect.escape)}`,
    `header=${dialect.header}`,
    `encoding=${quoteLiteral(dialect.encoding)}`,
    `decimal_separator=${quoteLiteral(dialect.decimalSeparator)}`,
    `compression=${quoteLiteral(dialect.compression)}`,
    `columns=${structLiteral(columns.map((c) => [c.name, c.type] as const))}`,
  ];
  if (dialect.dateFormat) args.push(`dateformat=${quoteLiteral(dialect.dateFormat)}`);
  if (dialect.timestampFormat)
    args.push(`timestampformat=${quoteLiteral(dialect.timestampFormat)}`);
  if (dialect.nullValues !== undefined) args.push(`nullstr=${listLiteral(dialect.nullValues)}`);
  if (badRows === 'skip') args.push('ignore_errors=true');
  if (badRows === 'pad') args.push('null_padding=true', 'ignore_errors=true');
  if (storeRejects)
    args.push(
      'store_rejects=true',
      `rejects_table=${quoteLiteral(REJECTS_TABLE)}`,
      `rejects_scan=${quoteLiteral(REJECT_SCANS_TABLE)}`,
    );
  if (storeRejects && extras.rejectsLimit !== undefined)
    args.push(`rejects_limit=${Math.max(0, Math.trunc(extras.rejectsLimit))}`);
  if (extras.filename === true) args.push('filename=true');
  else if (typeof extras.filename === 'string')
    args.push(`filename=${quoteLiteral(extras.filename)}`);
  return `read_csv(${args.join(', ')})`;
}

/** `'a.csv'`, or `['a.csv', 'b.csv']` for a list. */
function pathsArg(path: string | readonly string[]): string {
  if (typeof path === 'string') return quoteLiteral(path);
  if (path.length === 0) throw new Error('sql: read_csv needs at least one file');
  return `[${path.map(quoteLiteral).join(', ')}]`;
}

const REJECTS_TABLE = 'decant_rejects';
const REJECT_SCANS_TABLE = 'decant_reject_scans';

/** DuckDB appends to a rejects table across scans: drop both before a scan that stores rejects. */
export const CLEAR_REJECTS_SQL = [
  `DROP TABLE IF EXISTS ${REJECTS_TABLE}`,
  `DROP TABLE IF EXISTS ${REJECT_SCANS_TABLE}`,
] as const;

/** Rows the last scan with `storeRejects` skipped. */
export const COUNT_REJECTS_SQL = `SELECT count(*) AS n FROM ${REJECTS_TABLE}`;

/** DuckDB's messages for the values the last scan with `storeRejects` could not convert (first 1,000). */
export const REJECTED_CASTS_SQL =
  `SELECT error_message FROM ${REJECTS_TABLE} WHERE error_type = 'CAST' ` +
  'ORDER BY file_id, line LIMIT 1000';

/**
 * Two statements: a scan that records (instead of failing on) rows whose field count is wrong,
 * then the first of those rows. Run CLEAR_REJECTS_SQL first.
 */
export function rejectedRowsSql(
  path: string,
  dialect: CsvDialect,
  columns: readonly ColumnInfo[],
): [scan: string, list: string] {
  return [
    `SELECT count(*) AS n FROM ${readCsvSql(path, dialect, columns, 'skip', true)}`,
    `SELECT line, error_type, error_message FROM ${REJECTS_TABLE} ORDER BY line LIMIT 50`,
  ];
}
