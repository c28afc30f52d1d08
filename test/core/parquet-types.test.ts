import { parquetSchema, type SchemaElement } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import {
  duckdbColumnsFromParquet,
  renameCaseDuplicates,
} from '../../src/core/parquet/parquet-types';

/** Columns for `top` top-level fields given depth-first, as a footer lists them after its root. */
function columnsOf(top: number, ...elements: SchemaElement[]) {
  const root: SchemaElement = { name: 'schema', num_children: top };
  return duckdbColumnsFromParquet(parquetSchema({ schema: [root, ...elements] }));
}

const leaf = (name: string, type: SchemaElement['type'], more: Partial<SchemaElement> = {}) =>
  ({ name, type, repetition_type: 'OPTIONAL', ...more }) as SchemaElement;
const group = (name: string, n: number, more: Partial<SchemaElement> = {}) =>
  ({ name, num_children: n, repetition_type: 'OPTIONAL', ...more }) as SchemaElement;

describe('duckdbColumnsFromParquet: leaves', () => {
  it.each<[string, SchemaElement, string]>([
    ['INT96', leaf('x', 'INT96'), 'TIMESTAMP'],
    ['BYTE_ARRAY alone', leaf('x', 'BYTE_ARRAY'), 'BLOB'],
    ['FLBA alone', leaf('x', 'FIXED_LEN_BYTE_ARRAY', { type_length: 3 }), 'BLOB'],
    [
      'UUID',
      leaf('x', 'FIXED_LEN_BYTE_ARRAY', { type_length: 16, logical_type: { type: 'UUID' } }),
      'UUID',
    ],
    [
      'FLOAT16',
      leaf('x', 'FIXED_LEN_BYTE_ARRAY', { type_length: 2, logical_type: { type: 'FLOAT16' } }),
      'FLOAT',
    ],
    [
      'INTEGER(16, unsigned)',
      leaf('x', 'INT32', { logical_type: { type: 'INTEGER', bitWidth: 16, isSigned: false } }),
      'USMALLINT',
    ],
    [
      'INTEGER(64, signed)',
      leaf('x', 'INT64', { logical_type: { type: 'INTEGER', bitWidth: 64, isSigned: true } }),
      'BIGINT',
    ],
    [
      'DECIMAL on BYTE_ARRAY',
      leaf('x', 'BYTE_ARRAY', { converted_type: 'DECIMAL', precision: 20, scale: 4 }),
      'DECIMAL(20,4)',
    ],
    [
      'DECIMAL(40,2)',
      leaf('x', 'FIXED_LEN_BYTE_ARRAY', {
        type_length: 17,
        converted_type: 'DECIMAL',
        precision: 40,
        scale: 2,
      }),
      'DOUBLE',
    ],
    ['TIME_MILLIS', leaf('x', 'INT32', { converted_type: 'TIME_MILLIS' }), 'TIME'],
    [
      'TIMESTAMP_MILLIS (legacy)',
      leaf('x', 'INT64', { converted_type: 'TIMESTAMP_MILLIS' }),
      'TIMESTAMP',
    ],
    [
      'TIMESTAMP(MILLIS, UTC)',
      leaf('x', 'INT64', {
        logical_type: { type: 'TIMESTAMP', unit: 'MILLIS', isAdjustedToUTC: true },
      }),
      'TIMESTAMP WITH TIME ZONE',
    ],
    [
      'TIMESTAMP(NANOS, UTC)',
      leaf('x', 'INT64', {
        logical_type: { type: 'TIMESTAMP', unit: 'NANOS', isAdjustedToUTC: true },
      }),
      'TIMESTAMP WITH TIME ZONE',
    ],
    [
      'TIME(MICROS, UTC)',
      leaf('x', 'INT64', { logical_type: { type: 'TIME', unit: 'MICROS', isAdjustedToUTC: true } }),
      'TIME WITH TIME ZONE',
    ],
    [
      'INTERVAL',
      leaf('x', 'FIXED_LEN_BYTE_ARRAY', { type_length: 12, converted_type: 'INTERVAL' }),
      'INTERVAL',
    ],
    ['BSON', leaf('x', 'BYTE_ARRAY', { converted_type: 'BSON' }), 'BLOB'],
    ['GEOMETRY', leaf('x', 'BYTE_ARRAY', { logical_type: { type: 'GEOMETRY' } }), 'BLOB'],
    ['ENUM', leaf('x', 'BYTE_ARRAY', { converted_type: 'ENUM' }), 'VARCHAR'],
    [
      'repeated INT32 (a bare list)',
      leaf('x', 'INT32', { repetition_type: 'REPEATED' }),
      'INTEGER[]',
    ],
  ])('%s', (_, element, type) => {
    expect(columnsOf(1, element).columns).toEqual([{ name: 'x', type }]);
  });

  it('notes each fallback with the column path', () => {
    const { notes } = columnsOf(
      2,
      leaf('ts', 'INT96'),
      group('s', 1),
      leaf('j', 'BYTE_ARRAY', { converted_type: 'JSON' }),
    );
    expect(notes).toEqual([
      '"ts": legacy INT96 timestamps (Impala, Spark): read as TIMESTAMP',
      '"s.j": JSON text: read as VARCHAR (DuckDB-WASM has no JSON type offline)',
    ]);
  });
});

describe('duckdbColumnsFromParquet: groups', () => {
  it('3-level LIST, legacy 2-level lists and repeated groups', () => {
    const { columns } = columnsOf(
      5,
      group('modern', 1, { converted_type: 'LIST' }),
      group('list', 1, { repetition_type: 'REPEATED' }),
      leaf('element', 'INT64'),
      group('legacy', 1, { converted_type: 'LIST' }),
      leaf('array', 'BYTE_ARRAY', { repetition_type: 'REPEATED', converted_type: 'UTF8' }),
      group('pairs', 2, { converted_type: 'LIST' }),
      leaf('a', 'INT32'),
      leaf('b', 'INT32'),
      group('points', 2, { repetition_type: 'REPEATED' }),
      leaf('x', 'DOUBLE'),
      leaf('y', 'DOUBLE'),
      group('one', 1),
      leaf('only', 'BOOLEAN'),
    );
    expect(columns).toEqual([
      { name: 'modern', type: 'BIGINT[]' },
      { name: 'legacy', type: 'VARCHAR[]' },
      { name: 'pairs', type: 'STRUCT("a" INTEGER, "b" INTEGER)' },
      { name: 'points', type: 'STRUCT("x" DOUBLE, "y" DOUBLE)[]' },
      { name: 'one', type: 'STRUCT("only" BOOLEAN)' },
    ]);
  });

  it('MAP and the legacy MAP_KEY_VALUE', () => {
    const { columns } = columnsOf(
      2,
      group('m', 1, { converted_type: 'MAP' }),
      group('key_value', 2, { repetition_type: 'REPEATED' }),
      leaf('key', 'BYTE_ARRAY', { repetition_type: 'REQUIRED', converted_type: 'UTF8' }),
      leaf('value', 'INT32'),
      group('old', 1, { converted_type: 'MAP' }),
      group('map', 2, { repetition_type: 'REPEATED', converted_type: 'MAP_KEY_VALUE' }),
      leaf('key', 'INT32', { repetition_type: 'REQUIRED' }),
      leaf('value', 'BYTE_ARRAY'),
    );
    expect(columns).toEqual([
      { name: 'm', type: 'MAP(VARCHAR, INTEGER)' },
      { name: 'old', type: 'MAP(INTEGER, BLOB)' },
    ]);
  });

  it('renames nested and top-level names equal but for ASCII case', () => {
    const { columns } = columnsOf(
      2,
      group('s', 2),
      leaf('k', 'INT32'),
      leaf('K', 'INT32'),
      leaf('S', 'INT32'),
    );
    expect(columns).toEqual([
      { name: 's', type: 'STRUCT("k" INTEGER, "K_1" INTEGER)' },
      { name: 'S_1', type: 'INTEGER' },
    ]);
  });
});

describe('renameCaseDuplicates', () => {
  it('follows DuckDB: a, A, a_1, Ä → a, A_1, a_1_1, Ä', () => {
    const names = ['a', 'A', 'a_1', 'Ä', 'ä'].map((name) => ({ name }));
    expect(renameCaseDuplicates(names).map((f) => f.name)).toEqual(['a', 'A_1', 'a_1_1', 'Ä', 'ä']);
  });
});
