/**
 * How a database of any older version is brought up to CATALOG_DB_VERSION. A new version
 * appends a `case` and bumps CATALOG_DB_VERSION (schema.ts); cases never change once released,
 * since users hold databases created by every one of them.
 */
import type { IDBPTransaction } from 'idb';
import type { CatalogDb, CatalogDbSchema, CatalogStoreName } from './schema';

export type UpgradeTransaction = IDBPTransaction<
  CatalogDbSchema,
  CatalogStoreName[],
  'versionchange'
>;

/**
 * Brings a database from `oldVersion` to CATALOG_DB_VERSION. Cases fall through on purpose:
 * a v0 (new) database runs every step, a v1 database only the steps after 1.
 */
export function upgradeCatalogDb(
  db: CatalogDb,
  oldVersion: number,
  _newVersion: number | null,
  _tx: UpgradeTransaction,
): void {
  switch (oldVersion) {
    case 0: {
      db.createObjectStore('databases', { keyPath: 'name' });
      const tables = db.createObjectStore('tables', { keyPath: ['database', 'name'] });
      tables.createIndex('by-database', 'database');
      const versions = db.createObjectStore('tableVersions', {
        keyPath: ['database', 'table', 'version'],
      });
      versions.createIndex('by-table', ['database', 'table']);
      const partitions = db.createObjectStore('partitions', {
        keyPath: ['database', 'table', 'location'],
      });
      partitions.createIndex('by-table', ['database', 'table']);
      db.createObjectStore('statistics', { keyPath: ['database', 'table', 'version'] });
      db.createObjectStore('sources', { keyPath: 'id' });
      db.createObjectStore('settings', { keyPath: 'key' });
    }
    // falls through
    case 1: {
      const runs = db.createObjectStore('crawlerRuns', { keyPath: 'id' });
      runs.createIndex('by-started', 'startedAt');
    }
    // falls through
    case 2: {
      db.createObjectStore('crawlers', { keyPath: 'name' });
      db.createObjectStore('classifiers', { keyPath: 'name' });
    }
    // falls through
    case 3: {
      db.createObjectStore('jobs', { keyPath: 'name' });
      db.createObjectStore('jobVersions', { keyPath: ['job', 'version'] }).createIndex(
        'by-job',
        'job',
      );
      const jobRuns = db.createObjectStore('jobRuns', { keyPath: 'id' });
      jobRuns.createIndex('by-job', 'job');
      jobRuns.createIndex('by-started', 'startedAt');
      db.createObjectStore('bookmarks', { keyPath: ['job', 'source'] });
      db.createObjectStore('triggers', { keyPath: 'id' });
      const firings = db.createObjectStore('triggerFirings', { keyPath: 'key' });
      firings.createIndex('by-trigger', 'triggerId');
      firings.createIndex('by-recorded', 'recordedAt');
      db.createObjectStore('watchStates', { keyPath: 'id' });
      db.createObjectStore('workflows', { keyPath: 'name' });
      const wfRuns = db.createObjectStore('workflowRuns', { keyPath: 'id' });
      wfRuns.createIndex('by-workflow', 'workflow');
      wfRuns.createIndex('by-started', 'startedAt');
    }
    // falls through
    case 4: {
      db.createObjectStore('qualityRulesets', {
        keyPath: ['database', 'table', 'name'],
      }).createIndex('by-table', ['database', 'table']);
      db.createObjectStore('qualityEvaluations', { keyPath: 'id' }).createIndex('by-table', [
        'database',
        'table',
      ]);
    }
    // falls through
    case 5: {
      db.createObjectStore('tableProfiles', {
        keyPath: ['database', 'table', 'stamp'],
      }).createIndex('by-table', ['database', 'table']);
    }
    // falls through
    // case 6: the v7 migration goes here, using `_tx` to read and rewrite existing records.
  }
}
