/**
 * Whether a table (or file) can stand in for a recipe's source: which of the columns the recipe
 * expects it lacks, which it has with a type the job was not made for, and which it has with a
 * narrower type that converts without loss (INTEGER where BIGINT was expected: fine).
 */
import { canonicalType } from '../../core/sql/canonical-type';
import { sameName } from '../columns';
import type { RecipeColumn } from './recipe-model';

export { canonicalType };

/** `same`: the type expected; `widens`: converts to it without loss; `differs`: neither. */
export type TypeFit = 'same' | 'widens' | 'differs';

export interface ColumnMismatch {
  name: string;
  expected: string;
  actual: string;
}

export interface ColumnFit {
  /** Expected columns the candidate does not have (names compare as DuckDB does, without case). */
  missing: RecipeColumn[];
  /** Present with a type that does not convert without loss. */
  retyped: ColumnMismatch[];
  /** Present with a narrower type that converts without loss. */
  widened: ColumnMismatch[];
  /** Nothing missing or retyped: the job reads it as it read the original. */
  ok: boolean;
}

/** Integer types by the decimal digits they always hold, signed and unsigned. */
const SIGNED = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];
const UNSIGNED = ['UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'];
const DIGITS: Record<string, number> = {
  TINYINT: 3,
  SMALLINT: 5,
  INTEGER: 10,
  BIGINT: 19,
  HUGEINT: 39,
  UTINYINT: 3,
  USMALLINT: 5,
  UINTEGER: 10,
  UBIGINT: 20,
  UHUGEINT: 39,
};

function decimalOf(t: string): { p: number; s: number } | null {
  const m = /^DECIMAL\((\d+),(\d+)\)$/.exec(t);
  return m ? { p: Number(m[1]), s: Number(m[2]) } : null;
}

/** Every value of type `from` converts to `to` exactly (a lossless, implicit widening). */
function widens(from: string, to: string): boolean {
  const si = SIGNED.indexOf(from);
  const ui = UNSIGNED.indexOf(from);
  if (si >= 0 && SIGNED.indexOf(to) > si) return true;
  if (ui >= 0 && (UNSIGNED.indexOf(to) > ui || SIGNED.indexOf(to) > ui)) return true;
  const intDigits = DIGITS[from];
  // Doubles hold integers exactly up to 2^53, floats up to 2^24.
  if (intDigits !== undefined && to === 'DOUBLE') return intDigits <= 10;
  if (intDigits !== undefined && to === 'FLOAT') return intDigits <= 5;
  const target = decimalOf(to);
  if (intDigits !== undefined && target) return target.p - target.s >= intDigits;
  const source = decimalOf(from);
  if (source && target) return target.s >= source.s && target.p - target.s >= source.p - source.s;
  if (from === 'FLOAT' && to === 'DOUBLE') return true;
  if (from === 'DATE' && (to === 'TIMESTAMP' || to === 'TIMESTAMP WITH TIME ZONE')) return true;
  return false;
}

/** How a column of type `actual` serves where the recipe expects `expected`. */
export function typeFit(expected: string, actual: string): TypeFit {
  const e = canonicalType(expected);
  const a = canonicalType(actual);
  if (e === a) return 'same';
  return widens(a, e) ? 'widens' : 'differs';
}

/** How `actual` columns (a table's, partition keys included, or a file's) serve `expected`. */
export function columnFit(
  expected: readonly RecipeColumn[],
  actual: readonly RecipeColumn[],
): ColumnFit {
  const fit: ColumnFit = { missing: [], retyped: [], widened: [], ok: true };
  for (const col of expected) {
    const have =
      actual.find((c) => c.name === col.name) ?? actual.find((c) => sameName(c.name, col.name));
    if (!have) {
      fit.missing.push(col);
      continue;
    }
    const how = typeFit(col.type, have.type);
    const m = { name: col.name, expected: col.type, actual: have.type };
    if (how === 'differs') fit.retyped.push(m);
    else if (how === 'widens') fit.widened.push(m);
  }
  fit.ok = fit.missing.length === 0 && fit.retyped.length === 0;
  return fit;
}

/**
 * The fit in words, e.g. `missing: price · another type: id is VARCHAR, expected BIGINT ·
 * fine: n is INTEGER, read as BIGINT`, or `all 3 columns match`.
 */
export function fitText(fit: ColumnFit, expectedCount: number): string {
  const parts: string[] = [];
  if (fit.missing.length > 0) parts.push(`missing: ${fit.missing.map((c) => c.name).join(', ')}`);
  if (fit.retyped.length > 0)
    parts.push(
      `another type: ${fit.retyped.map((m) => `${m.name} is ${m.actual}, expected ${m.expected}`).join(', ')}`,
    );
  if (fit.widened.length > 0)
    parts.push(
      `compatible: ${fit.widened.map((m) => `${m.name} is ${m.actual}, read as ${m.expected}`).join(', ')}`,
    );
  if (fit.ok && fit.widened.length === 0)
    return `all ${expectedCount} ${expectedCount === 1 ? 'column matches' : 'columns match'}`;
  if (fit.ok) parts.unshift('every column fits');
  return parts.join(' · ');
}
