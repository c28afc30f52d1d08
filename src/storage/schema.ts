/**
 * The one IndexedDB schema of Decant: every store with its key and indexes, and the version it
 * is at. Migrations live in migrations.ts, the page's connection in connection.ts.
 *
 * Storage sits below the domains (catalog, crawler, jobs, scheduler) and imports none of them.
 * This file fixes what IndexedDB itself relies on: each store's key fields and indexed fields
 * (`StoreKeyFields`). The full record types belong to the domains, which add them to
 * `StoredRecords` by module augmentation (`declare module '../storage/schema'`, in each domain's
 * `stored-records.ts`). So a domain's store reads and writes its own model types with no cast,
 * storage never names them, and `RecordsFitKeys` fails the build if a domain's type loses a
 * field its store's key or an index is made of.
 */
import type { DBSchema, IDBPDatabase, StoreNames } from 'idb';

export const CATALOG_DB_VERSION = 6;

/** The name of the page's one database. */
export const DATABASE_NAME = 'decant';

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

/** What IndexedDB needs of each store's records: the key path's and the indexes' fields. */
export interface StoreKeyFields {
  databases: { name: string };
  tables: { database: string; name: string };
  tableVersions: { database: string; table: string; version: number };
  partitions: { database: string; table: string; location: string };
  statistics: { database: string; table: string; version: number };
  sources: { id: string };
  settings: { key: string };
  crawlerRuns: { id: string; startedAt: number };
  crawlers: { name: string };
  classifiers: { name: string };
  jobs: { name: string };
  jobVersions: { job: string; version: number };
  jobRuns: { id: string; job: string; startedAt: number };
  bookmarks: { job: string; source: string };
  triggers: { id: string };
  triggerFirings: { key: string; triggerId: string; recordedAt: number };
  watchStates: { id: string };
  workflows: { name: string };
  workflowRuns: { id: string; workflow: string; startedAt: number };
  qualityRulesets: { database: string; table: string; name: string };
  qualityEvaluations: { id: string; database: string; table: string; startedAt: number };
  tableProfiles: { database: string; table: string; stamp: string };
}

/**
 * Each store's record type. Storage's own stores are here; the domains add theirs (see the top
 * of this file). A store no domain has described holds its key fields only.
 */
export interface StoredRecords {
  sources: SourceRecord;
  settings: SettingRecord;
}

type StoreName = keyof StoreKeyFields;

/** The record type of `store`: the domain's, or the bare key fields when none is declared. */
export type RecordIn<S extends StoreName> = S extends keyof StoredRecords
  ? StoredRecords[S]
  : StoreKeyFields[S];

/** Fails to compile when a declared record type lacks a field its store's key or index uses. */
export type RecordsFitKeys<
  R extends { [S in StoreName]: StoreKeyFields[S] } = { [S in StoreName]: RecordIn<S> },
> = R;

type TableKey = [database: string, table: string];

export interface CatalogDbSchema extends DBSchema {
  databases: { key: string; value: RecordIn<'databases'> };
  tables: { key: TableKey; value: RecordIn<'tables'>; indexes: { 'by-database': string } };
  tableVersions: {
    key: [database: string, table: string, version: number];
    value: RecordIn<'tableVersions'>;
    indexes: { 'by-table': TableKey };
  };
  partitions: {
    key: [database: string, table: string, location: string];
    value: RecordIn<'partitions'>;
    indexes: { 'by-table': TableKey };
  };
  statistics: {
    key: [database: string, table: string, version: number];
    value: RecordIn<'statistics'>;
  };
  sources: { key: string; value: RecordIn<'sources'> };
  settings: { key: string; value: RecordIn<'settings'> };
  /** Since v2: one record per crawler run, successful or not. */
  crawlerRuns: { key: string; value: RecordIn<'crawlerRuns'>; indexes: { 'by-started': number } };
  /** Since v3: saved crawlers, by name. */
  crawlers: { key: string; value: RecordIn<'crawlers'> };
  /** Since v3: custom CSV classifiers, by name. */
  classifiers: { key: string; value: RecordIn<'classifiers'> };
  /** Since v4: ETL jobs (src/jobs), current version, by name. */
  jobs: { key: string; value: RecordIn<'jobs'> };
  /** Since v4: every saved version of every job. */
  jobVersions: {
    key: [job: string, version: number];
    value: RecordIn<'jobVersions'>;
    indexes: { 'by-job': string };
  };
  /** Since v4: job runs, with their state, metrics, log and error. */
  jobRuns: {
    key: string;
    value: RecordIn<'jobRuns'>;
    indexes: { 'by-job': string; 'by-started': number };
  };
  /** Since v4: per job and source, the files successful runs processed (job bookmarks). */
  bookmarks: { key: [job: string, source: string]; value: RecordIn<'bookmarks'> };
  /** Since v4: scheduler triggers, by id. */
  triggers: { key: string; value: RecordIn<'triggers'> };
  /** Since v4: each firing of a trigger, keyed so that none is recorded (or run) twice. */
  triggerFirings: {
    key: string;
    value: RecordIn<'triggerFirings'>;
    indexes: { 'by-trigger': string; 'by-recorded': number };
  };
  /** Since v4: what an EVENT trigger has seen of its watched source, by trigger id. */
  watchStates: { key: string; value: RecordIn<'watchStates'> };
  /** Since v4: workflows, by name, and their runs. */
  workflows: { key: string; value: RecordIn<'workflows'> };
  workflowRuns: {
    key: string;
    value: RecordIn<'workflowRuns'>;
    indexes: { 'by-workflow': string; 'by-started': number };
  };
  /** Since v5: data quality rulesets (DQDL), per table and name. */
  qualityRulesets: {
    key: [database: string, table: string, name: string];
    value: RecordIn<'qualityRulesets'>;
    indexes: { 'by-table': TableKey };
  };
  /** Since v5: each evaluation of a ruleset, with every rule's outcome. */
  qualityEvaluations: {
    key: string;
    value: RecordIn<'qualityEvaluations'>;
    indexes: { 'by-table': TableKey };
  };
  /** Since v6: table profiles (src/quality/profile), per table and version stamp. */
  tableProfiles: {
    key: [database: string, table: string, stamp: string];
    value: RecordIn<'tableProfiles'>;
    indexes: { 'by-table': TableKey };
  };
}

/** An EVENT trigger's watch state as stored: `id` is the trigger's id. */
export type WatchStateRecord = RecordIn<'watchStates'>;

/** A workflow run as stored: `workflow` (its workflowName) feeds the `by-workflow` index. */
export type WorkflowRunRecord = RecordIn<'workflowRuns'>;

export type CatalogDb = IDBPDatabase<CatalogDbSchema>;
export type CatalogStoreName = StoreNames<CatalogDbSchema>;
