import { describe, expect, it } from 'vitest';
import { canonicalType, columnFit, fitText, typeFit } from '../../../src/jobs';

describe('column compatibility', () => {
  it('reads DuckDB spellings of one type as that type', () => {
    expect(canonicalType('int')).toBe('INTEGER');
    expect(canonicalType(' int8 ')).toBe('BIGINT');
    expect(canonicalType('varchar(20)')).toBe('VARCHAR');
    expect(canonicalType('string')).toBe('VARCHAR');
    expect(canonicalType('numeric(10, 2)')).toBe('DECIMAL(10,2)');
    expect(canonicalType('timestamptz')).toBe('TIMESTAMP WITH TIME ZONE');
    // The crawler's spellings too: a table it typed INT128 or TIMESTAMP_US fits a recipe's type.
    expect(canonicalType('int128')).toBe('HUGEINT');
    expect(typeFit('TIMESTAMP', 'timestamp_us')).toBe('same');
    expect(typeFit('BIGINT', 'int8')).toBe('same');
  });

  it('takes a narrower type that converts without loss, and nothing else', () => {
    expect(typeFit('BIGINT', 'INTEGER')).toBe('widens');
    expect(typeFit('HUGEINT', 'TINYINT')).toBe('widens');
    expect(typeFit('BIGINT', 'UINTEGER')).toBe('widens');
    expect(typeFit('DOUBLE', 'INTEGER')).toBe('widens');
    expect(typeFit('DOUBLE', 'FLOAT')).toBe('widens');
    expect(typeFit('DECIMAL(12,2)', 'DECIMAL(10,2)')).toBe('widens');
    expect(typeFit('DECIMAL(12,2)', 'INTEGER')).toBe('widens');
    expect(typeFit('TIMESTAMP', 'DATE')).toBe('widens');
    // Narrowing, or a different kind of value, is not fine.
    expect(typeFit('INTEGER', 'BIGINT')).toBe('differs');
    expect(typeFit('BIGINT', 'UBIGINT')).toBe('differs');
    expect(typeFit('DOUBLE', 'BIGINT')).toBe('differs');
    expect(typeFit('DECIMAL(10,2)', 'DECIMAL(10,3)')).toBe('differs');
    expect(typeFit('BIGINT', 'VARCHAR')).toBe('differs');
    expect(typeFit('VARCHAR', 'BIGINT')).toBe('differs');
    expect(typeFit('DATE', 'TIMESTAMP')).toBe('differs');
  });

  it('says which expected columns are missing, of another type, or compatible', () => {
    const expected = [
      { name: 'id', type: 'BIGINT' },
      { name: 'sku', type: 'VARCHAR' },
      { name: 'price', type: 'DOUBLE' },
      { name: 'year', type: 'BIGINT' },
    ];
    const fit = columnFit(expected, [
      { name: 'ID', type: 'INTEGER' },
      { name: 'sku', type: 'BIGINT' },
      { name: 'year', type: 'BIGINT' },
      { name: 'extra', type: 'VARCHAR' },
    ]);
    expect(fit).toEqual({
      missing: [{ name: 'price', type: 'DOUBLE' }],
      retyped: [{ name: 'sku', expected: 'VARCHAR', actual: 'BIGINT' }],
      widened: [{ name: 'id', expected: 'BIGINT', actual: 'INTEGER' }],
      ok: false,
    });
    expect(fitText(fit, 4)).toBe(
      'missing: price · another type: sku is BIGINT, expected VARCHAR · compatible: id is INTEGER, read as BIGINT',
    );
    const widened = columnFit(expected.slice(0, 1), [{ name: 'id', type: 'INTEGER' }]);
    expect(widened.ok).toBe(true);
    expect(fitText(widened, 1)).toBe(
      'every column fits · compatible: id is INTEGER, read as BIGINT',
    );
    expect(fitText(columnFit(expected, expected), 4)).toBe('all 4 columns match');
  });
});
