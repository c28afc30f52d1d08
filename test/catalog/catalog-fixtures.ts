// Shared set-up for catalog tests: a fresh in-memory IndexedDB per test, and table builders.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openCatalogDb, type CatalogDb } from '../../src/storage';
import { CatalogStore, type CatalogChange } from '../../src/catalog/catalog-store';
import type { CatalogColumn, CatalogTable } from '../../src/catalog/model';
import type { TableDraft } from '../../src/catalog/table-writes';

/** Names a crawler may meet in the wild; every one must round-trip exactly. */
export const HOSTILE_NAMES = [
  'with space',
  'it\'s "quoted"',
  'back`tick',
  '"; DROP TABLE x; --',
  '<img src=x onerror=alert(1)>',
  'Ünïcödé 表 🚀',
  ' leading and trailing ',
  'line\nbreak',
];

export interface TestCatalog {
  db: CatalogDb;
  store: CatalogStore;
  changes: CatalogChange[];
  factory: IDBFactory;
}

/** A store over its own empty database, recording every change event. */
export async function freshCatalog(): Promise<TestCatalog> {
  const factory = new IDBFactory();
  const db = await openCatalogDb('decant-test', factory);
  const changes: CatalogChange[] = [];
  return { db, store: new CatalogStore(db, (c) => changes.push(c)), changes, factory };
}

export const col = (name: string, type = 'VARCHAR', comment = ''): CatalogColumn => ({
  name,
  type,
  comment,
});

export function draft(
  database: string,
  name: string,
  overrides: Partial<TableDraft> = {},
): TableDraft {
  return {
    database,
    name,
    description: '',
    classification: 'csv',
    sources: [],
    columns: [col('id', 'BIGINT'), col('price', 'DOUBLE')],
    partitionKeys: [],
    parameters: { delimiter: ',', header: true },
    updatedBy: { kind: 'crawler', name: 'c1' },
    ...overrides,
  };
}

/** A whole table as the store would hold it, for pure (non-store) tests. */
export function table(
  database: string,
  name: string,
  overrides: Partial<CatalogTable> = {},
): CatalogTable {
  return { ...draft(database, name), version: 1, createdAt: 0, updatedAt: 0, ...overrides };
}

/** Everything stored, store by store, to compare states before and after a failed write. */
export async function snapshotOf(db: CatalogDb): Promise<Record<string, unknown[]>> {
  const stores = ['databases', 'tables', 'tableVersions', 'partitions', 'statistics'] as const;
  const entries = await Promise.all(stores.map(async (s) => [s, await db.getAll(s)] as const));
  return Object.fromEntries(entries);
}
