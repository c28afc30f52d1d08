/**
 * Job runs, saved jobs and bookmarks as they are stored (catalog schema v4: `jobs`,
 * `jobVersions`, `jobRuns`, `bookmarks`). Plain, structured-cloneable data.
 */
import { hasEnded } from '../core/run-states';
import type { EvaluationRecord } from '../quality';
import type { BookmarkMode, DataQualityFailureAction, Job, NodeId } from './model';

/** Glue's JobRunState, minus the states a tab never has (WAITING, ERROR, EXPIRED). */
export type JobRunState =
  'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED' | 'TIMEOUT';

/** The states a job run never leaves: the ended ones of src/core/run-states.ts a job can reach. */
export const FINAL_STATES: readonly JobRunState[] = (
  ['STOPPED', 'SUCCEEDED', 'FAILED', 'TIMEOUT'] as const
).filter(hasEnded);

/** True for a state a run never leaves (see src/core/run-states.ts, the one list). */
export function isFinal(state: JobRunState): boolean {
  return hasEnded(state);
}

/** Why a run that did not succeed ended: its stop, its timeout, or an error. */
export function endStateOf(
  reason: 'cancel' | 'timeout' | null,
  errorCode?: string,
): 'STOPPED' | 'TIMEOUT' | 'FAILED' {
  if (reason === 'timeout') return 'TIMEOUT';
  if (reason === 'cancel' || errorCode === 'cancelled') return 'STOPPED';
  return 'FAILED';
}

/** A run log line, stamped now. */
export function logLine(level: RunLogLine['level'], message: string, at = Date.now()): RunLogLine {
  return { at, level, message };
}

/** A file as a bookmark remembers it: a changed size or time makes it a new file. */
export interface FileStamp {
  /** The catalog path (relative to the table root, as in `CatalogPartition.files`). */
  path: string;
  size: number;
  lastModified: number;
}

export interface RunLogLine {
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** What a run knows about one node; fields are absent where not known. */
export interface RunNodeMetrics {
  /** Rows the node read (a source: rows in its files). */
  rowsIn?: number;
  /** Rows the node produced (a target: rows written). */
  rowsOut?: number;
}

/** One written file, relative to the target's output folder (`year=2024/part-….parquet`). */
export interface RunOutputFile {
  path: string;
  rows: number;
  bytes: number;
}

export interface RunTarget {
  nodeId: NodeId;
  name: string;
  /** `opfs:sales-out/`, `folder:exports/`, `download:sales.zip`. */
  destination: string;
  sql: string;
  rowsWritten: number;
  bytesWritten: number;
  files: RunOutputFile[];
  /** `database.table` when the output was registered in the catalog. */
  registered?: string;
}

export interface RunSource {
  nodeId: NodeId;
  /** `database.table` or the dropped file's name. */
  label: string;
  /** Files this run read (catalog paths) with their stamps; null when not known. */
  files: FileStamp[] | null;
  /** Files a bookmark made this run skip. */
  skipped: number;
  bytes: number;
}

export interface RunProgress {
  /** 0…1, as well as it is known. */
  fraction: number;
  /** What is happening, e.g. `target "by region": writing year=2024 (2 of 5)`. */
  phase: string;
  rowsWritten: number;
}

/**
 * One attempt of a job (retries are separate runs with `attempt` 1, 2, … and the same
 * `firstRunId`). Stored when it starts and on every change of state.
 */
export interface JobRun {
  id: string;
  job: string;
  /** The saved version that ran. */
  jobVersion: number;
  attempt: number;
  /** The run of attempt 0; equal to `id` for it. */
  firstRunId: string;
  state: JobRunState;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  /** The run's arguments (job parameters overridden by the caller), by name without `--`. */
  arguments: Record<string, string>;
  bookmarks: BookmarkMode;
  timeoutMinutes: number;
  nodes: Record<NodeId, RunNodeMetrics>;
  sources: RunSource[];
  targets: RunTarget[];
  bytesRead: number;
  bytesWritten: number;
  /** The SQL executed: every target's statement (the Script tab, with this run's arguments). */
  sql: string;
  log: RunLogLine[];
  error?: { nodeId?: NodeId; message: string };
  /** Live only; not meaningful once final. */
  progress?: RunProgress;
  /**
   * For a SUCCEEDED run with bookmarks enabled: each source's bookmark after this run
   * committed (what rewinding to this run restores).
   */
  bookmarkAfter?: Record<NodeId, FileStamp[]>;
  /** Each Evaluate Data Quality node's rule outcomes, once measured (runs before it have none). */
  quality?: RunQualityResult[];
}

/** One Evaluate Data Quality node's outcome in a run. */
export interface RunQualityResult {
  nodeId: NodeId;
  /** The node's name when it ran. */
  node: string;
  onFailure: DataQualityFailureAction;
  /** Per rule PASS/FAIL/ERROR with what was measured (`database` is the job, `table` the node). */
  evaluation: EvaluationRecord;
}

/** A job as saved: the current version of it (`jobs` store). */
export interface SavedJob {
  name: string;
  version: number;
  savedAt: number;
  createdAt: number;
  note: string;
  job: Job;
}

/** Every saved version of a job, the current one included (`jobVersions` store). */
export interface JobVersion {
  job: string;
  version: number;
  savedAt: number;
  /** Why it was saved, e.g. `restored version 2`; '' when the user gave none. */
  note: string;
  snapshot: Job;
}

/** Glue's job bookmark for one source of one job (`bookmarks` store). */
export interface JobBookmark {
  job: string;
  /** The source node's id. */
  source: NodeId;
  files: FileStamp[];
  /** The run that last committed it; absent after a rewind or a reset. */
  runId?: string;
  updatedAt: number;
}

/** The Web Lock a run holds while it runs in this tab (see interruptedRuns). */
export function runLockName(runId: string): string {
  return `decant-job-run:${runId}`;
}

export const INTERRUPTED_MESSAGE = 'interrupted (the tab was closed)';
