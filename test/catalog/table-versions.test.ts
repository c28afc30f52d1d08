import { beforeEach, describe, expect, it } from 'vitest';
import { col, draft, freshCatalog, type TestCatalog } from './catalog-fixtures';

let c: TestCatalog;
beforeEach(async () => {
  c = await freshCatalog();
  await c.store.createDatabase('sales');
  await c.store.createTable(draft('sales', 'orders'));
});

const current = async () => (await c.store.getTable('sales', 'orders'))!;

describe('putTable', () => {
  it('archives the stored table when the schema changes', async () => {
    const v1 = await current();
    const v2 = await c.store.putTable({
      ...v1,
      columns: [col('id', 'BIGINT'), col('price', 'DECIMAL(10,2)'), col('note')],
    });
    expect(v2.version).toBe(2);
    expect(v2.createdAt).toBe(v1.createdAt);
    const [archived] = await c.store.listVersions('sales', 'orders');
    expect(archived).toMatchObject({
      version: 1,
      reason: 'column "price": DOUBLE → DECIMAL(10,2); added "note"',
      snapshot: v1,
    });
  });

  it('updates in place when only the description, parameters or sources change', async () => {
    const v1 = await current();
    const saved = await c.store.putTable({
      ...v1,
      description: 'All orders',
      parameters: { ...v1.parameters, recordCount: 10 },
    });
    expect(saved).toMatchObject({ version: 1, description: 'All orders' });
    expect(await c.store.listVersions('sales', 'orders')).toEqual([]);
  });

  it('archives a non-schema change too when a reason is given', async () => {
    const v1 = await current();
    const saved = await c.store.putTable({ ...v1, description: 'x' }, 'checkpoint before import');
    expect(saved.version).toBe(2);
    expect((await c.store.listVersions('sales', 'orders'))[0]!.reason).toBe(
      'checkpoint before import',
    );
  });

  it('treats column order and partition keys as schema', async () => {
    const v1 = await current();
    const reordered = await c.store.putTable({ ...v1, columns: [...v1.columns].reverse() });
    const keyed = await c.store.putTable({ ...reordered, partitionKeys: [col('year')] });
    expect(keyed.version).toBe(3);
    expect((await c.store.listVersions('sales', 'orders')).map((v) => v.reason)).toEqual([
      'partition keys: added "year"',
      'columns reordered',
    ]);
  });

  it('refuses an edit of a stale read instead of overwriting', async () => {
    const stale = await current();
    await c.store.updateColumn('sales', 'orders', 'price', { type: 'DECIMAL(10,2)' });
    await expect(c.store.putTable({ ...stale, description: 'late' })).rejects.toThrow(
      'catalog: table "sales"."orders" was changed elsewhere (it is at version 2, this edit started from version 1)',
    );
    expect(await current()).toMatchObject({ version: 2, description: '' });
  });

  it('refuses tables that were never created', async () => {
    const ghost = { ...(await current()), name: 'ghost' };
    await expect(c.store.putTable(ghost)).rejects.toThrow(
      'catalog: table "sales"."ghost" does not exist',
    );
  });
});

describe('updateColumn', () => {
  it('records a rename as a rename, with any type change', async () => {
    await c.store.updateColumn('sales', 'orders', 'price', {
      name: 'amount',
      type: 'DECIMAL(10,2)',
    });
    const t = await current();
    expect(t.columns.map((x) => `${x.name} ${x.type}`)).toEqual([
      'id BIGINT',
      'amount DECIMAL(10,2)',
    ]);
    expect(t.updatedBy).toEqual({ kind: 'user' });
    expect((await c.store.listVersions('sales', 'orders'))[0]!.reason).toBe(
      'column "price" renamed to "amount"; column "amount": DOUBLE → DECIMAL(10,2)',
    );
  });

  it('archives a comment change, and refuses missing or clashing columns', async () => {
    await c.store.updateColumn('sales', 'orders', 'id', { comment: 'order number' });
    expect((await c.store.listVersions('sales', 'orders'))[0]!.reason).toBe(
      'comment on "id" changed',
    );
    await expect(
      c.store.updateColumn('sales', 'orders', 'nope', { type: 'INTEGER' }),
    ).rejects.toThrow('catalog: table "sales"."orders" has no column "nope"');
    await expect(c.store.updateColumn('sales', 'orders', 'price', { name: 'ID' })).rejects.toThrow(
      'differ only in case',
    );
  });
});

describe('restoreVersion', () => {
  it('brings an old schema back as a new version and never loses one', async () => {
    const v1 = await current();
    await c.store.updateColumn('sales', 'orders', 'price', { type: 'DECIMAL(10,2)' });
    await c.store.updateColumn('sales', 'orders', 'id', { name: 'order_id' });
    const v3 = await current();

    const restored = await c.store.restoreVersion('sales', 'orders', 1);
    expect(restored).toMatchObject({ version: 4, columns: v1.columns, createdAt: v1.createdAt });
    const versions = await c.store.listVersions('sales', 'orders');
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(versions[0]!.snapshot).toEqual(v3);
    expect(versions[0]!.reason).toMatch(/^restored version 1: /);

    // Restoring the restore's predecessor gets v3 back; every state is still reachable.
    const again = await c.store.restoreVersion('sales', 'orders', 3);
    expect(again).toMatchObject({ version: 5, columns: v3.columns });
    expect((await c.store.listVersions('sales', 'orders')).map((v) => v.version)).toEqual([
      4, 3, 2, 1,
    ]);
  });

  it('refuses a version that does not exist', async () => {
    await expect(c.store.restoreVersion('sales', 'orders', 9)).rejects.toThrow(
      'catalog: table "sales"."orders" has no version 9',
    );
  });
});
