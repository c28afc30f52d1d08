/**
 * The jobs' record types for their stores in the one IndexedDB schema (src/storage/schema.ts
 * fixes keys and indexes only; each domain describes its own records here).
 */
import type { JobBookmark, JobRun, JobVersion, SavedJob } from './run-model';

declare module '../storage/schema' {
  interface StoredRecords {
    jobs: SavedJob;
    jobVersions: JobVersion;
    jobRuns: JobRun;
    bookmarks: JobBookmark;
  }
}
