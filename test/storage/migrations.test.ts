import { describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import '../catalog/catalog-fixtures';
import { CATALOG_DB_VERSION, openCatalogDb } from '../../src/storage';
import { table } from '../catalog/catalog-fixtures';

/** A promise for an IDBRequest's result. */
function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * A database as schema version 1 left it, written with the raw IndexedDB API. Frozen on
 * purpose: it is what users' browsers hold, whatever db.ts later becomes.
 */
async function createVersion1Database(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  const request = factory.open(name, 1);
  request.onupgradeneeded = () => {
    const db = request.result;
    db.createObjectStore('databases', { keyPath: 'name' });
    db.createObjectStore('tables', { keyPath: ['database', 'name'] }).createIndex(
      'by-database',
      'database',
    );
    db.createObjectStore('tableVersions', {
      keyPath: ['database', 'table', 'version'],
    }).createIndex('by-table', ['database', 'table']);
    db.createObjectStore('partitions', {
      keyPath: ['database', 'table', 'location'],
    }).createIndex('by-table', ['database', 'table']);
    db.createObjectStore('statistics', { keyPath: ['database', 'table', 'version'] });
    db.createObjectStore('sources', { keyPath: 'id' });
    db.createObjectStore('settings', { keyPath: 'key' });
  };
  return done(request);
}

/** The stores versions 2 to 4 added, as released (frozen, like createVersion1Database). */
function addVersion2To4Stores(db: IDBDatabase): void {
  db.createObjectStore('crawlerRuns', { keyPath: 'id' }).createIndex('by-started', 'startedAt');
  db.createObjectStore('crawlers', { keyPath: 'name' });
  db.createObjectStore('classifiers', { keyPath: 'name' });
  db.createObjectStore('jobs', { keyPath: 'name' });
  db.createObjectStore('jobVersions', { keyPath: ['job', 'version'] }).createIndex('by-job', 'job');
  const runs = db.createObjectStore('jobRuns', { keyPath: 'id' });
  runs.createIndex('by-job', 'job');
  runs.createIndex('by-started', 'startedAt');
  db.createObjectStore('bookmarks', { keyPath: ['job', 'source'] });
  db.createObjectStore('triggers', { keyPath: 'id' });
  const firings = db.createObjectStore('triggerFirings', { keyPath: 'key' });
  firings.createIndex('by-trigger', 'triggerId');
  firings.createIndex('by-recorded', 'recordedAt');
  db.createObjectStore('watchStates', { keyPath: 'id' });
  db.createObjectStore('workflows', { keyPath: 'name' });
  const wf = db.createObjectStore('workflowRuns', { keyPath: 'id' });
  wf.createIndex('by-workflow', 'workflow');
  wf.createIndex('by-started', 'startedAt');
}

/** Version 5 as released: versions 1 to 4, and the data quality stores. */
async function createVersion5Database(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  (await createVersion1Database(factory, name)).close();
  const open5 = factory.open(name, 5);
  open5.onupgradeneeded = () => {
    const db = open5.result;
    addVersion2To4Stores(db);
    db.createObjectStore('qualityRulesets', {
      keyPath: ['database', 'table', 'name'],
    }).createIndex('by-table', ['database', 'table']);
    db.createObjectStore('qualityEvaluations', { keyPath: 'id' }).createIndex('by-table', [
      'database',
      'table',
    ]);
  };
  return done(open5);
}

describe('openCatalogDb', () => {
  it('creates every store with its key path and indexes', async () => {
    const db = await openCatalogDb('fresh', new IDBFactory());
    expect(db.version).toBe(CATALOG_DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([
      'bookmarks',
      'classifiers',
      'crawlerRuns',
      'crawlers',
      'databases',
      'jobRuns',
      'jobVersions',
      'jobs',
      'partitions',
      'qualityEvaluations',
      'qualityRulesets',
      'settings',
      'sources',
      'statistics',
      'tableProfiles',
      'tableVersions',
      'tables',
      'triggerFirings',
      'triggers',
      'watchStates',
      'workflowRuns',
      'workflows',
    ]);
    const tx = db.transaction(['tables', 'tableVersions', 'partitions', 'statistics']);
    expect(tx.objectStore('tables').keyPath).toEqual(['database', 'name']);
    expect(tx.objectStore('tables').index('by-database').keyPath).toBe('database');
    expect(tx.objectStore('tableVersions').index('by-table').keyPath).toEqual([
      'database',
      'table',
    ]);
    expect(tx.objectStore('partitions').keyPath).toEqual(['database', 'table', 'location']);
    expect(tx.objectStore('statistics').keyPath).toEqual(['database', 'table', 'version']);
    db.close();
  });

  it('opens a database written by schema version 1 with its data intact', async () => {
    // When CATALOG_DB_VERSION becomes 2, a sibling test opens this same v1 fixture and checks
    // that `case 1:` migrated it (new stores exist, old records rewritten), and this one keeps
    // proving that data survives.
    const factory = new IDBFactory();
    const v1 = await createVersion1Database(factory, 'decant');
    const orders = table('sales', 'orders');
    const tx = v1.transaction(['databases', 'tables', 'settings'], 'readwrite');
    tx.objectStore('databases').put({
      name: 'sales',
      description: 'd',
      createdAt: 1,
      updatedAt: 1,
    });
    tx.objectStore('tables').put(orders);
    tx.objectStore('settings').put({ key: 'theme', value: 'dark' });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v1.close();

    const db = await openCatalogDb('decant', factory);
    expect(await db.get('databases', 'sales')).toMatchObject({ description: 'd' });
    expect(await db.getAllFromIndex('tables', 'by-database', 'sales')).toEqual([orders]);
    expect(await db.get('settings', 'theme')).toEqual({ key: 'theme', value: 'dark' });
    db.close();
  });

  it('migrates a version 1 database to version 2: crawler runs can be kept, nothing lost', async () => {
    const factory = new IDBFactory();
    const v1 = await createVersion1Database(factory, 'decant');
    const tx = v1.transaction(['tables'], 'readwrite');
    tx.objectStore('tables').put(table('sales', 'orders'));
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v1.close();

    const db = await openCatalogDb('decant', factory);
    expect(db.version).toBe(CATALOG_DB_VERSION);
    expect(await db.count('tables')).toBe(1);
    expect(db.transaction('crawlerRuns').store.index('by-started').keyPath).toBe('startedAt');
    db.close();
  });

  it('migrates a version 2 database to version 3: saved crawlers and classifiers, runs kept', async () => {
    const factory = new IDBFactory();
    // Version 2 as released: version 1's stores plus crawlerRuns.
    (await createVersion1Database(factory, 'decant')).close();
    const open2 = factory.open('decant', 2);
    open2.onupgradeneeded = () =>
      open2.result
        .createObjectStore('crawlerRuns', { keyPath: 'id' })
        .createIndex('by-started', 'startedAt');
    const v2 = await done(open2);
    const tx = v2.transaction(['crawlerRuns'], 'readwrite');
    tx.objectStore('crawlerRuns').put({ id: 'r1', startedAt: 5 });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v2.close();

    const db = await openCatalogDb('decant', factory);
    expect(db.version).toBe(CATALOG_DB_VERSION);
    expect(await db.get('crawlerRuns', 'r1')).toMatchObject({ startedAt: 5 });
    expect(db.transaction('crawlers').store.keyPath).toBe('name');
    expect(db.transaction('classifiers').store.keyPath).toBe('name');
    db.close();
  });

  it('migrates a version 3 database to version 4: job and scheduler stores, crawlers kept', async () => {
    const factory = new IDBFactory();
    // Version 3 as released: version 1's stores, crawlerRuns (v2), crawlers and classifiers (v3).
    (await createVersion1Database(factory, 'decant')).close();
    const open3 = factory.open('decant', 3);
    open3.onupgradeneeded = () => {
      const db = open3.result;
      db.createObjectStore('crawlerRuns', { keyPath: 'id' }).createIndex('by-started', 'startedAt');
      db.createObjectStore('crawlers', { keyPath: 'name' });
      db.createObjectStore('classifiers', { keyPath: 'name' });
    };
    const v3 = await done(open3);
    const tx = v3.transaction(['crawlers'], 'readwrite');
    tx.objectStore('crawlers').put({ name: 'c1' });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v3.close();
    const db = await openCatalogDb('decant', factory);
    expect(db.version).toBe(CATALOG_DB_VERSION);
    expect(await db.get('crawlers', 'c1')).toEqual({ name: 'c1' });
    expect(db.transaction('jobRuns').store.index('by-job').keyPath).toBe('job');
    expect(db.transaction('triggerFirings').store.keyPath).toBe('key');
    expect(db.transaction('bookmarks').store.keyPath).toEqual(['job', 'source']);
    db.close();
  });

  it('migrates a version 4 database to version 5: data quality stores, jobs kept', async () => {
    const factory = new IDBFactory();
    // Version 4 as released, made by the real migrations of versions 1 to 4 (frozen above).
    (await createVersion1Database(factory, 'decant')).close();
    const open4 = factory.open('decant', 4);
    open4.onupgradeneeded = () => addVersion2To4Stores(open4.result);
    const v4 = await done(open4);
    const tx = v4.transaction(['jobs'], 'readwrite');
    tx.objectStore('jobs').put({ name: 'j1' });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v4.close();
    const db = await openCatalogDb('decant', factory);
    expect(db.version).toBe(CATALOG_DB_VERSION);
    expect(await db.get('jobs', 'j1')).toEqual({ name: 'j1' });
    const q = db.transaction(['qualityRulesets', 'qualityEvaluations']);
    expect(q.objectStore('qualityRulesets').keyPath).toEqual(['database', 'table', 'name']);
    expect(q.objectStore('qualityRulesets').index('by-table').keyPath).toEqual([
      'database',
      'table',
    ]);
    expect(q.objectStore('qualityEvaluations').keyPath).toBe('id');
    expect(q.objectStore('qualityEvaluations').index('by-table').keyPath).toEqual([
      'database',
      'table',
    ]);
    db.close();
  });

  it('migrates a version 5 database to version 6: table profiles, rulesets kept', async () => {
    const factory = new IDBFactory();
    const v5 = await createVersion5Database(factory, 'decant');
    const tx = v5.transaction(['qualityRulesets', 'tables'], 'readwrite');
    tx.objectStore('qualityRulesets').put({ database: 'sales', table: 'orders', name: 'default' });
    tx.objectStore('tables').put(table('sales', 'orders'));
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v5.close();

    const db = await openCatalogDb('decant', factory);
    expect(db.version).toBe(6);
    expect(await db.get('qualityRulesets', ['sales', 'orders', 'default'])).toMatchObject({
      name: 'default',
    });
    expect(await db.count('tables')).toBe(1);
    const profiles = db.transaction('tableProfiles').store;
    expect(profiles.keyPath).toEqual(['database', 'table', 'stamp']);
    expect(profiles.index('by-table').keyPath).toEqual(['database', 'table']);
    db.close();
  });

  it('says so when the stored catalog is newer than this Decant', async () => {
    const factory = new IDBFactory();
    (await done(factory.open('decant', CATALOG_DB_VERSION + 1))).close();
    await expect(openCatalogDb('decant', factory)).rejects.toThrow(
      /^catalog: cannot open the catalog's storage \(VersionError: /,
    );
  });

  it('steps aside when another tab opens a newer version', async () => {
    const factory = new IDBFactory();
    const onVersionChange = vi.fn();
    await openCatalogDb('decant', factory, onVersionChange);
    // Without the close on `versionchange`, this open would stay blocked.
    const newer = await done(factory.open('decant', CATALOG_DB_VERSION + 1));
    expect(onVersionChange).toHaveBeenCalledOnce();
    expect(newer.version).toBe(CATALOG_DB_VERSION + 1);
    newer.close();
  });
});
