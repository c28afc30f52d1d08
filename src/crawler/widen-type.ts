/**
 * The one type two files' columns can share without losing a value, or none. Rules, in order:
 * equal types stay; NULL (a column the sample never filled) takes the other type; anything with
 * VARCHAR is VARCHAR; integers widen to the wider integer, to DECIMAL with enough digits, or to
 * DOUBLE; DATE and TIMESTAMP make TIMESTAMP. Every other pair — BOOLEAN and BIGINT, DATE and
 * DOUBLE, two different STRUCTs — has no common type, and the files do not share a table.
 */

import { canonicalType } from '../core/sql/canonical-type';

export { canonicalType };

/** The common type, spelled as DuckDB does; undefined when there is none. */
export function widerType(a: string, b: string): string | undefined {
  const x = canonicalType(a);
  const y = canonicalType(b);
  if (x === y) return spelling(x, a);
  if (x === 'NULL') return spelling(y, b);
  if (y === 'NULL') return spelling(x, a);
  if (x === 'VARCHAR' || y === 'VARCHAR') return 'VARCHAR';
  return widerNumber(x, y) ?? widerTime(x, y);
}

/** A nested type keeps its own spelling: its field names are the data's, not to be upper-cased. */
function spelling(canonical: string, original: string): string {
  return /^(?:STRUCT|MAP|UNION)\(|\]$/.test(canonical) ? original.trim() : canonical;
}

/** Signed and unsigned integers: bits, and decimal digits of their largest value. */
const INTEGERS: Record<string, { bits: number; signed: boolean; digits: number }> = {
  TINYINT: { bits: 8, signed: true, digits: 3 },
  SMALLINT: { bits: 16, signed: true, digits: 5 },
  INTEGER: { bits: 32, signed: true, digits: 10 },
  BIGINT: { bits: 64, signed: true, digits: 19 },
  HUGEINT: { bits: 128, signed: true, digits: 39 },
  UTINYINT: { bits: 8, signed: false, digits: 3 },
  USMALLINT: { bits: 16, signed: false, digits: 5 },
  UINTEGER: { bits: 32, signed: false, digits: 10 },
  UBIGINT: { bits: 64, signed: false, digits: 20 },
  UHUGEINT: { bits: 128, signed: false, digits: 39 },
};

const SIGNED_BY_BITS: Record<number, string> = {
  8: 'TINYINT',
  16: 'SMALLINT',
  32: 'INTEGER',
  64: 'BIGINT',
  128: 'HUGEINT',
};

const FLOATS = new Set(['FLOAT', 'DOUBLE']);
const MAX_DECIMAL_WIDTH = 38;

function widerNumber(x: string, y: string): string | undefined {
  const nx = numberShape(x);
  const ny = numberShape(y);
  if (!nx || !ny) return undefined;
  if (nx.kind === 'float' || ny.kind === 'float') {
    // FLOAT holds no more than 7 digits; only two FLOATs stay FLOAT (handled as equal types).
    return 'DOUBLE';
  }
  if (nx.kind === 'int' && ny.kind === 'int') return widerInteger(x, y);
  const intDigits = Math.max(nx.width - nx.scale, ny.width - ny.scale);
  const scale = Math.max(nx.scale, ny.scale);
  if (intDigits + scale > MAX_DECIMAL_WIDTH) return 'DOUBLE';
  return `DECIMAL(${intDigits + scale},${scale})`;
}

type NumberShape = { kind: 'int' | 'decimal'; width: number; scale: number } | { kind: 'float' };

function numberShape(type: string): NumberShape | undefined {
  if (FLOATS.has(type)) return { kind: 'float' };
  const int = INTEGERS[type];
  if (int) return { kind: 'int', width: int.digits, scale: 0 };
  const dec = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (dec) return { kind: 'decimal', width: Number(dec[1]), scale: Number(dec[2]) };
  return undefined;
}

function widerInteger(x: string, y: string): string {
  const a = INTEGERS[x]!;
  const b = INTEGERS[y]!;
  if (a.signed === b.signed) return a.bits >= b.bits ? x : y;
  // A signed type holds an unsigned one only with more bits: UINTEGER + INTEGER → BIGINT.
  const [signed, unsigned] = a.signed ? [a, b] : [b, a];
  const bits = Math.max(signed.bits, unsigned.bits * 2);
  return SIGNED_BY_BITS[bits] ?? 'DOUBLE';
}

const TIMESTAMPS = new Set(['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS']);

function widerTime(x: string, y: string): string | undefined {
  const dateLike = (t: string) => t === 'DATE' || TIMESTAMPS.has(t);
  return dateLike(x) && dateLike(y) ? 'TIMESTAMP' : undefined;
}
