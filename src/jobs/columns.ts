import { asciiLower, unusedName } from '../core/sql/table-view';

/** A column of a node's output; `type` is DuckDB's type name, or null until the engine says. */
export interface NodeColumn {
  name: string;
  type: string | null;
}

/** The column DuckDB means by `name` (it ignores ASCII case in names), if any. */
export function findColumn(columns: readonly NodeColumn[], name: string): NodeColumn | undefined {
  const key = asciiLower(name);
  return columns.find((c) => asciiLower(c.name) === key);
}

/** `name` is one of `names`, as DuckDB compares them. */
export function sameName(a: string, b: string): boolean {
  return asciiLower(a) === asciiLower(b);
}

/** The first name that occurs twice (as DuckDB compares them), if any. */
export function duplicateName(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const n of names) {
    const key = asciiLower(n);
    if (seen.has(key)) return n;
    seen.add(key);
  }
  return undefined;
}

/** `columns` with the one named `name` replaced by `column` in place, or `column` appended. */
export function withColumn(columns: readonly NodeColumn[], column: NodeColumn): NodeColumn[] {
  const i = columns.findIndex((c) => sameName(c.name, column.name));
  if (i < 0) return [...columns, column];
  return columns.map((c, j) => (j === i ? column : c));
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(\s*\d+\s*(,\s*\d+\s*)?\))?|NUMERIC(\(.*\))?|INT[1248]|FLOAT[48])$/i;

/** True for DuckDB's number types. */
export function isNumericType(type: string | null): boolean {
  return type !== null && NUMERIC.test(type.trim());
}

/** True for DuckDB's integer types (compared as exact integers). */
export function isIntegerType(type: string | null): boolean {
  return (
    type !== null &&
    /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT[1248])$/i.test(
      type.trim(),
    )
  );
}

/** True for VARCHAR and its aliases. */
export function isTextType(type: string | null): boolean {
  return type !== null && /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)$/i.test(type.trim());
}

/** `base`, or `base_`, `base__`…: the first name none of `columns` has (ASCII case ignored). */
export function unusedColumnName(base: string, columns: readonly NodeColumn[]): string {
  return unusedName(
    base,
    columns.map((c) => ({ name: c.name, type: c.type ?? '' })),
  );
}
