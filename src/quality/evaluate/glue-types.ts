/** Glue's type names (ColumnDataType) and DuckDB's. */

const TRY_CAST: Record<string, string> = {
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  INTEGER: 'INTEGER',
  INT: 'INTEGER',
  LONG: 'BIGINT',
  BIGINT: 'BIGINT',
  SHORT: 'SMALLINT',
  BYTE: 'TINYINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DECIMAL: 'DECIMAL(38, 10)',
  STRING: 'VARCHAR',
};

/** The DuckDB type a text value is tried as for a Glue type name, or undefined if unknown. */
export function tryCastType(glueName: string): string | undefined {
  return TRY_CAST[glueName.toUpperCase()];
}

/** The Glue type name of a DuckDB type: BIGINT → LONG, VARCHAR → STRING, TIMESTAMP WITH TIME ZONE → TIMESTAMP. */
export function glueTypeOf(duckdbType: string): string {
  const t = duckdbType.toUpperCase();
  if (t.startsWith('DECIMAL') || t.startsWith('NUMERIC')) return 'DECIMAL';
  if (t.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  if (t.startsWith('VARCHAR') || t === 'TEXT') return 'STRING';
  const map: Record<string, string> = {
    BOOLEAN: 'BOOLEAN',
    DATE: 'DATE',
    TINYINT: 'BYTE',
    SMALLINT: 'SHORT',
    INTEGER: 'INTEGER',
    BIGINT: 'LONG',
    HUGEINT: 'DECIMAL',
    UTINYINT: 'SHORT',
    USMALLINT: 'INTEGER',
    UINTEGER: 'LONG',
    UBIGINT: 'DECIMAL',
    FLOAT: 'FLOAT',
    REAL: 'FLOAT',
    DOUBLE: 'DOUBLE',
  };
  return map[t] ?? t;
}
