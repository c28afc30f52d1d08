// Names DuckDB would confuse (case) or already uses (its schemas) are refused on every path.
import { beforeEach, describe, expect, it } from 'vitest';
import { col, draft, freshCatalog, type TestCatalog } from './catalog-fixtures';
import { catalogExport } from '../../src/catalog/glue-export';
import { planImport } from '../../src/catalog/glue-import';
import { RESERVED_DATABASE_NAMES } from '../../src/catalog/name-rules';

let c: TestCatalog;
beforeEach(async () => {
  c = await freshCatalog();
});

const names = async () => ({
  databases: (await c.store.listDatabases()).map((d) => d.name),
  tables: (await c.store.listTableKeys()).map((k) => `${k.database}.${k.name}`),
});

describe('names that differ only in case', () => {
  it('refuses Sales.Orders beside sales.orders, naming the existing one, and stores nothing', async () => {
    await c.store.createTable(draft('sales', 'orders'), { createDatabase: true });
    await expect(
      c.store.createTable(draft('Sales', 'Orders'), { createDatabase: true }),
    ).rejects.toThrow(
      'catalog: database "Sales" differs from the existing database "sales" only in case',
    );
    await expect(c.store.createTable(draft('sales', 'Orders'))).rejects.toThrow(
      'catalog: table "sales"."Orders" differs from the existing table "sales"."orders" only in case',
    );
    await expect(c.store.createDatabase('SALES')).rejects.toThrow('"sales" only in case');
    expect(await names()).toEqual({ databases: ['sales'], tables: ['sales.orders'] });
  });

  it('checks a new table without writing, as createTable would', async () => {
    await c.store.createTable(draft('sales', 'orders'), { createDatabase: true });
    await expect(c.store.checkNewTable(draft('sales', 'ORDERS'))).rejects.toThrow('only in case');
    await expect(c.store.checkNewTable(draft('sales', 'orders'))).rejects.toThrow(
      'catalog: table "sales"."orders" already exists',
    );
    await expect(c.store.checkNewTable(draft('Sales', 'x'))).rejects.toThrow('only in case');
    await expect(c.store.checkNewTable(draft('temp', 'x'))).rejects.toThrow('is reserved');
    await c.store.checkNewTable(draft('sales', 'customers'));
    await c.store.checkNewTable(draft('hr', 'people'));
    expect(await names()).toEqual({ databases: ['sales'], tables: ['sales.orders'] });
  });

  it('refuses renames onto a case twin, but lets a name change only its own case', async () => {
    await c.store.createTable(draft('sales', 'orders'), { createDatabase: true });
    await c.store.createTable(draft('sales', 'returns'));
    await c.store.createDatabase('hr');
    await expect(c.store.renameTable('sales', 'returns', 'Orders')).rejects.toThrow('only in case');
    await expect(c.store.renameDatabase('hr', 'Sales')).rejects.toThrow('only in case');
    await c.store.renameTable('sales', 'orders', 'Orders');
    await c.store.renameDatabase('sales', 'Sales');
    expect(await names()).toEqual({
      databases: ['Sales', 'hr'],
      tables: ['Sales.Orders', 'Sales.returns'],
    });
  });

  it('refuses a crawler commit or job registration into a case twin, changing nothing', async () => {
    await c.store.commitTables('sales', [{ draft: draft('sales', 'orders'), partitions: [] }]);
    await expect(
      c.store.commitTables('Sales', [{ draft: draft('Sales', 'orders'), partitions: [] }]),
    ).rejects.toThrow('only in case');
    await expect(
      c.store.commitTables('sales', [
        { draft: draft('sales', 'lines'), partitions: [] },
        { draft: draft('sales', 'ORDERS'), partitions: [] },
      ]),
    ).rejects.toThrow('only in case');
    expect(await names()).toEqual({ databases: ['sales'], tables: ['sales.orders'] });
  });

  it('refuses to restore a deleted table over a case twin created since', async () => {
    await c.store.createTable(draft('sales', 'orders'), { createDatabase: true });
    const trash = await c.store.deleteTable('sales', 'orders');
    await c.store.createTable(draft('sales', 'Orders'));
    await expect(c.store.restore(trash)).rejects.toThrow('only in case');
    expect(await names()).toEqual({ databases: ['sales'], tables: ['sales.Orders'] });
  });

  it('leaves out imported tables and databases that are case twins, saying why', async () => {
    await c.store.createTable(draft('sales', 'orders'), { createDatabase: true });
    const doc = catalogExport(
      [
        { name: 'Sales', description: '', createdAt: 1, updatedAt: 1 },
        { name: 'hr', description: '', createdAt: 1, updatedAt: 1 },
      ],
      [
        { ...draft('Sales', 'x'), version: 1, createdAt: 1, updatedAt: 1 },
        { ...draft('hr', 'people'), version: 1, createdAt: 1, updatedAt: 1 },
        {
          ...draft('hr', 'People', { columns: [col('a')] }),
          version: 1,
          createdAt: 1,
          updatedAt: 1,
        },
      ],
    );
    const existing = {
      databases: await c.store.listDatabases(),
      tables: await c.store.listAllTables(),
    };
    const plan = planImport(JSON.parse(JSON.stringify(doc)), existing);
    expect(plan.needsRename).toEqual([
      expect.objectContaining({ database: 'Sales', suggestion: 'sales_imported' }),
    ]);
    expect(plan.needsRename[0]!.reason).toContain('only in case');
    expect(plan.skipped).toEqual([expect.objectContaining({ database: 'hr', table: 'People' })]);
    await c.store.applyImport(plan, { overwrite: [] });
    expect(await names()).toEqual({
      databases: ['hr', 'sales'],
      tables: ['hr.people', 'sales.orders'],
    });
  });
});

describe('reserved database names', () => {
  it.each([...RESERVED_DATABASE_NAMES, 'Information_Schema', 'TEMP'])(
    'refuses %s at creation, rename, commit and add, with a reason',
    async (name) => {
      const why = `catalog: database name ${JSON.stringify(name)} is reserved`;
      await expect(c.store.createDatabase(name)).rejects.toThrow(why);
      await expect(c.store.createTable(draft(name, 't'), { createDatabase: true })).rejects.toThrow(
        why,
      );
      await expect(
        c.store.commitTables(name, [{ draft: draft(name, 't'), partitions: [] }]),
      ).rejects.toThrow(why);
      await c.store.createDatabase('ok');
      await expect(c.store.renameDatabase('ok', name)).rejects.toThrow(why);
      expect(await names()).toEqual({ databases: ['ok'], tables: [] });
    },
  );

  it('offers a rename on Glue import, and imports under the name the user chose', async () => {
    const doc = JSON.parse(
      JSON.stringify(
        catalogExport(
          [{ name: 'information_schema', description: 'd', createdAt: 1, updatedAt: 1 }],
          [{ ...draft('information_schema', 'tables'), version: 1, createdAt: 1, updatedAt: 1 }],
        ),
      ),
    ) as unknown;
    const empty = { databases: [], tables: [] };
    const plan = planImport(doc, empty);
    expect(plan.needsRename).toEqual([
      {
        database: 'information_schema',
        reason: expect.stringContaining('is reserved') as string,
        suggestion: 'information_schema_imported',
      },
    ]);
    expect(plan.create).toEqual({ databases: [], tables: [] });
    await c.store.applyImport(plan, { overwrite: [] });
    expect(await names()).toEqual({ databases: [], tables: [] });

    const renamed = planImport(doc, empty, 1, { information_schema: 'info' });
    expect(renamed.needsRename).toEqual([]);
    await c.store.applyImport(renamed, { overwrite: [] });
    expect(await names()).toEqual({ databases: ['info'], tables: ['info.tables'] });
  });
});
