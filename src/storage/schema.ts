/**
 * The one IndexedDB schema of Decant's catalog, and how a database of any older version is brought
 * up to date. A new version appends a `case` to `upgradeCatalogDb` and bumps CATALOG_DB_VERSION;
 * cases never change once released, since users hold databases created by every one of them.
 */
import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { catalogError } from '../catalog/catalog-errors';
import type {
  CatalogDatabase,
  CatalogPartition,
  CatalogTable,
  Crawler,
  CrawlerRun,
  CsvClassifier,
  TableStatistics,
  TableVersion,
} from '../catalog/model';
import type { EventWatchState, Trigger, TriggerFiring, Workflow, WorkflowRun } from '../scheduler';
import type { JobBookmark, JobRun, JobVersion, SavedJob } from '../jobs/run-model';

export const CATALOG_DB_VERSION = 4;

/** A source the crawler reads (a granted handle, a URL…); its shape arrives with the crawler. */
export interface SourceRecord {
  id: string;
  [field: string]: unknown;
}

/** One user or app setting, e.g. `{ key: 'theme', value: 'dark' }`. */
export interface SettingRecord {
  key: string;
  value: unknown;
}

type TableKey = [database: string, table: string];

export interface CatalogDbSchema extends DBSchema {
  databases: { key: string; value: CatalogDatabase };
  tables: { key: TableKey; value: CatalogTable; indexes: { 'by-database': string } };
  tableVersions: {
    key: [database: string, table: string, version: number];
    value: TableVersion;
    indexes: { 'by-table': TableKey };
  };
  partitions: {
    key: [database: string, table: string, location: string];
    value: CatalogPartition;
    indexes: { 'by-table': TableKey };
  };
  statistics: { key: [database: string, table: string, version: number]; value: TableStatistics };
  sources: { key: string; value: SourceRecord };
  settings: { key: string; value: SettingRecord };
  /** Since v2: one record per crawler run, successful or not. */
  crawlerRuns: { key: string; value: CrawlerRun; indexes: { 'by-started': number } };
  /** Since v3: saved crawlers, by name. */
  crawlers: { key: string; value: Crawler };
  /** Since v3: custom CSV classifiers, by name. */
  classifiers: { key: string; value: CsvClassifier };
  /** Since v4: ETL jobs (src/jobs), current version, by name. */
  jobs: { key: string; value: SavedJob };
  /** Since v4: every saved version of every job. */
  jobVersions: {
    key: [job: string, version: number];
    value: JobVersion;
    indexes: { 'by-job': string };
  };
  /** Since v4: job runs, with their state, metrics, log and error. */
  jobRuns: {
    key: string;
    value: JobRun;
    indexes: { 'by-job': string; 'by-started': number };
  };
  /** Since v4: per job and source, the files successful runs processed (job bookmarks). */
  bookmarks: {
    key: [job: string, source: string];
    value: JobBookmark;
  };
  /** Since v4: scheduler triggers (src/scheduler/model.ts), by id. */
  triggers: { key: string; value: Trigger };
  /** Since v4: each firing of a trigger, keyed so that none is recorded (or run) twice. */
  triggerFirings: {
    key: string;
    value: TriggerFiring;
    indexes: { 'by-trigger': string; 'by-recorded': number };
  };
  /** Since v4: what an EVENT trigger has seen of its watched source, by trigger id. */
  watchStates: { key: string; value: WatchStateRecord };
  /** Since v4: workflows, by name, and their runs. */
  workflows: { key: string; value: Workflow };
  workflowRuns: {
    key: string;
    value: WorkflowRunRecord;
    indexes: { 'by-workflow': string; 'by-started': number };
  };
}

/**
 * Records of stores whose shapes live with their modules (src/jobs, src/scheduler): the catalog
 * only fixes their keys and indexes.
 */
export interface StoredRecord {
  [field: string]: unknown;
}

/** An EVENT trigger's watch state as stored: `id` is the trigger's id. */
export interface WatchStateRecord extends EventWatchState {
  id: string;
}

/** A WorkflowRun as stored: `workflow` (its workflowName) feeds the `by-workflow` index. */
export interface WorkflowRunRecord extends WorkflowRun {
  workflow: string;
}

export type CatalogDb = IDBPDatabase<CatalogDbSchema>;
export type CatalogStoreName = StoreNames<CatalogDbSchema>;

/**
 * Opens (creating or upgrading as needed) the catalog database. `factory` defaults to the
 * global `indexedDB`; tests pass a fresh fake one. When another tab opens a newer version, this
 * connection closes so that tab's upgrade is not blocked, and `onVersionChange` is told (the
 * app should then ask the user to reload). Rejects with a DecantError if the browser refuses.
 */
export function openCatalogDb(
  name = 'decant',
  factory: IDBFactory = globalThis.indexedDB,
  onVersionChange?: () => void,
): Promise<CatalogDb> {
  // idb's openDB always opens through the global `indexedDB`; this is the same few lines with
  // the factory passed in, so tests and a future worker can hand over their own.
  const request = factory.open(name, CATALOG_DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    upgradeCatalogDb(
      wrap(request.result) as CatalogDb,
      event.oldVersion,
      event.newVersion,
      wrap(request.transaction!) as unknown as UpgradeTransaction,
    );
  });
  const opened = wrap(request) as unknown as Promise<CatalogDb>;
  return opened.then(
    (db) => {
      db.addEventListener('versionchange', () => {
        db.close();
        onVersionChange?.();
      });
      return db;
    },
    (err: unknown) => {
      // E.g. storage disabled (some private modes) or a failed migration.
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw catalogError(`cannot open the catalog's storage (${why})`, err);
    },
  );
}

type UpgradeTransaction = IDBPTransaction<CatalogDbSchema, CatalogStoreName[], 'versionchange'>;

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
    // case 4: the v5 migration goes here, using `_tx` to read and rewrite existing records.
  }
}
