import { beforeEach, describe, expect, it } from 'vitest';
import {
  col,
  draft,
  freshCatalog,
  HOSTILE_NAMES,
  snapshotOf,
  type TestCatalog,
} from './catalog-fixtures';
import type { CatalogPartition, TableStatistics } from '../../src/catalog/model';

let c: TestCatalog;
beforeEach(async () => {
  c = await freshCatalog();
});

const partition = (location: string, values: string[]): CatalogPartition => ({
  database: 'sales',
  table: 'orders',
  values,
  location,
  files: [`${location}/part-0.csv`],
  sizeBytes: 10,
});

const stats = (version: number): TableStatistics => ({
  database: 'sales',
  table: 'orders',
  version,
  computedAt: 1,
  rowCount: 3,
  columns: [{ column: 'id', type: 'BIGINT', nulls: 0, distinct: 3, min: '1', max: '3' }],
});

async function salesWithOrders() {
  await c.store.createDatabase('sales', 'Sales data');
  await c.store.createTable(draft('sales', 'orders', { partitionKeys: [col('year')] }));
  await c.store.putPartitions('sales', 'orders', [partition('year=2024', ['2024'])]);
  await c.store.putStatistics(stats(1));
  await c.store.updateColumn('sales', 'orders', 'price', { type: 'DECIMAL(10,2)' });
}

describe('databases', () => {
  it('creates, lists and describes databases, refusing duplicates', async () => {
    await c.store.createDatabase('sales', 'Sales data');
    await c.store.createDatabase('hr');
    expect((await c.store.listDatabases()).map((d) => d.name)).toEqual(['hr', 'sales']);
    await expect(c.store.createDatabase('sales')).rejects.toThrow(
      'catalog: database "sales" already exists',
    );
    const described = await c.store.describeDatabase('hr', 'People');
    expect(described.description).toBe('People');
    await expect(c.store.describeDatabase('nope', '')).rejects.toThrow(
      'catalog: database "nope" does not exist',
    );
    await expect(c.store.createDatabase('')).rejects.toThrow(
      'catalog: a database name cannot be empty',
    );
  });

  it('renames a database with all its tables, versions, partitions and statistics', async () => {
    await salesWithOrders();
    await c.store.createDatabase('other');
    await c.store.createTable(draft('other', 'orders'));
    await c.store.renameDatabase('sales', 'shop');

    expect((await c.store.listDatabases()).map((d) => d.name)).toEqual(['other', 'shop']);
    expect(await c.store.listTables('sales')).toEqual([]);
    const moved = await c.store.getTable('shop', 'orders');
    expect(moved).toMatchObject({ database: 'shop', version: 2 });
    const [version] = await c.store.listVersions('shop', 'orders');
    expect(version).toMatchObject({ database: 'shop', version: 1, snapshot: { database: 'shop' } });
    expect(await c.store.listPartitions('shop', 'orders')).toMatchObject([{ database: 'shop' }]);
    expect(await c.store.getStatistics('shop', 'orders', 1)).toMatchObject({ database: 'shop' });
    // The other database's table of the same name is untouched.
    expect(await c.store.getTable('other', 'orders')).toMatchObject({ version: 1 });
    await expect(c.store.renameDatabase('shop', 'other')).rejects.toThrow(
      'catalog: database "other" already exists',
    );
  });

  it('deletes a database and restores it exactly from the trash', async () => {
    await salesWithOrders();
    const before = await snapshotOf(c.db);
    const trash = await c.store.deleteDatabase('sales');
    expect(trash.kind).toBe('database');
    expect(trash.tables).toHaveLength(1);
    expect(trash.versions).toHaveLength(1);
    expect(await c.store.listAllTables()).toEqual([]);
    await c.store.restore(trash);
    expect(await snapshotOf(c.db)).toEqual(before);
  });

  it('refuses to restore over a database created meanwhile, changing nothing', async () => {
    await salesWithOrders();
    const trash = await c.store.deleteDatabase('sales');
    await c.store.createDatabase('sales', 'a new one');
    const before = await snapshotOf(c.db);
    await expect(c.store.restore(trash)).rejects.toThrow(
      /^catalog: cannot restore database "sales": a database of that name was created since/,
    );
    expect(await snapshotOf(c.db)).toEqual(before);
  });
});

describe('tables', () => {
  beforeEach(async () => {
    await c.store.createDatabase('sales');
  });

  it('creates a table as version 1 and refuses duplicates and missing databases', async () => {
    const t = await c.store.createTable(draft('sales', 'orders'));
    expect(t).toMatchObject({ version: 1, name: 'orders' });
    expect(await c.store.getTable('sales', 'orders')).toEqual(t);
    await expect(c.store.createTable(draft('sales', 'orders'))).rejects.toThrow(
      'catalog: table "sales"."orders" already exists',
    );
    await expect(c.store.createTable(draft('nope', 'orders'))).rejects.toThrow(
      'catalog: database "nope" does not exist',
    );
  });

  it('refuses columns that SQL could not tell apart', async () => {
    const twice = draft('sales', 't', { columns: [col('id'), col('ID')] });
    await expect(c.store.createTable(twice)).rejects.toThrow(
      'catalog: table "sales"."t": columns "id" and "ID" differ only in case',
    );
    const keyClash = draft('sales', 't', { columns: [col('year')], partitionKeys: [col('year')] });
    await expect(c.store.createTable(keyClash)).rejects.toThrow('column "year" appears twice');
  });

  it('renames a table with its versions, partitions and statistics', async () => {
    await c.store.createTable(draft('sales', 'orders', { partitionKeys: [col('year')] }));
    await c.store.putPartitions('sales', 'orders', [partition('year=2024', ['2024'])]);
    await c.store.putStatistics(stats(1));
    await c.store.updateColumn('sales', 'orders', 'price', { type: 'DECIMAL(10,2)' });
    const renamed = await c.store.renameTable('sales', 'orders', 'orders_2024');
    expect(renamed).toMatchObject({ name: 'orders_2024', version: 2 });
    expect(await c.store.getTable('sales', 'orders')).toBeUndefined();
    expect(await c.store.listVersions('sales', 'orders_2024')).toMatchObject([
      { table: 'orders_2024', snapshot: { name: 'orders_2024' } },
    ]);
    expect(await c.store.listPartitions('sales', 'orders_2024')).toHaveLength(1);
    expect(await c.store.getStatistics('sales', 'orders_2024', 1)).toBeDefined();
    expect(c.changes.slice(-2)).toEqual([
      { kind: 'table', database: 'sales', table: 'orders', op: 'delete' },
      { kind: 'table', database: 'sales', table: 'orders_2024', op: 'put' },
    ]);
  });

  it('deletes a table with everything it owns, and restores it from the trash', async () => {
    await c.store.createTable(draft('sales', 'orders', { partitionKeys: [col('year')] }));
    await c.store.putPartitions('sales', 'orders', [partition('year=2024', ['2024'])]);
    await c.store.updateColumn('sales', 'orders', 'id', { comment: 'order id' });
    const before = await snapshotOf(c.db);
    const trash = await c.store.deleteTable('sales', 'orders');
    expect(trash).toMatchObject({ kind: 'table', database: 'sales', table: 'orders' });
    expect(await c.store.listVersions('sales', 'orders')).toEqual([]);
    expect(await c.store.listPartitions('sales', 'orders')).toEqual([]);
    await c.store.restore(trash);
    expect(await snapshotOf(c.db)).toEqual(before);
  });

  it('refuses to restore a table whose name or database is gone', async () => {
    await c.store.createTable(draft('sales', 'orders'));
    const trash = await c.store.deleteTable('sales', 'orders');
    await c.store.createTable(draft('sales', 'orders'));
    await expect(c.store.restore(trash)).rejects.toThrow(
      'catalog: cannot restore table "sales"."orders": a table of that name was created since',
    );
    await c.store.deleteDatabase('sales');
    await expect(c.store.restore(trash)).rejects.toThrow(
      'database "sales" no longer exists; restore or create it first',
    );
  });

  it('replaces partitions as a set and checks them against the partition keys', async () => {
    await c.store.createTable(draft('sales', 'orders', { partitionKeys: [col('year')] }));
    await c.store.putPartitions('sales', 'orders', [
      partition('year=2023', ['2023']),
      partition('year=2024', ['2024']),
    ]);
    await c.store.putPartitions('sales', 'orders', [partition('year=2025', ['2025'])]);
    expect((await c.store.listPartitions('sales', 'orders')).map((p) => p.location)).toEqual([
      'year=2025',
    ]);
    await expect(
      c.store.putPartitions('sales', 'orders', [partition('x', ['2024', 'extra'])]),
    ).rejects.toThrow('partition "x" has 2 values for 1 partition keys');
    await expect(
      c.store.putPartitions('sales', 'orders', [partition('a', ['1']), partition('a', ['2'])]),
    ).rejects.toThrow('two partitions have the location "a"');
  });

  it('stores statistics per table version, refusing unknown versions', async () => {
    await c.store.createTable(draft('sales', 'orders'));
    await c.store.putStatistics(stats(1));
    await c.store.updateColumn('sales', 'orders', 'price', { type: 'DECIMAL(10,2)' });
    await c.store.putStatistics({ ...stats(2), rowCount: 4 });
    expect(await c.store.getStatistics('sales', 'orders', 1)).toMatchObject({ rowCount: 3 });
    expect(await c.store.getStatistics('sales', 'orders', 2)).toMatchObject({ rowCount: 4 });
    await expect(c.store.putStatistics(stats(7))).rejects.toThrow(
      'catalog: table "sales"."orders" has no version 7',
    );
  });
});

describe('awkward names', () => {
  it('round-trip exactly through create, list, rename, versions and delete+restore', async () => {
    for (const name of HOSTILE_NAMES) {
      await c.store.createDatabase(name, name);
      const t = await c.store.createTable(
        draft(name, name, { columns: [col(name, 'VARCHAR', name)], description: name }),
      );
      expect(await c.store.getTable(name, name)).toEqual(t);
      await c.store.updateColumn(name, name, name, { name: `${name}!` });
      const renamed = await c.store.renameTable(name, name, `${name}?`);
      expect(renamed.columns[0]!.name).toBe(`${name}!`);
      expect((await c.store.listVersions(name, `${name}?`))[0]!.snapshot.columns[0]!.name).toBe(
        name,
      );
    }
    const names = (await c.store.listDatabases()).map((d) => d.name);
    expect(names.sort()).toEqual([...HOSTILE_NAMES].sort());
    const [first] = HOSTILE_NAMES;
    const trash = await c.store.deleteDatabase(first!);
    await c.store.restore(trash);
    expect(await c.store.getTable(first!, `${first}?`)).toMatchObject({ description: first });
  });

  it('names them unambiguously in messages', async () => {
    await c.store.createDatabase('"; DROP');
    await expect(c.store.createDatabase('"; DROP')).rejects.toThrow(
      'catalog: database "\\"; DROP" already exists',
    );
    await expect(c.store.createDatabase('a\0b')).rejects.toThrow('contains a NUL character');
  });
});

describe('change events', () => {
  it('fire once per change, after the commit, and never for a failed write', async () => {
    await c.store.createDatabase('sales');
    await c.store.createTable(draft('sales', 'orders'));
    await expect(c.store.createTable(draft('sales', 'orders'))).rejects.toThrow();
    await c.store.renameDatabase('sales', 'shop');
    expect(c.changes).toEqual([
      { kind: 'database', database: 'sales', op: 'put' },
      { kind: 'table', database: 'sales', table: 'orders', op: 'put' },
      { kind: 'database', database: 'sales', op: 'delete' },
      { kind: 'database', database: 'shop', op: 'put' },
    ]);
  });
});
