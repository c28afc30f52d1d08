import { DataType, type Field } from 'apache-arrow';
import { ident } from '../../src/core/sql/sql-template';

/**
 * A DuckDB type name for an Arrow type, for results that only exist as Arrow (EXPLAIN, PRAGMA,
 * CALL, … RETURNING). Covers the types DuckDB emits; anything else is named by Arrow.
 */
export function duckdbTypeFromArrow(t: DataType): string {
  if (DataType.isNull(t)) return 'NULL';
  if (DataType.isBool(t)) return 'BOOLEAN';
  if (DataType.isInt(t)) {
    const names: Record<number, string> = {
      8: 'TINYINT',
      16: 'SMALLINT',
      32: 'INTEGER',
      64: 'BIGINT',
    };
    return `${t.isSigned ? '' : 'U'}${names[t.bitWidth] ?? 'BIGINT'}`;
  }
  if (DataType.isFloat(t)) return t.precision === 2 ? 'DOUBLE' : 'FLOAT';
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return 'VARCHAR';
  if (DataType.isBinary(t) || DataType.isLargeBinary(t)) return 'BLOB';
  if (DataType.isDecimal(t)) return `DECIMAL(${t.precision},${t.scale})`;
  if (DataType.isDate(t)) return 'DATE';
  if (DataType.isTime(t)) return 'TIME';
  if (DataType.isTimestamp(t)) return t.timezone ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
  if (DataType.isInterval(t)) return 'INTERVAL';
  if (DataType.isList(t)) return `${duckdbTypeFromArrow(t.valueType)}[]`;
  if (DataType.isStruct(t)) return `STRUCT(${t.children.map(field).join(', ')})`;
  if (DataType.isMap(t)) {
    const [k, v] = (t.children[0]?.type as DataType | undefined)?.children ?? [];
    return `MAP(${k ? duckdbTypeFromArrow(k.type) : 'VARCHAR'}, ${v ? duckdbTypeFromArrow(v.type) : 'VARCHAR'})`;
  }
  return String(t);
}

function field(f: Field): string {
  return `${ident(f.name).text} ${duckdbTypeFromArrow(f.type)}`;
}
