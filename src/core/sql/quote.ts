/**
 * The one place identifiers and literals become SQL text. Every SQL string in Decant that carries
 * a name or value from a file or a user goes through these two functions.
 */

/** `"name"` with inner quotes doubled; any string (spaces, unicode, `"; DROP`) is a valid identifier. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error(`sql: identifier contains a NUL character`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** `'text'` with inner quotes doubled. Throws on NUL, which DuckDB string literals cannot carry. */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error(`sql: literal contains a NUL character`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** A DuckDB struct literal `{'a': 'x', 'b': 'y'}` from string pairs, e.g. for read_csv's `columns`. */
export function structLiteral(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([k, v]) => `${quoteLiteral(k)}: ${quoteLiteral(v)}`).join(', ')}}`;
}
