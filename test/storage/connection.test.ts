import { describe, expect, it, vi } from 'vitest';
import 'fake-indexeddb/auto';
import { forceCloseDatabase, IDBFactory } from 'fake-indexeddb';
import { unwrap } from 'idb';
import {
  CATALOG_DB_VERSION,
  connectStorage,
  storageStatusText,
  type StorageStatus,
} from '../../src/storage';

/** A promise for an IDBRequest's result. */
function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

const UPDATED = /^storage: Decant was updated in another tab — reload this page/;

describe('the page connection', () => {
  it('opens once, says it is open, and reads and writes', async () => {
    const connection = connectStorage({ name: 'decant', factory: new IDBFactory() });
    expect(connection.status.kind).toBe('opening');
    const db = await connection.db;
    expect(connection.status).toEqual({ kind: 'open' });
    await db.put('settings', { key: 'theme', value: 'dark' });
    expect(await db.get('settings', 'theme')).toEqual({ key: 'theme', value: 'dark' });
    connection.close();
  });

  it('closes for a newer version opened in another tab, then refuses every write in words', async () => {
    const factory = new IDBFactory();
    const connection = connectStorage({ name: 'decant', factory });
    const seen: StorageStatus[] = [];
    connection.onStatus((s) => seen.push(s));
    const db = await connection.db;

    // Tab B, a newer build: without the close on `versionchange` this open would stay blocked.
    const newer = await done(factory.open('decant', CATALOG_DB_VERSION + 1));
    expect(newer.version).toBe(CATALOG_DB_VERSION + 1);
    expect(connection.status).toEqual({ kind: 'outdated', newVersion: CATALOG_DB_VERSION + 1 });
    expect(seen.at(-1)).toEqual(connection.status);
    expect(storageStatusText(connection.status)).toBe(
      'Decant was updated in another tab — reload this page to keep working.',
    );

    // A save in tab A: the clear message, not InvalidStateError, and nothing written.
    await expect(db.put('settings', { key: 'theme', value: 'dark' })).rejects.toThrow(UPDATED);
    expect(() => db.transaction('settings', 'readwrite')).toThrow(UPDATED);
    await expect(db.get('settings', 'theme')).rejects.toThrow(UPDATED);
    const count = newer.transaction('settings').objectStore('settings').count();
    expect(await done(count)).toBe(0);
    newer.close();
  });

  it('says the database was deleted when another tab deletes it', async () => {
    const factory = new IDBFactory();
    const connection = connectStorage({ name: 'decant', factory });
    const db = await connection.db;
    await done(factory.deleteDatabase('decant'));
    expect(connection.status).toEqual({ kind: 'outdated', newVersion: null });
    await expect(db.count('tables')).rejects.toThrow(/storage was deleted in another tab/);
  });

  it('waits, blocked, while an older tab that does not let go holds the database', async () => {
    const factory = new IDBFactory();
    const older = await done(factory.open('decant', 1));
    const connection = connectStorage({ name: 'decant', factory });
    const statuses: string[] = [];
    connection.onStatus((s) => statuses.push(s.kind));
    await vi.waitFor(() => expect(connection.status.kind).toBe('blocked'));
    older.close();
    const db = await connection.db;
    expect(db.version).toBe(CATALOG_DB_VERSION);
    expect(statuses).toEqual(['blocked', 'open']);
    connection.close();
  });

  it('an older build opening a newer database says so, and what to do', async () => {
    const factory = new IDBFactory();
    (await done(factory.open('decant', CATALOG_DB_VERSION + 1))).close();
    const connection = connectStorage({ name: 'decant', factory });
    const error = await connection.db.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(
        `saved by a newer Decant \\(storage version ${CATALOG_DB_VERSION + 1}; this page knows ` +
          `version ${CATALOG_DB_VERSION}\\)\\. This page is an older copy of Decant: reload it`,
      ),
    );
    expect(connection.status.kind).toBe('failed');
    expect(storageStatusText(connection.status)).toBe((error as Error).message);
  });

  it('is lost when the browser closes the connection, and refuses calls from then on', async () => {
    const connection = connectStorage({ name: 'decant', factory: new IDBFactory() });
    const db = await connection.db;
    forceCloseDatabase(
      unwrap(db.transaction('settings').db) as unknown as Parameters<typeof forceCloseDatabase>[0],
    );
    await vi.waitFor(() => expect(connection.status).toEqual({ kind: 'lost' }));
    await expect(db.getAll('settings')).rejects.toThrow(/^storage: The browser closed Decant's/);
  });
});
