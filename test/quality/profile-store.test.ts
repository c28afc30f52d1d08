import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openCatalogDb } from '../../src/storage';
import {
  parseDqdl,
  ProfileStore,
  PROFILES_KEPT,
  recommendRuleset,
  type TableProfile,
} from '../../src/quality';

function profile(stamp: string, computedAt: number, table = 'orders'): TableProfile {
  return {
    database: 'shop',
    table,
    stamp,
    tableVersion: 1,
    computedAt,
    sample: { kind: 'first', rows: 4 },
    rowCount: 4,
    tableRows: 10,
    columns: [
      {
        column: 'status',
        type: 'VARCHAR',
        kind: 'text',
        nulls: 1,
        distinct: 2,
        maxLength: 4,
        topValues: [
          { value: 'paid', count: 2 },
          { value: 'new', count: 1 },
        ],
      },
      { column: 'id', type: 'BIGINT', kind: 'number', nulls: 0, distinct: 4, min: '1', max: '4' },
    ],
    correlations: { columns: ['id'], values: [[1]] },
    passes: 3,
  };
}

describe('ProfileStore', () => {
  it('keeps profiles per table and stamp, shows the newest, keeps PROFILES_KEPT', async () => {
    const store = new ProfileStore(await openCatalogDb('decant-profile-test', new IDBFactory()));
    expect(await store.latest('shop', 'orders')).toBeUndefined();
    await store.save(profile('a', 1));
    await store.save(profile('x', 50, 'other'));
    await store.save(profile('b', 2));
    expect((await store.latest('shop', 'orders'))!.stamp).toBe('b');
    // The same stamp again replaces the profile, it does not add one.
    await store.save(profile('a', 3));
    expect((await store.latest('shop', 'orders'))!.stamp).toBe('a');
    expect(await store.db.count('tableProfiles')).toBe(3);
    for (let i = 0; i < PROFILES_KEPT + 2; i++) await store.save(profile(`s${i}`, 10 + i));
    const kept = await store.db.getAllFromIndex('tableProfiles', 'by-table', ['shop', 'orders']);
    expect(kept).toHaveLength(PROFILES_KEPT);
    expect(Math.min(...kept.map((p) => p.computedAt))).toBe(10 + 2);
    expect((await store.latest('shop', 'other'))!.stamp).toBe('x');
    await store.removeAll('shop', 'orders');
    expect(await store.latest('shop', 'orders')).toBeUndefined();
    expect(await store.latest('shop', 'other')).toBeDefined();
  });
});

describe('recommendRuleset from a profile', () => {
  it('uses the whole row count and the profile’s few values, NULL included', () => {
    const p = profile('a', 1);
    const text = recommendRuleset(
      { rowCount: p.rowCount, tableRows: p.tableRows, columns: p.columns },
      'the profile',
    );
    expect(text).toMatch(/^# Recommended from the profile of 4 rows/);
    expect(text).toContain('RowCount between 5 and 15');
    expect(text).toContain('ColumnValues "status" in ["paid", "new", NULL]');
    expect(text).toContain('Completeness "status" >= 0.75');
    expect(() => parseDqdl(text)).not.toThrow();
  });
});
