import { describe, expect, it } from 'vitest';
import { describeChanges, diffSchemas, sameColumnOrder } from '../../src/catalog/schema-diff';
import type { CatalogColumn } from '../../src/catalog/model';

const col = (name: string, type: string, comment = ''): CatalogColumn => ({ name, type, comment });

describe('diffSchemas', () => {
  it('finds added, removed, type- and comment-changed columns by name', () => {
    const before = [col('id', 'BIGINT'), col('price', 'DOUBLE', 'gross'), col('old', 'VARCHAR')];
    const after = [
      col('id', 'BIGINT'),
      col('note', 'VARCHAR'),
      col('price', 'DECIMAL(10,2)', 'net'),
      col('zip', 'VARCHAR'),
    ];
    expect(diffSchemas(before, after)).toEqual([
      { kind: 'type-changed', name: 'price', from: 'DOUBLE', to: 'DECIMAL(10,2)' },
      { kind: 'comment-changed', name: 'price', from: 'gross', to: 'net' },
      { kind: 'removed', column: col('old', 'VARCHAR') },
      { kind: 'added', column: col('note', 'VARCHAR') },
      { kind: 'added', column: col('zip', 'VARCHAR') },
    ]);
  });
  it('is empty for equal schemas, and ignores order, type case and spacing', () => {
    const a = [col('a', 'STRUCT(x INTEGER, y VARCHAR)'), col('b', 'DOUBLE')];
    const b = [col('b', 'double'), col('a', 'struct(x integer,y  varchar)')];
    expect(diffSchemas(a, b)).toEqual([]);
    expect(sameColumnOrder(a, b)).toBe(false);
    expect(sameColumnOrder(a, [...a])).toBe(true);
  });
  it('tells names apart exactly (case, spaces, unicode)', () => {
    expect(diffSchemas([col('Name', 'VARCHAR')], [col('name', 'VARCHAR')])).toEqual([
      { kind: 'removed', column: col('Name', 'VARCHAR') },
      { kind: 'added', column: col('name', 'VARCHAR') },
    ]);
  });
});

describe('describeChanges', () => {
  it('says what changed in a short line', () => {
    const changes = diffSchemas(
      [col('price', 'DOUBLE')],
      [col('price', 'DECIMAL(10,2)'), col('note', 'VARCHAR')],
    );
    expect(describeChanges(changes)).toBe('column "price": DOUBLE → DECIMAL(10,2); added "note"');
  });
  it('quotes awkward names unambiguously and sums up long lists', () => {
    const many = Array.from({ length: 8 }, (_, i) => col(`c${i}`, 'VARCHAR'));
    expect(describeChanges(diffSchemas([], many))).toBe(
      'added "c0"; added "c1"; added "c2"; added "c3"; added "c4"; … and 3 more',
    );
    expect(
      describeChanges(
        diffSchemas([col('say "hi"', 'VARCHAR', 'a')], [col('say "hi"', 'VARCHAR', 'b')]),
      ),
    ).toBe('comment on "say \\"hi\\"" changed');
    expect(describeChanges(diffSchemas([col('x', 'VARCHAR')], []))).toBe('removed "x"');
    expect(describeChanges([])).toBe('no column changes');
  });
});
