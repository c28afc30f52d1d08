/**
 * The column types the schema editor offers, chosen from a list rather than typed, so a type
 * DuckDB does not know can never be entered (and DuckDB's "did you mean" never shown). DECIMAL
 * takes a precision and scale; a nested type (STRUCT, LIST, MAP) is kept as it is, not edited.
 */
import { catalogError } from './catalog-errors';

/** The types offered, widest family first within each group. */
export const COLUMN_TYPE_CHOICES: readonly { type: string; group: string }[] = [
  ...['VARCHAR'].map((type) => ({ type, group: 'Text' })),
  ...['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'HUGEINT', 'UBIGINT', 'UINTEGER'].map((type) => ({
    type,
    group: 'Whole numbers',
  })),
  ...['DOUBLE', 'FLOAT', 'DECIMAL'].map((type) => ({ type, group: 'Fractions' })),
  ...['BOOLEAN'].map((type) => ({ type, group: 'Yes/no' })),
  ...['DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIME', 'INTERVAL'].map((type) => ({
    type,
    group: 'Dates and times',
  })),
  ...['UUID', 'BLOB'].map((type) => ({ type, group: 'Other' })),
];

/** DuckDB's DECIMAL limits. */
export const MAX_DECIMAL_PRECISION = 38;

/** A type as the editor holds it: a choice from the list, with DECIMAL's two numbers. */
export interface TypeChoice {
  /** One of COLUMN_TYPE_CHOICES, or a stored type not in the list (kept unchanged). */
  base: string;
  precision: number;
  scale: number;
}

/** The editor's state for a stored type (DECIMAL(p,s) split; DuckDB's default DECIMAL is 18,3). */
export function typeChoiceOf(type: string): TypeChoice {
  const t = type.trim().toUpperCase();
  const decimal = /^(?:DECIMAL|NUMERIC)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t);
  if (decimal)
    return {
      base: 'DECIMAL',
      precision: decimal[1] ? Number(decimal[1]) : 18,
      scale: decimal[2] ? Number(decimal[2]) : decimal[1] ? 0 : 3,
    };
  const known = COLUMN_TYPE_CHOICES.find((c) => c.type === t);
  return { base: known ? known.type : type, precision: 18, scale: 3 };
}

/**
 * The type name of a choice. Throws a `catalog:` DecantError for a precision outside 1–38 or a
 * scale outside 0–precision, saying the limits, before anything reaches the engine.
 */
export function typeFromChoice(c: TypeChoice): string {
  if (c.base !== 'DECIMAL') return c.base;
  const { precision: p, scale: s } = c;
  if (!Number.isInteger(p) || p < 1 || p > MAX_DECIMAL_PRECISION)
    throw catalogError(
      `a DECIMAL's precision (its total digits) must be a whole number from 1 to ${MAX_DECIMAL_PRECISION}`,
    );
  if (!Number.isInteger(s) || s < 0 || s > p)
    throw catalogError(
      `a DECIMAL's scale (digits after the point) must be a whole number from 0 to its precision, ${p}`,
    );
  return `DECIMAL(${p},${s})`;
}
