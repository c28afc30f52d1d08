// Storage's public face: the one IndexedDB schema, its migrations and the page's connection.
// Below the domains: it imports core only (see schema.ts for how domains type their records).
export {
  CATALOG_DB_VERSION,
  DATABASE_NAME,
  type CatalogDb,
  type CatalogDbSchema,
  type CatalogStoreName,
  type RecordIn,
  type SettingRecord,
  type SourceRecord,
  type StoredRecords,
  type WatchStateRecord,
  type WorkflowRunRecord,
} from './schema';
export { upgradeCatalogDb, type UpgradeTransaction } from './migrations';
export {
  connectStorage,
  openCatalogDb,
  storageStatusText,
  StorageConnection,
  type StorageStatus,
} from './connection';
