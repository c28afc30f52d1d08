import { describe, expect, it } from 'vitest';
import { comparePaths } from '../../src/core/paths/path-order';
import {
  commonWords,
  fileStem,
  MAX_TABLE_NAME_LENGTH,
  stemWords,
  tableNameFrom,
  uniqueNames,
} from '../../src/crawler/table-names';

describe('tableNameFrom', () => {
  it('makes lower-case [a-z0-9_] names that say where the data came from', () => {
    expect(tableNameFrom(['sales'])).toBe('sales');
    expect(tableNameFrom(['sales', 'year=2024'])).toBe('sales_year_2024');
    expect(tableNameFrom(['My Sales (EU)', '2024-01'])).toBe('my_sales_eu_2024_01');
    expect(tableNameFrom(['ventes_été'])).toBe('ventes_ete');
    expect(tableNameFrom(['__x__'])).toBe('x');
    expect(tableNameFrom(['продажи'])).toBe('table');
  });

  it('prepends the prefix as given, like Glue, with only its characters made valid', () => {
    expect(tableNameFrom(['sales'], 'raw_')).toBe('raw_sales');
    expect(tableNameFrom(['sales'], 'Raw-')).toBe('raw_sales');
    expect(tableNameFrom(['sales'], 'raw')).toBe('rawsales');
  });

  it(`stays within Glue's ${MAX_TABLE_NAME_LENGTH} characters`, () => {
    expect(tableNameFrom(['a'.repeat(300)])).toHaveLength(MAX_TABLE_NAME_LENGTH);
  });
});

describe('uniqueNames', () => {
  it('suffixes repeats with _2, _3… in order, never reusing a taken name', () => {
    expect(uniqueNames(['a', 'b', 'a', 'a_2', 'a'])).toEqual(['a', 'b', 'a_2', 'a_2_2', 'a_3']);
    const long = 'x'.repeat(MAX_TABLE_NAME_LENGTH);
    expect(uniqueNames([long, long])[1]).toBe(`${'x'.repeat(MAX_TABLE_NAME_LENGTH - 2)}_2`);
  });
});

describe('file stems and words', () => {
  it('drops data and compression extensions', () => {
    expect(fileStem('events.tsv')).toBe('events');
    expect(fileStem('events.csv.gz')).toBe('events');
    expect(fileStem('part-0.snappy.parquet')).toBe('part-0');
    expect(fileStem('notes.md')).toBe('notes');
    expect(fileStem('data.2024.csv')).toBe('data.2024');
    expect(fileStem('README')).toBe('README');
  });

  it('splits at separators and between letters and digits', () => {
    expect(stemWords('Sales-2024-01.csv.gz')).toEqual(['sales', '2024', '01']);
    expect(stemWords('sales2024.csv')).toEqual(['sales', '2024']);
    expect(commonWords(['sales', '2024', '01'], ['sales', '2024', '02'])).toEqual([
      'sales',
      '2024',
    ]);
    expect(commonWords(['customers'], ['suppliers'])).toEqual([]);
  });
});

describe('comparePaths', () => {
  it('keeps folders together and compares numbers as numbers', () => {
    const paths = ['a-b/x', 'a/z', 'day=10/a', 'day=2/a', 'a/y/z', 'day=02/a', 'B', 'a'];
    expect([...paths].sort(comparePaths)).toEqual([
      'B',
      'a',
      'a/y/z',
      'a/z',
      'a-b/x',
      'day=2/a',
      'day=02/a',
      'day=10/a',
    ]);
  });

  it('is 0 only for equal strings, and compares numbers longer than a double exactly', () => {
    expect(comparePaths('x/1', 'x/01')).toBeLessThan(0);
    expect(comparePaths('x/01', 'x/1')).toBeGreaterThan(0);
    expect(comparePaths('a/b', 'a/b')).toBe(0);
    expect(comparePaths('n=123456789012345678901', 'n=123456789012345678902')).toBeLessThan(0);
  });
});
