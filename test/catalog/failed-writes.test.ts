// A failed write must leave the catalog exactly as it was, and say why in words a user can act on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { col, draft, freshCatalog, snapshotOf, type TestCatalog } from './catalog-fixtures';

let c: TestCatalog;
beforeEach(async () => {
  c = await freshCatalog();
  await c.store.createDatabase('sales');
  await c.store.createTable(draft('sales', 'orders', { partitionKeys: [col('year')] }));
  await c.store.createTable(draft('sales', 'returns'));
  await c.store.putPartitions('sales', 'orders', [
    {
      database: 'sales',
      table: 'orders',
      values: ['2024'],
      location: 'year=2024',
      files: [],
      sizeBytes: 1,
    },
  ]);
  await c.store.updateColumn('sales', 'orders', 'price', { type: 'DECIMAL(10,2)' });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Makes the `nth` add/put of any object store (counting from 1) throw `error`. */
function failNthWrite(nth: number, error: unknown) {
  let writes = 0;
  for (const method of ['add', 'put'] as const) {
    const original = IDBObjectStore.prototype[method];
    vi.spyOn(IDBObjectStore.prototype, method).mockImplementation(function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['put']>
    ) {
      if (++writes === nth) throw error;
      return original.apply(this, args);
    });
  }
}

const quotaExceeded = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('a write that fails part-way', () => {
  it('rolls back a partition replace whose new values cannot be stored', async () => {
    const before = await snapshotOf(c.db);
    const unclonable = { toString: () => 'x', fn: () => 1 };
    const error = await c.store
      .putPartitions('sales', 'orders', [
        {
          database: 'sales',
          table: 'orders',
          values: ['2025'],
          location: 'year=2025',
          files: [],
          sizeBytes: 1,
        },
        {
          database: 'sales',
          table: 'orders',
          values: ['2026'],
          location: 'year=2026',
          files: [],
          sizeBytes: 1,
          extra: unclonable,
        } as never,
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecantError);
    expect((error as Error).message).toMatch(
      /^catalog: saving partitions of table "sales"."orders": a value cannot be stored \(.+\); nothing was changed$/,
    );
    // The old partitions were deleted inside the transaction; the abort brought them back.
    expect(await snapshotOf(c.db)).toEqual(before);
  });

  it('rolls back a database rename when the disk fills up mid-way', async () => {
    const before = await snapshotOf(c.db);
    failNthWrite(3, quotaExceeded());
    await expect(c.store.renameDatabase('sales', 'shop')).rejects.toThrow(
      'catalog: the browser\'s storage is full (renaming database "sales" to "shop"); nothing was changed',
    );
    vi.restoreAllMocks();
    expect(await snapshotOf(c.db)).toEqual(before);
    expect(c.changes.at(-1)).not.toMatchObject({ database: 'shop' });
  });

  it('keeps the old version when archiving succeeds but saving the new one fails', async () => {
    const before = await snapshotOf(c.db);
    // putTable adds the archived version first, then puts the table: fail the second.
    failNthWrite(2, quotaExceeded());
    await expect(
      c.store.updateColumn('sales', 'returns', 'price', { type: 'DECIMAL(12,2)' }),
    ).rejects.toThrow(/^catalog: the browser's storage is full \(saving table "sales"."returns"\)/);
    vi.restoreAllMocks();
    expect(await snapshotOf(c.db)).toEqual(before);
  });

  it('rolls back a restore aborted part-way, which can then be retried', async () => {
    const trash = await c.store.deleteTable('sales', 'orders');
    const afterDelete = await snapshotOf(c.db);
    failNthWrite(2, new DOMException('The transaction was aborted.', 'AbortError'));
    await expect(c.store.restore(trash)).rejects.toThrow(
      /^catalog: restoring table "sales"."orders" failed \(AbortError: .+\); nothing was changed$/,
    );
    vi.restoreAllMocks();
    expect(await snapshotOf(c.db)).toEqual(afterDelete);
    await c.store.restore(trash);
    expect(await c.store.listPartitions('sales', 'orders')).toHaveLength(1);
  });

  it('leaves the search index as it was', async () => {
    expect(await c.store.search('orders')).toHaveLength(1);
    failNthWrite(1, quotaExceeded());
    await expect(c.store.renameTable('sales', 'orders', 'orders_old')).rejects.toThrow(
      /storage is full/,
    );
    vi.restoreAllMocks();
    expect(await c.store.search('orders_old')).toEqual([]);
    expect(await c.store.search('orders')).toEqual([
      { kind: 'table', database: 'sales', table: 'orders' },
    ]);
  });
});
