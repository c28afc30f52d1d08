// Adding a table kept as a copy: a refused name writes no copy; a failed commit removes it.
import { beforeEach, describe, expect, it } from 'vitest';
import { draft, freshCatalog, type TestCatalog } from './catalog-fixtures';
import { addTableWithCopy, type CopyKeeper } from '../../src/catalog/add-table';
import { CatalogStore } from '../../src/catalog/catalog-store';

let c: TestCatalog;
beforeEach(async () => {
  c = await freshCatalog();
});

/** Copies kept in a Map: what the browser's storage would hold. */
function mapKeeper(duringWrite: () => Promise<void> = async () => {}) {
  const kept = new Map<string, string>();
  let n = 0;
  const keeper: CopyKeeper = {
    async write() {
      const name = `copy-${++n}`;
      kept.set(name, 'bytes');
      await duringWrite();
      return name;
    },
    async remove(name) {
      kept.delete(name);
    },
  };
  return { keeper, kept };
}

const orders = (database: string, table: string) => (copy: string) =>
  draft(database, table, {
    sources: [{ kind: 'opfs', path: 'o.csv', opfsPath: copy, size: 5, lastModified: 1 }],
  });

const stored = async () => ({
  databases: (await c.store.listDatabases()).map((d) => d.name),
  tables: (await c.store.listTableKeys()).map((k) => `${k.database}.${k.name}`),
});

describe('addTableWithCopy', () => {
  it('creates the database and the table, pointing at the copy', async () => {
    const { keeper, kept } = mapKeeper();
    const t = await addTableWithCopy(c.store, orders('sales', 'orders'), keeper);
    expect(t.sources).toMatchObject([{ kind: 'opfs', opfsPath: 'copy-1' }]);
    expect([...kept.keys()]).toEqual(['copy-1']);
    expect(await stored()).toEqual({ databases: ['sales'], tables: ['sales.orders'] });
  });

  it('writes no copy and no database for a name that is taken, a case twin or reserved', async () => {
    await addTableWithCopy(c.store, orders('sales', 'orders'), mapKeeper().keeper);
    const { keeper, kept } = mapKeeper();
    for (const [database, table, why] of [
      ['sales', 'orders', 'already exists'],
      ['Sales', 'orders', 'only in case'],
      ['sales', 'Orders', 'only in case'],
      ['system', 'x', 'is reserved'],
      ['', 'x', 'cannot be empty'],
    ] as const)
      await expect(addTableWithCopy(c.store, orders(database, table), keeper)).rejects.toThrow(why);
    expect(kept.size).toBe(0);
    expect(await stored()).toEqual({ databases: ['sales'], tables: ['sales.orders'] });
  });

  it('removes the copy when the commit fails: another tab took the name during the copy', async () => {
    const otherTab = new CatalogStore(c.db);
    const { keeper, kept } = mapKeeper(async () => {
      await otherTab.createTable(draft('hr', 'People'), { createDatabase: true });
    });
    await expect(addTableWithCopy(c.store, orders('hr', 'people'), keeper)).rejects.toThrow(
      'catalog: table "hr"."people" differs from the existing table "hr"."People" only in case',
    );
    expect(kept.size).toBe(0);
    expect(await stored()).toEqual({ databases: ['hr'], tables: ['hr.People'] });
  });

  it('stores nothing when the copy cannot be written (a full quota)', async () => {
    const full: CopyKeeper = {
      write: () => Promise.reject(new Error("catalog: the browser's storage is full")),
      remove: async () => {},
    };
    await expect(addTableWithCopy(c.store, orders('sales', 'orders'), full)).rejects.toThrow(
      'storage is full',
    );
    expect(await stored()).toEqual({ databases: [], tables: [] });
  });
});
