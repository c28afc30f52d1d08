/**
 * The catalog's record types for its stores in the one IndexedDB schema (src/storage/schema.ts
 * fixes keys and indexes only; each domain describes its own records here, storage never
 * imports a domain).
 */
import type {
  CatalogDatabase,
  CatalogPartition,
  CatalogTable,
  Crawler,
  CrawlerRun,
  CsvClassifier,
  TableStatistics,
  TableVersion,
} from './model';

declare module '../storage/schema' {
  interface StoredRecords {
    databases: CatalogDatabase;
    tables: CatalogTable;
    tableVersions: TableVersion;
    partitions: CatalogPartition;
    statistics: TableStatistics;
    crawlerRuns: CrawlerRun;
    crawlers: Crawler;
    classifiers: CsvClassifier;
  }
}
