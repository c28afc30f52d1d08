import { beforeEach, describe, expect, it } from 'vitest';
import { CatalogIndex } from '../../src/catalog/search-index';
import { col, draft, freshCatalog, table, type TestCatalog } from './catalog-fixtures';

describe('CatalogIndex', () => {
  const index = () =>
    CatalogIndex.fromCatalog(
      ['sales', 'empty'],
      [
        table('sales', 'orders', { columns: [col('order_id'), col('price')] }),
        table('sales', 'order', { columns: [col('id')], partitionKeys: [col('Order_Date')] }),
        table('crm', 'reorders', { columns: [col('ORDER')] }),
      ],
    );

  it('ranks exact, then prefix, then substring; databases, tables, columns within each', () => {
    expect(index().search('Order')).toEqual([
      { kind: 'table', database: 'sales', table: 'order' },
      { kind: 'column', database: 'crm', table: 'reorders', column: 'ORDER' },
      { kind: 'table', database: 'sales', table: 'orders' },
      { kind: 'column', database: 'sales', table: 'order', column: 'Order_Date' },
      { kind: 'column', database: 'sales', table: 'orders', column: 'order_id' },
      { kind: 'table', database: 'crm', table: 'reorders' },
    ]);
  });

  it('finds databases, including ones without tables, and honours the limit', () => {
    expect(index().search('  EMP ')).toEqual([{ kind: 'database', database: 'empty' }]);
    expect(index().search('s', 2)).toHaveLength(2);
    expect(index().search('')).toEqual([]);
    expect(index().search('zzz')).toEqual([]);
  });

  it('keeps itself current through table and database updates', () => {
    const ix = index();
    ix.putTable(table('sales', 'orders', { columns: [col('total')] }));
    expect(ix.search('order_id')).toEqual([]);
    expect(ix.search('total')).toEqual([
      { kind: 'column', database: 'sales', table: 'orders', column: 'total' },
    ]);
    ix.removeTable('sales', 'orders');
    expect(ix.search('total')).toEqual([]);
    ix.removeDatabase('crm');
    expect(ix.search('reorders')).toEqual([]);
    ix.putDatabase('crm');
    ix.putDatabase('crm');
    expect(ix.search('crm')).toEqual([{ kind: 'database', database: 'crm' }]);
  });

  it('matches unicode and punctuation literally', () => {
    const ix = CatalogIndex.fromCatalog(
      [],
      [table('Ünï', '"; DROP', { columns: [col('<img onerror>')] })],
    );
    expect(ix.search('ünï')).toEqual([{ kind: 'database', database: 'Ünï' }]);
    expect(ix.search('"; d')).toEqual([{ kind: 'table', database: 'Ünï', table: '"; DROP' }]);
    expect(ix.search('<IMG')).toHaveLength(1);
  });
});

describe('CatalogStore.search', () => {
  let c: TestCatalog;
  beforeEach(async () => {
    c = await freshCatalog();
    await c.store.createDatabase('sales');
    await c.store.createTable(draft('sales', 'orders'));
  });

  it('answers from an index that follows the store’s own writes', async () => {
    expect(await c.store.search('price')).toEqual([
      { kind: 'column', database: 'sales', table: 'orders', column: 'price' },
    ]);
    await c.store.updateColumn('sales', 'orders', 'price', { name: 'amount' });
    await c.store.renameDatabase('sales', 'shop');
    expect(await c.store.search('price')).toEqual([]);
    expect(await c.store.search('amount')).toEqual([
      { kind: 'column', database: 'shop', table: 'orders', column: 'amount' },
    ]);
    const trash = await c.store.deleteDatabase('shop');
    expect(await c.store.search('orders')).toEqual([]);
    await c.store.restore(trash);
    expect(await c.store.search('orders')).toHaveLength(1);
  });

  it('catches up with changes another tab made', async () => {
    await c.store.search('x'); // builds the index
    const { CatalogStore } = await import('../../src/catalog/catalog-store');
    const otherTab = new CatalogStore(c.db);
    await otherTab.createTable(draft('sales', 'refunds'));
    await otherTab.createDatabase('hr');
    expect(await c.store.search('refunds')).toEqual([]);
    c.store.noteChangeElsewhere({ kind: 'table', database: 'sales', table: 'refunds', op: 'put' });
    expect(await c.store.search('refunds')).toHaveLength(1);
    c.store.noteChangeElsewhere({ kind: 'database', database: 'hr', op: 'put' });
    expect(await c.store.search('hr')).toEqual([{ kind: 'database', database: 'hr' }]);
  });
});
