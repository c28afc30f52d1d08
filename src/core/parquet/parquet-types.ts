import type { SchemaElement, SchemaTree } from 'hyparquet';
import { ident } from '../sql/sql-template';
import { asciiLower } from '../sql/table-view';

/**
 * DuckDB types for a Parquet schema, the way DuckDB's Parquet reader derives them (its
 * `ParseSchemaRecursive` and `DeriveLogicalType`), so a catalog entry matches what DuckDB reads:
 *
 * - leaves: the logical type first (TIMESTAMP and TIME: `isAdjustedToUTC` → WITH TIME ZONE, else
 *   NANOS → `_NS`; UUID, FLOAT16, INTEGER, DECIMAL, DATE, STRING, ENUM, JSON), then the legacy
 *   converted type, then the physical type (BYTE_ARRAY alone is BLOB; INT96 is TIMESTAMP).
 *   Native DuckDB 1.5 ignores a logical STRING, DATE, DECIMAL or INTEGER without the converted
 *   type (reading BLOB or INTEGER); this follows the Parquet spec there;
 * - groups: a group of one child annotated LIST or MAP, or repeated, is that child pulled up;
 *   a MAP's repeated key/value group is `MAP(K, V)`; any other group is a STRUCT; a REPEATED
 *   node is a list of itself (`T[]`);
 * - names that differ only in ASCII case get `_1`, `_2`… as DuckDB renames them.
 *
 * Where DuckDB-WASM (no json or spatial extension) would differ from native DuckDB, it follows
 * DuckDB-WASM: JSON reads as VARCHAR, GEOMETRY as BLOB. Struct fields in the text are always
 * quoted (`STRUCT("id" INTEGER)`): valid type text that DuckDB normalizes (see isTypeName).
 */
export interface ParquetColumns {
  columns: { name: string; type: string }[];
  /** One sentence per column whose type is a fallback (JSON, INT96, DECIMAL(40,2), …). */
  notes: string[];
}

/** The DuckDB columns of a file's schema tree (hyparquet's `parquetSchema(metadata)`). */
export function duckdbColumnsFromParquet(root: SchemaTree): ParquetColumns {
  const notes: string[] = [];
  const columns = childTypes(root, notes, '');
  return { columns, notes };
}

function childTypes(node: SchemaTree, notes: string[], path: string) {
  const fields = node.children.map((c) => ({
    name: c.element.name,
    type: typeOf(c, node, notes, path === '' ? c.element.name : `${path}.${c.element.name}`),
  }));
  return renameCaseDuplicates(fields);
}

function typeOf(node: SchemaTree, parent: SchemaTree, notes: string[], path: string): string {
  const e = node.element;
  const repeated = e.repetition_type === 'REPEATED';
  if (!(e.num_children && e.num_children > 0)) {
    const t = leafType(e, (why) => notes.push(`${JSON.stringify(path)}: ${why}`));
    return repeated ? `${t}[]` : t;
  }
  const children = childTypes(node, notes, path);
  const isList = e.converted_type === 'LIST' || e.logical_type?.type === 'LIST';
  const isMap = e.converted_type === 'MAP' || e.logical_type?.type === 'MAP';
  const parentIsMap =
    parent.element.converted_type === 'MAP' || parent.element.logical_type?.type === 'MAP';
  const isMapKeyValue =
    e.converted_type === 'MAP_KEY_VALUE' || (parentIsMap && parent.children.length === 1);
  if (isMapKeyValue && children.length === 2 && repeated)
    return `MAP(${children[0]!.type}, ${children[1]!.type})`;
  let t: string;
  if (children.length > 1 || (!isList && !isMap && !repeated))
    t = `STRUCT(${children.map((c) => `${ident(c.name).text} ${c.type}`).join(', ')})`;
  else t = children[0]!.type;
  return repeated ? `${t}[]` : t;
}

function leafType(e: SchemaElement, note: (why: string) => void): string {
  const lt = e.logical_type;
  const flba = e.type === 'FIXED_LEN_BYTE_ARRAY';
  switch (lt?.type) {
    case 'TIMESTAMP':
      if (lt.isAdjustedToUTC) return 'TIMESTAMP WITH TIME ZONE';
      return lt.unit === 'NANOS' ? 'TIMESTAMP_NS' : 'TIMESTAMP';
    case 'TIME':
      if (lt.isAdjustedToUTC) return 'TIME WITH TIME ZONE';
      return lt.unit === 'NANOS' ? 'TIME_NS' : 'TIME';
    case 'UUID':
      if (flba) return 'UUID';
      break;
    case 'FLOAT16':
      if (flba && e.type_length === 2) return 'FLOAT';
      break;
    case 'INTEGER':
      if (e.type === 'INT32' || e.type === 'INT64') return integerType(lt.bitWidth, lt.isSigned);
      break;
    case 'DECIMAL':
      return decimalType(lt.precision, lt.scale, note);
    case 'DATE':
      return 'DATE';
    case 'STRING':
    case 'ENUM':
      return 'VARCHAR';
    case 'JSON':
      note('JSON text: read as VARCHAR (DuckDB-WASM has no JSON type offline)');
      return 'VARCHAR';
    case 'BSON':
      note('BSON: read as BLOB');
      return 'BLOB';
    case 'GEOMETRY':
    case 'GEOGRAPHY':
      note(
        `${lt.type.toLowerCase()} (WKB): read as BLOB (DuckDB's spatial extension is not loaded)`,
      );
      return 'BLOB';
    case 'NULL':
      note('always NULL: read as INTEGER');
      return 'INTEGER';
    default:
      break;
  }
  switch (e.converted_type) {
    case 'INT_8':
      return 'TINYINT';
    case 'INT_16':
      return 'SMALLINT';
    case 'INT_32':
      return 'INTEGER';
    case 'INT_64':
      return 'BIGINT';
    case 'UINT_8':
      return 'UTINYINT';
    case 'UINT_16':
      return 'USMALLINT';
    case 'UINT_32':
      return 'UINTEGER';
    case 'UINT_64':
      return 'UBIGINT';
    case 'DATE':
      return 'DATE';
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS':
      return 'TIMESTAMP';
    case 'TIME_MILLIS':
    case 'TIME_MICROS':
      return 'TIME';
    case 'DECIMAL':
      return decimalType(e.precision, e.scale, note);
    case 'UTF8':
    case 'ENUM':
      return 'VARCHAR';
    case 'JSON':
      note('JSON text: read as VARCHAR (DuckDB-WASM has no JSON type offline)');
      return 'VARCHAR';
    case 'BSON':
      note('BSON: read as BLOB');
      return 'BLOB';
    case 'INTERVAL':
      return 'INTERVAL';
    default:
      break;
  }
  switch (e.type) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'INT32':
      return 'INTEGER';
    case 'INT64':
      return 'BIGINT';
    case 'INT96':
      note('legacy INT96 timestamps (Impala, Spark): read as TIMESTAMP');
      return 'TIMESTAMP';
    case 'FLOAT':
      return 'FLOAT';
    case 'DOUBLE':
      return 'DOUBLE';
    default:
      return 'BLOB';
  }
}

function integerType(bits: number, signed: boolean): string {
  const name = bits <= 8 ? 'TINYINT' : bits <= 16 ? 'SMALLINT' : bits <= 32 ? 'INTEGER' : 'BIGINT';
  return signed ? name : `U${name}`;
}

function decimalType(
  precision: number | undefined,
  scale: number | undefined,
  note: (why: string) => void,
): string {
  if (precision === undefined || precision <= 0)
    throw new Error('parquet: a DECIMAL column has no precision (the file is malformed)');
  if (precision > 38) {
    note(`DECIMAL(${precision},${scale ?? 0}) is wider than DuckDB's 38 digits: read as DOUBLE`);
    return 'DOUBLE';
  }
  return `DECIMAL(${precision},${scale ?? 0})`;
}

/** DuckDB's renaming of names equal but for ASCII case: `a`, `A` → `a`, `A_1`. */
export function renameCaseDuplicates<T extends { name: string }>(fields: T[]): T[] {
  const count = new Map<string, number>();
  return fields.map((f) => {
    let name = f.name;
    for (let n = count.get(asciiLower(name)); n !== undefined; n = count.get(asciiLower(name))) {
      count.set(asciiLower(name), n + 1);
      name = `${name}_${n + 1}`;
    }
    count.set(asciiLower(name), 0);
    return name === f.name ? f : { ...f, name };
  });
}
