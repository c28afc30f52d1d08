import { describe, expect, it } from 'vitest';
import { mergeSchemas, type FileSchema } from '../../src/crawler/merge-schemas';
import { canonicalType, widerType } from '../../src/crawler/widen-type';
import { cols } from './crawl-files';

describe('widerType', () => {
  it.each([
    ['BIGINT', 'BIGINT', 'BIGINT'],
    ['BIGINT', 'DOUBLE', 'DOUBLE'],
    ['INTEGER', 'BIGINT', 'BIGINT'],
    ['TINYINT', 'SMALLINT', 'SMALLINT'],
    ['UINTEGER', 'INTEGER', 'BIGINT'],
    ['UBIGINT', 'BIGINT', 'HUGEINT'],
    ['UHUGEINT', 'HUGEINT', 'DOUBLE'],
    ['FLOAT', 'BIGINT', 'DOUBLE'],
    ['FLOAT', 'FLOAT', 'FLOAT'],
    ['DECIMAL(10,2)', 'DECIMAL(12,4)', 'DECIMAL(12,4)'],
    ['DECIMAL(10,2)', 'DECIMAL(5,4)', 'DECIMAL(12,4)'],
    ['BIGINT', 'DECIMAL(10,2)', 'DECIMAL(21,2)'],
    ['DECIMAL(38,10)', 'BIGINT', 'DECIMAL(38,10)'],
    ['DECIMAL(38,30)', 'BIGINT', 'DOUBLE'],
    ['DECIMAL(10,2)', 'DOUBLE', 'DOUBLE'],
    ['DATE', 'TIMESTAMP', 'TIMESTAMP'],
    ['TIMESTAMP_MS', 'DATE', 'TIMESTAMP'],
    ['DATE', 'VARCHAR', 'VARCHAR'],
    ['BOOLEAN', 'VARCHAR', 'VARCHAR'],
    ['STRUCT(a BIGINT)', 'VARCHAR', 'VARCHAR'],
    ['NULL', 'DATE', 'DATE'],
    ['BIGINT', 'NULL', 'BIGINT'],
  ])('%s + %s → %s, either way round', (a, b, wider) => {
    expect(widerType(a, b)).toBe(wider);
    expect(widerType(b, a)).toBe(wider);
  });

  it.each([
    ['BOOLEAN', 'BIGINT'],
    ['DATE', 'DOUBLE'],
    ['TIME', 'TIMESTAMP'],
    ['TIMESTAMP WITH TIME ZONE', 'TIMESTAMP'],
    ['STRUCT(a BIGINT)', 'STRUCT(a BIGINT, b VARCHAR)'],
    ['BIGINT[]', 'BIGINT'],
  ])('%s and %s have no common type', (a, b) => {
    expect(widerType(a, b)).toBeUndefined();
  });

  it('reads aliases and spacing as DuckDB does, and keeps nested spellings', () => {
    expect(widerType('int8', 'BIGINT')).toBe('BIGINT');
    expect(widerType('numeric(10, 2)', 'DECIMAL(10,2)')).toBe('DECIMAL(10,2)');
    expect(widerType('text', 'varchar(20)')).toBe('VARCHAR');
    expect(
      widerType('STRUCT(id BIGINT, "e Mail" VARCHAR)', 'struct(id bigint,"e mail" varchar)'),
    ).toBe('STRUCT(id BIGINT, "e Mail" VARCHAR)');
    expect(canonicalType('decimal')).toBe('DECIMAL(18,3)');
    expect(canonicalType(' timestamptz ')).toBe('TIMESTAMP WITH TIME ZONE');
  });
});

describe('mergeSchemas', () => {
  const csv = (columns: FileSchema['columns'], formatKey = 'comma'): FileSchema => ({
    classification: 'csv',
    formatKey,
    columns,
  });

  it('widens shared columns and adds the ones only some files have, in order', () => {
    const a = csv(cols('id BIGINT', 'price BIGINT', 'day DATE'));
    const b = csv(cols('id BIGINT', 'note VARCHAR', 'price DOUBLE', 'day TIMESTAMP'));
    expect(mergeSchemas(a, b, true)).toEqual({
      ok: true,
      columns: cols('id BIGINT', 'price DOUBLE', 'day TIMESTAMP', 'note VARCHAR'),
    });
  });

  it('matches names ignoring case when no exact match, keeping the first spelling', () => {
    const merged = mergeSchemas(csv(cols('ID BIGINT')), csv(cols('id DOUBLE')), true);
    expect(merged).toEqual({ ok: true, columns: cols('ID DOUBLE') });
  });

  it('says why files cannot share a table', () => {
    expect(mergeSchemas(csv(cols('a DATE')), csv(cols('a DOUBLE')), true)).toEqual({
      ok: false,
      reason: 'column "a": DATE and DOUBLE have no common type',
    });
    expect(mergeSchemas(csv(cols('a BIGINT')), csv(cols('a BIGINT'), 'semicolon'), true)).toEqual({
      ok: false,
      reason: 'different CSV dialects: "comma" and "semicolon"',
    });
    const json: FileSchema = { classification: 'json', formatKey: '', columns: cols('a BIGINT') };
    expect(mergeSchemas(csv(cols('a BIGINT')), json, true)).toEqual({
      ok: false,
      reason: 'one is csv, the other json',
    });
    expect(mergeSchemas(csv(cols('id BIGINT')), csv(cols('sku VARCHAR')), true)).toEqual({
      ok: false,
      reason: 'no column name in common',
    });
  });

  it('asks for the very same columns when schemas are not combined', () => {
    const a = csv(cols('id BIGINT', 'price DOUBLE'));
    expect(mergeSchemas(a, csv(cols('id BIGINT', 'price DOUBLE')), false)).toEqual({
      ok: true,
      columns: cols('id BIGINT', 'price DOUBLE'),
    });
    expect(mergeSchemas(a, csv(cols('id BIGINT', 'price BIGINT')), false)).toEqual({
      ok: false,
      reason:
        'column 2 is "price" DOUBLE in one and "price" BIGINT in the other (schemas are not combined)',
    });
    expect(mergeSchemas(a, csv(cols('id BIGINT')), false)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('column 2 is "price" DOUBLE in one and nothing'),
    });
  });
});
