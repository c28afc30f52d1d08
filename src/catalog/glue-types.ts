/**
 * DuckDB type names ↔ Glue (Hive) type strings, including nested ones:
 * `STRUCT(sku VARCHAR, qty BIGINT)[]` ↔ `array<struct<sku:string,qty:bigint>>`.
 * Both directions parse to one small tree and print it, so nesting is handled once.
 */
import { DecantError } from '../core/errors';
import { TypeReader, type TypeNode } from './type-reader';

/** Canonical DuckDB names → Glue; any DuckDB type not listed becomes `string`. */
const GLUE_FROM_DUCKDB: Record<string, string> = {
  BOOLEAN: 'boolean',
  TINYINT: 'tinyint',
  SMALLINT: 'smallint',
  INTEGER: 'int',
  BIGINT: 'bigint',
  // Unsigned and 128-bit integers widen to the next type that holds every value.
  UTINYINT: 'smallint',
  USMALLINT: 'int',
  UINTEGER: 'bigint',
  UBIGINT: 'decimal(20,0)',
  HUGEINT: 'decimal(38,0)',
  UHUGEINT: 'decimal(38,0)',
  FLOAT: 'float',
  DOUBLE: 'double',
  VARCHAR: 'string',
  BLOB: 'binary',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  TIMESTAMP_S: 'timestamp',
  TIMESTAMP_MS: 'timestamp',
  TIMESTAMP_NS: 'timestamp',
  TIMESTAMPTZ: 'timestamp',
};

/** Glue scalar names → DuckDB. */
const DUCKDB_FROM_GLUE: Record<string, string> = {
  boolean: 'BOOLEAN',
  tinyint: 'TINYINT',
  smallint: 'SMALLINT',
  int: 'INTEGER',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  string: 'VARCHAR',
  varchar: 'VARCHAR',
  char: 'VARCHAR',
  binary: 'BLOB',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/**
 * The Glue type for a DuckDB type. Never throws: types Glue has no name for (TIME, INTERVAL,
 * UUID, JSON, ENUM, UNION…) and unparseable text become `string`.
 */
export function duckDbTypeToGlue(type: string): string {
  let node: TypeNode;
  try {
    node = new TypeReader(type, 'duckdb').read();
  } catch {
    return 'string';
  }
  return glueText(node);
}

/**
 * The DuckDB type for a Glue type string (`bigint`, `decimal(10,2)`, `array<struct<a:int>>`…).
 * Throws a DecantError naming the type when Glue's text is malformed or has no DuckDB match.
 */
export function glueTypeToDuckDb(type: string): string {
  const node = new TypeReader(type, 'glue').read();
  return duckDbText(toDuckDbNode(node, type));
}

/** DuckDB's canonical spelling of a type (aliases resolved: `INT` → `INTEGER`), or the input. */
export function canonicalDuckDbType(type: string): string {
  try {
    return duckDbText(new TypeReader(type, 'duckdb').read());
  } catch {
    return type;
  }
}

function glueText(node: TypeNode): string {
  switch (node.kind) {
    case 'list':
      return `array<${glueText(node.element)}>`;
    case 'map':
      return `map<${glueText(node.key)},${glueText(node.value)}>`;
    case 'struct':
      return `struct<${node.fields.map((f) => `${glueFieldName(f.name)}:${glueText(f.type)}`).join(',')}>`;
    case 'named': {
      const name = DUCKDB_CANONICAL[node.name] ?? node.name;
      if (name === 'DECIMAL') {
        // DuckDB's bare DECIMAL is DECIMAL(18,3).
        const [p = '18', s = '3'] = node.args;
        return `decimal(${p},${s})`;
      }
      return GLUE_FROM_DUCKDB[name] ?? 'string';
    }
  }
}

function toDuckDbNode(node: TypeNode, whole: string): TypeNode {
  switch (node.kind) {
    case 'list':
      return { kind: 'list', element: toDuckDbNode(node.element, whole) };
    case 'map':
      return {
        kind: 'map',
        key: toDuckDbNode(node.key, whole),
        value: toDuckDbNode(node.value, whole),
      };
    case 'struct':
      return {
        kind: 'struct',
        fields: node.fields.map((f) => ({ name: f.name, type: toDuckDbNode(f.type, whole) })),
      };
    case 'named': {
      const name = node.name.toLowerCase();
      // Hive's bare `decimal` is decimal(10,0).
      if (name === 'decimal')
        return {
          kind: 'named',
          name: 'DECIMAL',
          args: [node.args[0] ?? '10', node.args[1] ?? '0'],
        };
      const duck = DUCKDB_FROM_GLUE[name];
      if (!duck)
        throw new DecantError(
          `catalog: Glue type ${JSON.stringify(whole)}: DuckDB has no type for "${node.name}"`,
        );
      return { kind: 'named', name: duck, args: [] };
    }
  }
}

const DUCKDB_CANONICAL: Record<string, string> = {
  BOOL: 'BOOLEAN',
  INT1: 'TINYINT',
  INT2: 'SMALLINT',
  INT: 'INTEGER',
  INT4: 'INTEGER',
  INT8: 'BIGINT',
  REAL: 'FLOAT',
  FLOAT4: 'FLOAT',
  FLOAT8: 'DOUBLE',
  'DOUBLE PRECISION': 'DOUBLE',
  TEXT: 'VARCHAR',
  STRING: 'VARCHAR',
  BYTEA: 'BLOB',
  DATETIME: 'TIMESTAMP',
  NUMERIC: 'DECIMAL',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMPTZ',
};

function duckDbText(node: TypeNode): string {
  switch (node.kind) {
    case 'list':
      return `${duckDbText(node.element)}[]`;
    case 'map':
      return `MAP(${duckDbText(node.key)}, ${duckDbText(node.value)})`;
    case 'struct':
      return `STRUCT(${node.fields.map((f) => `${duckDbFieldName(f.name)} ${duckDbText(f.type)}`).join(', ')})`;
    case 'named': {
      const name = DUCKDB_CANONICAL[node.name] ?? node.name;
      return node.args.length ? `${name}(${node.args.join(',')})` : name;
    }
  }
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const duckDbFieldName = (n: string) => (PLAIN_NAME.test(n) ? n : `"${n.replaceAll('"', '""')}"`);
const glueFieldName = (n: string) => (PLAIN_NAME.test(n) ? n : `\`${n.replaceAll('`', '``')}\``);
