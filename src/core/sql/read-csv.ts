import type { BadRowPolicy, ColumnInfo, CsvDialect, SniffHints } from '../csv/dialect';
import { structLiteral } from './quote';
import { joinSql, raw, sql, type Sql } from './sql-template';

export type { SniffHints } from '../csv/dialect';

/** `true`/`false` as read_csv's options are written (the template would write TRUE/FALSE). */
const flag = (value: boolean): Sql => raw(String(value));

function hintArgs(h: SniffHints): Sql[] {
  const args: Sql[] = [];
  if (h.delimiter !== undefined) args.push(sql`delim=${h.delimiter}`);
  if (h.quote !== undefined) args.push(sql`quote=${h.quote}`);
  if (h.escape !== undefined) args.push(sql`escape=${h.escape}`);
  if (h.header !== undefined) args.push(sql`header=${flag(h.header)}`);
  if (h.encoding !== undefined) args.push(sql`encoding=${h.encoding}`);
  if (h.decimalSeparator !== undefined) args.push(sql`decimal_separator=${h.decimalSeparator}`);
  if (h.dateFormat !== undefined) args.push(sql`dateformat=${h.dateFormat}`);
  if (h.timestampFormat !== undefined) args.push(sql`timestampformat=${h.timestampFormat}`);
  if (h.nullValues !== undefined) args.push(sql`nullstr=${h.nullValues}`);
  if (h.names !== undefined && h.names.length > 0) args.push(sql`names=${h.names}`);
  if (h.typeCandidates !== undefined && h.typeCandidates.length > 0)
    args.push(sql`auto_type_candidates=${h.typeCandidates}`);
  if (h.sampleSize !== undefined) args.push(sql`sample_size=${Math.trunc(h.sampleSize)}`);
  if (h.ignoreErrors) args.push(raw('ignore_errors=true'));
  return args;
}

/** `SELECT … FROM sniff_csv(path, hints)`: one row describing the detected dialect and columns. */
export function sniffCsvSql(path: string, hints: SniffHints = {}): string {
  const args = joinSql([path, ...hintArgs(hints)]);
  return sql`SELECT Delimiter, Quote, Escape, HasHeader, Columns, DateFormat, TimestampFormat FROM sniff_csv(${args})`
    .text;
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
  /**
   * Bytes DuckDB reads into each of its CSV buffers (`buffer_size`); at least 2 MiB, DuckDB's
   * longest line. Default: DuckDB's (32 MB). See CSV_STREAM_BUFFER_BYTES.
   */
  bufferSize?: number;
}

/**
 * The CSV buffer for a streamed scan in the tab. DuckDB's default 32 MB buffer, held twice where
 * one buffer ends and the next begins, grew DuckDB-WASM's memory (which it never gives back) by
 * 68 MB while converting a 91 MB CSV; 16 MB buffers grew it by nothing past what inspecting
 * the file had taken, with no measurable loss of speed (bench/convert-memory.ts).
 */
export const CSV_STREAM_BUFFER_BYTES = 16 * 1024 * 1024;

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
  if (typeof path !== 'string' && path.length === 0)
    throw new Error('sql: read_csv needs at least one file');
  const args: Sql[] = [
    // `'a.csv'`, or `['a.csv', 'b.csv']` for a list.
    sql`${path}`,
    raw('auto_detect=false'),
    sql`delim=${dialect.delimiter}`,
    sql`quote=${dialect.quote}`,
    sql`escape=${dialect.escape}`,
    sql`header=${flag(dialect.header)}`,
    sql`encoding=${dialect.encoding}`,
    sql`decimal_separator=${dialect.decimalSeparator}`,
    sql`compression=${dialect.compression}`,
    sql`columns=${raw(structLiteral(columns.map((c) => [c.name, c.type] as const)))}`,
  ];
  if (dialect.dateFormat) args.push(sql`dateformat=${dialect.dateFormat}`);
  if (dialect.timestampFormat) args.push(sql`timestampformat=${dialect.timestampFormat}`);
  if (dialect.nullValues !== undefined) args.push(sql`nullstr=${dialect.nullValues}`);
  if (badRows === 'skip') args.push(raw('ignore_errors=true'));
  if (badRows === 'pad') args.push(raw('null_padding=true'), raw('ignore_errors=true'));
  if (storeRejects)
    args.push(
      raw('store_rejects=true'),
      sql`rejects_table=${REJECTS_TABLE}`,
      sql`rejects_scan=${REJECT_SCANS_TABLE}`,
    );
  if (storeRejects && extras.rejectsLimit !== undefined)
    args.push(sql`rejects_limit=${Math.max(0, Math.trunc(extras.rejectsLimit))}`);
  if (extras.bufferSize !== undefined)
    args.push(sql`buffer_size=${Math.max(2 * 1024 * 1024, Math.trunc(extras.bufferSize))}`);
  if (extras.filename === true) args.push(raw('filename=true'));
  else if (typeof extras.filename === 'string') args.push(sql`filename=${extras.filename}`);
  return sql`read_csv(${joinSql(args)})`.text;
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
