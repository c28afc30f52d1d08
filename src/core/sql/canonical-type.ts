/**
 * DuckDB's own name for a type as a user, a file or Glue spells it, so two spellings of one type
 * compare equal (the crawler's schema merge and a recipe's column fit both ask).
 */

const ALIASES: Record<string, string> = {
  INT: 'INTEGER',
  INT4: 'INTEGER',
  SIGNED: 'INTEGER',
  INT8: 'BIGINT',
  LONG: 'BIGINT',
  INT2: 'SMALLINT',
  SHORT: 'SMALLINT',
  INT1: 'TINYINT',
  INT128: 'HUGEINT',
  FLOAT4: 'FLOAT',
  REAL: 'FLOAT',
  FLOAT8: 'DOUBLE',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  CHAR: 'VARCHAR',
  BPCHAR: 'VARCHAR',
  BOOL: 'BOOLEAN',
  LOGICAL: 'BOOLEAN',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP_US: 'TIMESTAMP',
  TIMESTAMPTZ: 'TIMESTAMP WITH TIME ZONE',
  // DuckDB's defaults for a DECIMAL or NUMERIC without arguments.
  DECIMAL: 'DECIMAL(18,3)',
  NUMERIC: 'DECIMAL(18,3)',
};

/**
 * DuckDB's name for `type`, upper-case with spaces normalised: `int8` → BIGINT,
 * `numeric(10, 2)` → DECIMAL(10,2), `varchar(20)` → VARCHAR. Nested types are only normalised.
 */
export function canonicalType(type: string): string {
  const key = type
    .replace(/\s+/g, ' ')
    .replace(/ ?([(),[\]]) ?/g, '$1')
    .trim()
    .toUpperCase();
  const decimal = /^(?:DECIMAL|NUMERIC)\((\d+)(?:,(\d+))?\)$/.exec(key);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2] ?? 0})`;
  if (/^(?:VARCHAR|CHAR|BPCHAR|STRING|TEXT)\(\d+\)$/.test(key)) return 'VARCHAR';
  return ALIASES[key] ?? key;
}
