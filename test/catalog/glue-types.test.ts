import { describe, expect, it } from 'vitest';
import { duckDbTypeToGlue, glueTypeToDuckDb } from '../../src/catalog/glue-types';

const ROUND_TRIPS: [duckdb: string, glue: string][] = [
  ['BOOLEAN', 'boolean'],
  ['TINYINT', 'tinyint'],
  ['SMALLINT', 'smallint'],
  ['INTEGER', 'int'],
  ['BIGINT', 'bigint'],
  ['FLOAT', 'float'],
  ['DOUBLE', 'double'],
  ['DECIMAL(10,2)', 'decimal(10,2)'],
  ['VARCHAR', 'string'],
  ['BLOB', 'binary'],
  ['DATE', 'date'],
  ['TIMESTAMP', 'timestamp'],
  ['BIGINT[]', 'array<bigint>'],
  ['VARCHAR[][]', 'array<array<string>>'],
  ['MAP(VARCHAR, DOUBLE)', 'map<string,double>'],
  ['STRUCT(id BIGINT, email VARCHAR)', 'struct<id:bigint,email:string>'],
  ['STRUCT(sku VARCHAR, qty BIGINT)[]', 'array<struct<sku:string,qty:bigint>>'],
  [
    'STRUCT(customer STRUCT(id BIGINT, tags VARCHAR[]), "line items" MAP(VARCHAR, DECIMAL(10,2)))',
    'struct<customer:struct<id:bigint,tags:array<string>>,`line items`:map<string,decimal(10,2)>>',
  ],
];

describe('DuckDB ↔ Glue types', () => {
  it.each(ROUND_TRIPS)('%s ↔ %s', (duckdb, glue) => {
    expect(duckDbTypeToGlue(duckdb)).toBe(glue);
    expect(glueTypeToDuckDb(glue)).toBe(duckdb);
  });

  it('reads aliases, case and spacing as DuckDB does', () => {
    expect(duckDbTypeToGlue('int')).toBe('int');
    expect(duckDbTypeToGlue('struct( a int8 ,b text )[ ]')).toBe(
      'array<struct<a:bigint,b:string>>',
    );
    expect(duckDbTypeToGlue('LIST(REAL)')).toBe('array<float>');
    expect(duckDbTypeToGlue('INTEGER[3]')).toBe('array<int>');
    expect(duckDbTypeToGlue('DECIMAL')).toBe('decimal(18,3)');
    expect(duckDbTypeToGlue('TIMESTAMP WITH TIME ZONE')).toBe('timestamp');
  });

  it('widens what Glue lacks and falls back to string', () => {
    expect(duckDbTypeToGlue('UBIGINT')).toBe('decimal(20,0)');
    expect(duckDbTypeToGlue('HUGEINT')).toBe('decimal(38,0)');
    expect(duckDbTypeToGlue('UINTEGER')).toBe('bigint');
    for (const t of [
      'TIME',
      'INTERVAL',
      'UUID',
      'JSON',
      "ENUM('a', 'b,c')",
      'UNION(a INTEGER, b VARCHAR)',
    ])
      expect(duckDbTypeToGlue(t)).toBe('string');
    expect(duckDbTypeToGlue('STRUCT(')).toBe('string');
  });

  it('reads Glue’s own spellings', () => {
    expect(glueTypeToDuckDb('varchar(20)')).toBe('VARCHAR');
    expect(glueTypeToDuckDb('char(2)')).toBe('VARCHAR');
    expect(glueTypeToDuckDb('integer')).toBe('INTEGER');
    expect(glueTypeToDuckDb('decimal')).toBe('DECIMAL(10,0)');
    expect(glueTypeToDuckDb('DECIMAL(5)')).toBe('DECIMAL(5,0)');
    expect(glueTypeToDuckDb('struct<my-field:int,`a``b`:string>')).toBe(
      'STRUCT("my-field" INTEGER, "a`b" VARCHAR)',
    );
  });

  it('refuses Glue types DuckDB cannot hold, and malformed text, saying where', () => {
    expect(() => glueTypeToDuckDb('uniontype<int,string>')).toThrow(
      'catalog: Glue type "uniontype<int,string>": DuckDB has no type for "uniontype"',
    );
    expect(() => glueTypeToDuckDb('array<int')).toThrow(
      'catalog: type "array<int": expected ">" at character 10',
    );
  });
});
