/**
 * What the scheduler service needs from the page, as narrow interfaces: the app passes the real
 * ones (IndexedDB store, Web Locks, BroadcastChannel, the Jobs area, the crawl session), tests
 * pass in-memory ones with the same semantics.
 */
import type { CrawlerRun } from '../catalog';
import type { LeaderState, LockManagerLike } from './leader';
import type { RunOutcome, Trigger, TriggerFiring, Workflow, WorkflowRun } from './model';
import type { EventSources, SchedulerClock, TriggerProblem } from './scheduler';
import type { SchedulerStore } from './store';
import type { JobRunRecord } from './run-outcomes';

/** What the scheduler's tabs tell each other. */
export type SchedulerMessage =
  | { type: 'changed' }
  | { type: 'run-finished'; outcome: RunOutcome }
  | { type: 'problem'; problem: TriggerProblem }
  | { type: 'stop'; workflowRunId: string };

/** The cross-tab bus (src/platform/tab-bus.ts): a message reaches every other bus, never its sender. */
export interface SchedulerBus {
  post(message: SchedulerMessage): void;
  subscribe(listener: (message: SchedulerMessage) => void): () => void;
}

/** `navigator.locks`: requests, and a snapshot of what every tab holds or waits for. */
export interface SchedulerLocks extends LockManagerLike {
  query(): Promise<LockSnapshotLike> | LockSnapshotLike;
}

export interface LockSnapshotLike {
  held?: readonly { name?: string }[];
  pending?: readonly { name?: string }[];
}

/** The scheduler's time, and the scheduler's time of a wall-clock instant (a run's `endedAt`). */
export interface ServiceClock extends SchedulerClock {
  fromWall(t: number): number;
}

/** Starts and stops job runs (the Jobs area). */
export interface JobLauncher {
  /** Resolves with the run's id once it is recorded, before it ends. */
  start(name: string, args: Record<string, string>): Promise<string>;
  cancel(runId: string): Promise<void>;
  /** Resolves when the run has ended (in this tab), as recorded. */
  ended(runId: string): Promise<FinishedJobRun>;
}

/** The part of a finished job run the scheduler reads. */
export interface FinishedJobRun extends JobRunRecord {
  endedAt: number;
}

/** A crawler run the scheduler started: cancel it, or wait for its record. */
export interface CrawlerLaunch {
  runId: string;
  cancel(): void;
  /** The run as recorded (SUCCEEDED, FAILED or CANCELLED); never rejects. */
  done: Promise<CrawlerRun>;
}

export interface CrawlerLauncher {
  /** Starts the saved crawler as run `runId`; throws a DecantError saying why it cannot start. */
  launch(name: string, runId: string): Promise<CrawlerLaunch>;
  /** Records a crawler run (one the sweep found interrupted). */
  record(run: CrawlerRun): Promise<void>;
}

/** A run that did not end well, for notifications. */
export interface FailedRun {
  kind: 'job' | 'crawler';
  name: string;
  state: string;
}

/** Everything the Schedule page shows, as last read. */
export interface SchedulerRecords {
  triggers: Trigger[];
  /** Newest first. */
  firings: TriggerFiring[];
  workflows: Workflow[];
  /** Newest first. */
  workflowRuns: WorkflowRun[];
  crawlerNames: string[];
  jobNames: string[];
}

export interface SchedulerPorts {
  store: SchedulerStore;
  clock: ServiceClock;
  bus: SchedulerBus;
  /** Null where the browser has no Web Locks: this tab then never fires by itself. */
  locks: SchedulerLocks | null;
  /** Null until jobs can run here: job actions then fail and say so. */
  jobs: JobLauncher | null;
  crawlers: CrawlerLauncher;
  /**
   * Marks FAILED "interrupted (the tab was closed)", in one transaction, every job run still
   * going whose run lock is not in `live` (src/jobs' JobStore.markInterrupted); resolves with them.
   */
  interruptJobRuns(live: ReadonlySet<string>): Promise<JobRunRecord[]>;
  /** EVENT triggers' listings and watch states. */
  sources: EventSources;
  /** Resolves once crawls can plan against the catalog (its tables are read, or cannot be). */
  catalogReady(): Promise<void>;
  /** How often (wall ms) the leader looks for runs that finished anywhere; default 2000. */
  pollMs?: number;
  newId?(prefix: string): string;
}

/** What the service tells the page. */
export interface SchedulerEvents {
  /** Records, problems, the leader state or the error changed. */
  onChange?(): void;
  /** A run ended badly; told once, in the leader tab. */
  onFailedRun?(run: FailedRun): void;
}

export type { LeaderState };
