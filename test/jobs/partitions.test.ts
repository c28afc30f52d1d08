import { describe, expect, it } from 'vitest';
import type { CatalogPartition } from '../../src/catalog/model';
import type { FilterClause, FilterGroup } from '../../src/jobs/model';
import { selectPartitions } from '../../src/jobs/partitions';

const part = (values: string[]): CatalogPartition => ({
  database: 'd',
  table: 't',
  values,
  location: values.join('/'),
  files: [`${values.join('/')}/f.csv`],
  sizeBytes: 1,
});

const KEYS = [
  { name: 'year', type: 'BIGINT' },
  { name: 'region', type: 'VARCHAR' },
  { name: 'day', type: 'DATE' },
  { name: 'rate', type: 'DOUBLE' },
];
const PARTS = [
  part(['2023', 'eu', '2023-01-01', '0.5']),
  part(['2024', 'eu', '2024-01-01', '1.5']),
  part(['2024', 'us', '2024-02-01', '2']),
  part(['2025', '__HIVE_DEFAULT_PARTITION__', '2025-01-01', '1e1']),
];

const all = (...clauses: FilterClause[]): FilterGroup => ({ combine: 'AND', clauses });
const any = (...clauses: FilterClause[]): FilterGroup => ({ combine: 'OR', clauses });
const c = (
  column: string,
  op: 'EQ' | 'LT' | 'GT' | 'LTE' | 'GTE' | 'REGEX',
  value: string,
): FilterClause => ({
  column,
  op,
  value: { kind: 'constant', value },
});
const kept = (g: FilterGroup | undefined, params = new Map<string, string>()) =>
  selectPartitions(PARTS, KEYS, g, params).map((p) => p.location);

describe('selectPartitions', () => {
  it('no predicate: every partition', () => {
    expect(kept(undefined)).toHaveLength(4);
  });

  it('compares integers as integers (01 is 1), text by code points', () => {
    expect(kept(all(c('year', 'EQ', '2024')))).toEqual([PARTS[1]!.location, PARTS[2]!.location]);
    expect(kept(all(c('year', 'GTE', '02024')))).toHaveLength(3);
    expect(kept(all(c('year', 'LT', '2024')))).toEqual([PARTS[0]!.location]);
    expect(kept(all(c('region', 'GT', 'eu')))).toEqual([PARTS[2]!.location]);
    expect(kept(all(c('rate', 'GT', '1.5')))).toEqual([PARTS[2]!.location, PARTS[3]!.location]);
  });

  it('AND, OR, negation; a NULL partition value never passes a comparison, even negated', () => {
    expect(kept(any(c('year', 'EQ', '2023'), c('region', 'EQ', 'us')))).toEqual([
      PARTS[0]!.location,
      PARTS[2]!.location,
    ]);
    expect(
      kept(
        all({
          column: 'region',
          op: 'EQ',
          value: { kind: 'constant', value: 'eu' },
          negated: true,
        }),
      ),
    ).toEqual([PARTS[2]!.location]);
    expect(kept(all({ column: 'region', op: 'ISNULL' }))).toEqual([PARTS[3]!.location]);
    expect(kept({ ...all(c('year', 'EQ', '2024')), negated: true })).toEqual([
      PARTS[0]!.location,
      PARTS[3]!.location,
    ]);
  });

  it('REGEX matches anywhere', () => {
    expect(kept(all(c('region', 'REGEX', '^u')))).toEqual([PARTS[2]!.location]);
  });

  it('parameters are substituted', () => {
    expect(kept(all(c('year', 'EQ', '${y}')), new Map([['y', '2025']]))).toEqual([
      PARTS[3]!.location,
    ]);
  });

  it('keeps partitions it cannot decide, so the rows are filtered by DuckDB instead', () => {
    // DATE: many spellings of one day; a non-integer constant that DuckDB would round; unknown
    // parameter; a pattern JavaScript cannot compile; a column that is not a key.
    expect(kept(all(c('day', 'EQ', '2024-1-1')))).toHaveLength(4);
    expect(kept(all(c('year', 'EQ', '2024.4')))).toHaveLength(4);
    expect(kept(all(c('year', 'EQ', '${nope}')))).toHaveLength(4);
    // (The NULL region is still out: NULL matches no pattern.)
    expect(kept(all(c('region', 'REGEX', '(?<=x')))).toHaveLength(3);
    expect(kept(all(c('price', 'EQ', '1')))).toHaveLength(4);
    // …but a decidable clause still prunes next to an undecidable one.
    expect(kept(all(c('day', 'EQ', '2024-1-1'), c('year', 'EQ', '2023')))).toEqual([
      PARTS[0]!.location,
    ]);
  });
});
