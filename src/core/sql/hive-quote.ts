/**
 * Quoting for Hive DDL, the dialect Athena's `CREATE EXTERNAL TABLE` speaks. It differs from
 * DuckDB's (see quote.ts): identifiers take backquotes, and string literals escape with a
 * backslash, because Hive's lexer reads `'a''b'` as two adjacent literals, i.e. `ab`.
 */

/** `` `name` `` with inner backquotes doubled (Hive's quoted-identifier rule). */
export function quoteHiveIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** `'text'` with backslashes and single quotes backslash-escaped, as Hive unescapes them. */
export function quoteHiveLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
