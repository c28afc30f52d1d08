import { describe, expect, it } from 'vitest';
import { col, freshCatalog } from './catalog-fixtures';
import type { TableDraft } from '../../src/catalog/table-writes';
import type { CatalogPartition } from '../../src/catalog/model';

function draft(name: string, columns = [col('id', 'BIGINT'), col('sku')]): TableDraft {
  return {
    database: 'lake',
    name,
    description: '',
    classification: 'csv',
    sources: [],
    columns,
    partitionKeys: [col('year', 'BIGINT')],
    parameters: {},
    updatedBy: { kind: 'crawler', name: 'c1' },
  };
}

const part = (year: string): CatalogPartition => ({
  database: 'lake',
  table: 'sales',
  values: [year],
  location: `year=${year}`,
  files: [`year=${year}/a.csv`],
  sizeBytes: 10,
});

describe('commitTables (a crawler commit)', () => {
  it('with a reason, archives the table though its schema is the same; a stale fromVersion is refused', async () => {
    const { store } = await freshCatalog();
    await store.commitTables('lake', [{ draft: draft('sales'), partitions: [part('2024')] }]);
    const parquet = { ...draft('sales'), classification: 'parquet' as const };
    await store.commitTables('lake', [
      { draft: parquet, partitions: [part('2024')], reason: 'materialized', fromVersion: 1 },
    ]);
    const t = await store.getTable('lake', 'sales');
    expect(t).toMatchObject({ version: 2, classification: 'parquet' });
    const [v] = await store.listVersions('lake', 'sales');
    expect(v).toMatchObject({ version: 1, reason: 'materialized' });
    expect(v!.snapshot.classification).toBe('csv');
    await expect(
      store.commitTables('lake', [
        { draft: draft('sales'), partitions: [], reason: 'again', fromVersion: 1 },
      ]),
    ).rejects.toThrow(/was changed elsewhere \(it is at version 2/);
    expect((await store.getTable('lake', 'sales'))?.classification).toBe('parquet');
  });

  it('creates the database, tables and partitions in one go', async () => {
    const { store } = await freshCatalog();
    await store.commitTables('lake', [
      { draft: draft('sales'), partitions: [part('2024'), part('2025')] },
    ]);
    expect((await store.listDatabases()).map((d) => d.name)).toEqual(['lake']);
    expect((await store.getTable('lake', 'sales'))?.version).toBe(1);
    expect((await store.listPartitions('lake', 'sales')).map((p) => p.values)).toEqual([
      ['2024'],
      ['2025'],
    ]);
  });

  it('updates in place when nothing changed, and archives a version when the schema did', async () => {
    const { store } = await freshCatalog();
    await store.commitTables('lake', [{ draft: draft('sales'), partitions: [part('2024')] }]);
    await store.commitTables('lake', [
      { draft: draft('sales'), partitions: [part('2024'), part('2025')] },
    ]);
    expect((await store.getTable('lake', 'sales'))?.version).toBe(1);
    expect(await store.listPartitions('lake', 'sales')).toHaveLength(2);
    await store.commitTables('lake', [
      {
        draft: draft('sales', [col('id', 'BIGINT'), col('sku'), col('price', 'DOUBLE')]),
        partitions: [],
      },
    ]);
    expect((await store.getTable('lake', 'sales'))?.version).toBe(2);
    const [v1] = await store.listVersions('lake', 'sales');
    expect(v1?.reason).toContain('price');
  });

  it('writes nothing when one table of the commit is invalid', async () => {
    const { store } = await freshCatalog();
    const bad = { ...draft('broken'), columns: [col('a'), col('A')] };
    await expect(
      store.commitTables('lake', [
        { draft: draft('sales'), partitions: [part('2024')] },
        { draft: bad, partitions: [] },
      ]),
    ).rejects.toThrow(/catalog: /);
    expect(await store.listDatabases()).toEqual([]);
    expect(await store.getTable('lake', 'sales')).toBeUndefined();
  });

  it('writes nothing when a partition does not fit its table (failure mid-transaction)', async () => {
    const { store } = await freshCatalog();
    const wrong: CatalogPartition = { ...part('2024'), values: ['2024', 'extra'] };
    await expect(
      store.commitTables('lake', [{ draft: draft('sales'), partitions: [wrong] }]),
    ).rejects.toThrow(/catalog: /);
    expect(await store.listDatabases()).toEqual([]);
  });
});
