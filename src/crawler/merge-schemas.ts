/**
 * Whether two files' schemas can be one table's, and the merged columns when they can: the
 * compatibility rule of Glue's CombineCompatibleSchemas, minus its silent merges.
 */
import type { Classification } from '../catalog';
import { mergeFormatKeys } from '../core/csv/format-key';
import { widerType } from './widen-type';

export interface Column {
  name: string;
  type: string;
}

export interface FileSchema {
  classification: Classification;
  formatKey: string;
  columns: readonly Column[];
}

export type SchemaMerge =
  /** `formatKey` is there when reading both takes other options than `a`'s (see mergeFormatKeys). */
  { ok: true; columns: Column[]; formatKey?: string } | { ok: false; reason: string };

/**
 * Merges `b` into `a`. Never merged: different classifications, format keys that no one set of
 * reader options satisfies (see `mergeFormatKeys`: CSV quote and escape characters need only be
 * compatible), a column without a common type (see `widerType`), and
 * — when combining — schemas with no column name in common, which are two datasets, not one that
 * grew a column. Columns match by name, exactly or else ignoring case (DuckDB's identifiers
 * ignore case); the result keeps `a`'s order and spelling, then `b`'s new columns.
 * `combine` false (CombineCompatibleSchemas off) asks for the same names, order and types.
 */
export function mergeSchemas(a: FileSchema, b: FileSchema, combine: boolean): SchemaMerge {
  if (a.classification !== b.classification) {
    return { ok: false, reason: `one is ${a.classification}, the other ${b.classification}` };
  }
  const format = mergeFormatKeys(a.formatKey, b.formatKey);
  if (!format.ok) {
    const what = a.classification === 'csv' ? 'CSV dialects' : `${a.classification} formats`;
    const detail =
      format.reason ?? `${JSON.stringify(a.formatKey)} and ${JSON.stringify(b.formatKey)}`;
    return { ok: false, reason: `different ${what}: ${detail}` };
  }
  const columns = combine
    ? combineColumns(a.columns, b.columns)
    : sameColumns(a.columns, b.columns);
  if (!columns.ok || format.key === a.formatKey) return columns;
  return { ...columns, formatKey: format.key };
}

type ColumnMerge = { ok: true; columns: Column[] } | { ok: false; reason: string };

function combineColumns(a: readonly Column[], b: readonly Column[]): ColumnMerge {
  const merged = a.map((c) => ({ ...c }));
  const exact = new Map(merged.map((c, i) => [c.name, i]));
  const folded = new Map<string, number>();
  merged.forEach((c, i) => {
    if (!folded.has(c.name.toLowerCase())) folded.set(c.name.toLowerCase(), i);
  });
  let shared = 0;
  for (const column of b) {
    const at = exact.get(column.name) ?? folded.get(column.name.toLowerCase());
    if (at === undefined) {
      merged.push({ ...column });
      continue;
    }
    shared++;
    const target = merged[at]!;
    const type = widerType(target.type, column.type);
    if (type === undefined) {
      const reason = `column ${JSON.stringify(target.name)}: ${target.type} and ${column.type} have no common type`;
      return { ok: false, reason };
    }
    target.type = type;
  }
  if (shared === 0 && a.length > 0 && b.length > 0) {
    return { ok: false, reason: 'no column name in common' };
  }
  return { ok: true, columns: merged };
}

function sameColumns(a: readonly Column[], b: readonly Column[]): ColumnMerge {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x?.name === y?.name && x?.type === y?.type) continue;
    const say = (c: Column | undefined) => (c ? `${JSON.stringify(c.name)} ${c.type}` : 'nothing');
    return {
      ok: false,
      reason: `column ${i + 1} is ${say(x)} in one and ${say(y)} in the other (schemas are not combined)`,
    };
  }
  return { ok: true, columns: a.map((c) => ({ ...c })) };
}
