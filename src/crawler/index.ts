/**
 * The crawler: its pure heart (which files to skip, which tables and partitions the rest make,
 * the policies) and the crawl service (run-crawl) that lists, classifies, plans, commits and
 * records through ports it is given; browser-ports makes those ports for the page.
 */
export type { ClassifiedFile, CrawlFile } from './crawl-file';
export type { CrawlOptions, CrawlPlan, PartitionPlan, TablePlan } from './crawl-plan';
export { globToRegExp } from './glob';
export { groupTables } from './group-tables';
export { mergeSchemas, type FileSchema, type SchemaMerge } from './merge-schemas';
export {
  HIVE_NULL_PARTITION,
  partitionFromPath,
  partitionKeysFor,
  partitionKeyType,
  type PartitionKey,
  type PartitionLevel,
} from './partition-path';
export { filterCrawlFiles, skipReason, skipRulesFor, type SkippedFile } from './skip-rules';
export { tableNameFrom } from './table-names';
export { widerType } from './widen-type';
export {
  CHECKED_CHARS,
  csvFormatKey,
  mergeFormatKeys,
  tableCsvDialect,
} from '../core/csv/format-key';
export { sampledFolders } from '../core/paths/sample-files';
export { applyPolicies, splitNewFolders, CRAWLER_PARAMETER, type CrawlDecisions } from './policies';
export { summarizeNotes } from './summarize-notes';
export {
  commitCrawl,
  crawlerRunRecord,
  crawlFailure,
  ownedTables,
  planCrawl,
  runCrawl,
  type CopyStore,
  type CrawlCatalog,
  type CrawlEngine,
  type CrawlExtras,
  type CrawlPorts,
  type CrawlStep,
  type PlannedCrawl,
  type RunIdentity,
} from './run-crawl';
export { browserCrawlPorts } from './browser-ports';
export {
  listSources,
  requestAccess,
  s3PrefixOf,
  sourceLabel,
  sourcesFromFound,
  tableSourceFor,
  type KeepCopy,
  type S3CredentialsNow,
  type SourceProblem,
} from './crawl-sources';
export { localInput, type CrawlInput, type LocalInput, type RemoteInput } from './crawl-input';
export {
  findRemoteFiles,
  textOfSources,
  type FindOptions,
  type RemoteFound,
  type RemoteProblem,
} from './remote-files';
export {
  crawlLockName,
  failInterruptedCrawls,
  holdCrawlLock,
  interruptedRuns,
} from './interrupted-runs';
export {
  copyOwners,
  copyUse,
  sweepOrphanCopies,
  type CopyUse,
  type StoredCopy,
} from './kept-copies';
export { crawlHousekeeping, keptCopyUse } from './housekeeping';
export { newCrawler, UNSAVED } from './crawl-drafts';
export {
  runsToShow,
  SavedCrawlers,
  takenNameError,
  type CrawlerRecords,
  type CrawlerSave,
} from './saved-crawlers';
export {
  OBJECT_URL_SECONDS,
  parseS3Prefix,
  S3_LOCKED,
  signedReadCorsRule,
  SignedS3Prefix,
  type S3Credentials,
  type S3PrefixSource,
} from './s3-signed-prefix';
