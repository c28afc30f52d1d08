/**
 * Which quote and escape characters never occur in a CSV file. The crawler groups files whose
 * only difference is that some hold no quoted value: a character that never occurs reads a
 * file the same whether or not it is the quote (see mergeFormatKeys in src/crawler).
 */
import type { ColumnInfo, CsvDialect } from '../../src/core/csv/dialect';
import { ident, joinSql, raw, sql } from '../../src/core/sql/sql-template';
import { CHECKED_CHARS } from '../../src/core/csv/format-key';
import type { Head } from './read-head';

/** The checked characters not in `bytes` (UTF-8 or Latin-1 keep each as its one byte). */
export function absentInBytes(bytes: Uint8Array): string {
  return CHECKED_CHARS.filter((c) => !bytes.includes(c.charCodeAt(0))).join('');
}

/**
 * Aggregates `present0`, `present1`…, one per checked character: true when a row of the scan
 * holds it. Only text columns can: a value of another type that did convert has no quote or
 * backslash.
 */
export function presenceAggregates(columns: readonly ColumnInfo[]): string[] {
  const text = columns.filter((c) => c.type === 'VARCHAR').map((c) => ident(c.name));
  return CHECKED_CHARS.map((ch, i) => {
    const tests = text.map((c) => sql`contains(${c}, ${ch})`);
    const any = tests.length ? joinSql(tests, ' OR ') : raw('false');
    return sql`coalesce(bool_or(${any}), false) AS ${raw(`present${i}`)}`.text;
  });
}

/** The checked characters neither a row (`presentN` of presenceAggregates) nor a column name holds. */
export function absentFromRow(
  row: Record<string, unknown>,
  columns: readonly ColumnInfo[],
): string {
  return CHECKED_CHARS.filter(
    (ch, i) => !row[`present${i}`] && !columns.some((c) => c.name.includes(ch)),
  ).join('');
}

/** Whether a file read with `dialect` may also be read with a quote or escape it lacks. */
export function hasLooseQuoting(dialect: CsvDialect): boolean {
  return dialect.quote === '' || dialect.escape === '';
}

/**
 * The checked characters absent from a file: from its bytes when `head` is all of it, else from
 * `row`, the presenceAggregates computed by the scan that validated it (no scan of its own).
 */
export function absentChars(
  head: Head,
  row: Record<string, unknown>,
  columns: readonly ColumnInfo[],
): string {
  return head.whole ? absentInBytes(head.bytes) : absentFromRow(row, columns);
}
