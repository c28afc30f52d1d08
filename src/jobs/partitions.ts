import type { CatalogPartition } from '../catalog';
import { HIVE_NULL_PARTITION } from '../core/sql/table-view';
import { findColumn, isIntegerType, isTextType } from './columns';
import { constantOf, isGroup, isNumber } from './filter-sql';
import type { FilterClause, FilterCondition, FilterGroup } from './model';
import type { ParameterValues } from './params';

/**
 * Partition pruning: which partitions' files a catalog source must read for a predicate on its
 * partition keys, decided from the catalog's partition values alone, before any file is opened.
 *
 * Conservative by construction: a partition is left out only when the predicate is surely false
 * (or NULL) for it, as DuckDB would evaluate it. When a comparison cannot be decided here (a DATE
 * key, a value that is not a number, a pattern JavaScript cannot compile), the partition is
 * kept; the source's SQL applies the predicate to the rows as well, so the answer is DuckDB's.
 */

/** SQL's three values, plus `maybe`: not decidable here. */
type Truth = true | false | null | 'maybe';

/** The partitions whose files must be read; all of them when there is no predicate. */
export function selectPartitions(
  partitions: readonly CatalogPartition[],
  keys: readonly { name: string; type: string }[],
  predicate: FilterGroup | undefined,
  params: ParameterValues,
): CatalogPartition[] {
  if (!predicate) return [...partitions];
  return partitions.filter((p) => {
    const t = evalGroup(predicate, { keys, values: p.values, params });
    return t === true || t === 'maybe';
  });
}

interface Row {
  keys: readonly { name: string; type: string }[];
  values: readonly string[];
  params: ParameterValues;
}

function evalClause(c: FilterClause, row: Row): Truth {
  return isGroup(c) ? evalGroup(c, row) : evalCondition(c, row);
}

function evalGroup(g: FilterGroup, row: Row): Truth {
  const parts = g.clauses.map((c) => evalClause(c, row));
  let t: Truth;
  if (parts.length === 0) t = true;
  else if (g.combine === 'OR') {
    t = parts.includes(true)
      ? true
      : parts.includes('maybe')
        ? 'maybe'
        : parts.includes(null)
          ? null
          : false;
  } else {
    t = parts.includes(false)
      ? false
      : parts.includes('maybe')
        ? 'maybe'
        : parts.includes(null)
          ? null
          : true;
  }
  return g.negated ? not(t) : t;
}

function not(t: Truth): Truth {
  return t === true ? false : t === false ? true : t;
}

/** A key's value and type, or undefined when the name is not a partition key. */
function keyValue(row: Row, name: string): { value: string | null; type: string } | undefined {
  const key = findColumn(
    row.keys.map((k) => ({ name: k.name, type: k.type })),
    name,
  );
  if (!key) return undefined;
  const i = row.keys.findIndex((k) => k.name === key.name);
  const raw = row.values[i];
  return { value: raw === undefined || raw === HIVE_NULL_PARTITION ? null : raw, type: key.type! };
}

function evalCondition(c: FilterCondition, row: Row): Truth {
  const left = keyValue(row, c.column);
  if (!left) return 'maybe';
  let t: Truth;
  if (c.op === 'ISNULL') t = left.value === null;
  else if (!c.value) t = 'maybe';
  else {
    let right: { value: string | null; type: string } | undefined;
    if (c.value.kind === 'column') right = keyValue(row, c.value.column);
    else {
      let failed = false;
      const value = constantOf(c, { params: row.params, issue: () => (failed = true) });
      right = failed || value === null ? undefined : { value, type: left.type };
    }
    if (!right) t = 'maybe';
    else if (left.value === null || right.value === null) t = null;
    else if (c.op === 'REGEX') t = matches(left.value, right.value);
    else {
      const order = compare(left.value, right.value, left.type, right.type);
      if (order === 'maybe') t = 'maybe';
      else
        t =
          c.op === 'EQ'
            ? order === 0
            : c.op === 'LT'
              ? order < 0
              : c.op === 'GT'
                ? order > 0
                : c.op === 'LTE'
                  ? order <= 0
                  : order >= 0;
    }
  }
  return c.negated ? not(t) : t;
}

function matches(value: string, pattern: string): Truth {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return 'maybe';
  }
}

/**
 * -1, 0 or 1 as DuckDB orders the two values of these types, or 'maybe'. Only where JavaScript
 * compares exactly as DuckDB does: integers (a constant is cast to the key's type, and DuckDB
 * rounds `'2024.5'` to 2025, so a constant must be an integer), DOUBLE, and text. DECIMAL and
 * FLOAT round a constant to their precision, dates have many spellings: those are 'maybe'.
 */
function compare(a: string, b: string, ta: string, tb: string): number | 'maybe' {
  if (isIntegerType(ta) && isIntegerType(tb)) {
    if (!isInteger(a) || !isInteger(b)) return 'maybe';
    const x = BigInt(a.trim());
    const y = BigInt(b.trim());
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (isDoubleType(ta) && isDoubleType(tb)) {
    if (!isNumber(a) || !isNumber(b)) return 'maybe';
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (isTextType(ta) && isTextType(tb)) return compareCodePoints(a, b);
  return 'maybe';
}

function isDoubleType(type: string): boolean {
  return /^(DOUBLE|FLOAT8)$/i.test(type.trim());
}

function isInteger(text: string): boolean {
  return /^\s*[+-]?\d+\s*$/.test(text);
}

/** DuckDB orders VARCHAR by UTF-8 bytes, i.e. by code points (not UTF-16 units, as `<` does). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}
