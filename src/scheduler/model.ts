/**
 * Glue's orchestration nouns — Trigger, Workflow, WorkflowRun — as plain, structured-cloneable data
 * (no class instances, no functions, no Dates: times are epoch milliseconds), ready for IndexedDB.
 * Jobs and crawlers are named as in Glue (`JobName`, `CrawlerName`): by name.
 */

/** Glue's job run states a CONDITIONAL trigger can watch. */
export type WatchedJobState = 'SUCCEEDED' | 'FAILED' | 'TIMEOUT' | 'STOPPED';
/** Glue's crawl states a CONDITIONAL trigger can watch. */
export type WatchedCrawlState = 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export const WATCHED_JOB_STATES: readonly WatchedJobState[] = [
  'SUCCEEDED',
  'FAILED',
  'TIMEOUT',
  'STOPPED',
];
export const WATCHED_CRAWL_STATES: readonly WatchedCrawlState[] = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
];

/** What a trigger starts (Glue's Action). */
export type TriggerAction =
  | {
      kind: 'job';
      jobName: string;
      /** Job arguments (Glue's `--key value`), merged over the job's defaults; default {}. */
      arguments: Record<string, string>;
      /** Minutes before the run is stopped as TIMEOUT; default: the job's own timeout. */
      timeoutMinutes?: number;
    }
  | { kind: 'crawler'; crawlerName: string };

/** Glue's missed-run choice does not exist (Glue is always on); a tab is not, so each trigger says. */
export type MissedRunPolicy = 'skip' | 'run-once' | 'run-all';

/** One condition of a CONDITIONAL trigger (Glue's Condition with LogicalOperator EQUALS). */
export type TriggerCondition =
  | { kind: 'job'; jobName: string; state: WatchedJobState }
  | { kind: 'crawler'; crawlerName: string; state: WatchedCrawlState };

/** Glue's Predicate. Glue spells ALL as `AND`; both names are accepted by the import. */
export interface TriggerPredicate {
  logical: 'ALL' | 'ANY';
  conditions: TriggerCondition[];
}

/**
 * A watched folder or bucket prefix for an EVENT trigger. The handle or the presigned URL lives in
 * the `sources` store under `sourceId` (a presigned URL is a credential and never sits in a
 * trigger); `label` names it for people (host and path, never a query string).
 */
export type WatchedSource =
  | { kind: 'folder'; sourceId: string; label: string; prefix?: string }
  | { kind: 'list-objects'; sourceId: string; label: string };

/** Glue's EventBatchingCondition. */
export interface EventBatching {
  /** Files that fire the trigger together, 1–100 (Glue's BatchSize). */
  batchSize: number;
  /** Seconds after the first unfired file that the batch fires anyway, 1–900 (Glue's BatchWindow); default 900. */
  windowSeconds: number;
}

interface TriggerBase {
  id: string;
  name: string;
  description: string;
  /** The workflow this trigger belongs to (Glue's WorkflowName); undefined: a standalone trigger. */
  workflowName?: string;
  actions: TriggerAction[];
  /** Glue's ACTIVATED / DEACTIVATED. Deactivated triggers never fire (ON_DEMAND ignores it, as in Glue). */
  activated: boolean;
  /**
   * When the trigger was last activated or its schedule, predicate or source changed: nothing that
   * was due before this instant is missed, and no run that ended before it satisfies a condition.
   */
  activatedAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface OnDemandTrigger extends TriggerBase {
  kind: 'ON_DEMAND';
}

export interface ScheduledTrigger extends TriggerBase {
  kind: 'SCHEDULED';
  /** `cron(15 12 * * ? *)` (AWS, six fields) or `15 12 * * *` (standard, five fields). */
  schedule: string;
  /** IANA time zone the schedule reads in, e.g. `Europe/Berlin`; Glue's own schedules are `UTC`. */
  timeZone: string;
  missedRuns: MissedRunPolicy;
}

export interface ConditionalTrigger extends TriggerBase {
  kind: 'CONDITIONAL';
  predicate: TriggerPredicate;
}

export interface EventTrigger extends TriggerBase {
  kind: 'EVENT';
  source: WatchedSource;
  /** Seconds between listings of the source. */
  pollSeconds: number;
  batching: EventBatching;
}

export type Trigger = OnDemandTrigger | ScheduledTrigger | ConditionalTrigger | EventTrigger;
export type TriggerKind = Trigger['kind'];

/** A finished job or crawler run, as conditions see it (mapped from the job and crawler run records). */
export interface RunOutcome {
  kind: 'job' | 'crawler';
  /** The job's or crawler's name. */
  name: string;
  runId: string;
  state: string;
  endedAt: number;
  /** The workflow run it ran in, if any. */
  workflowRunId?: string;
}

/** A file of a listing; `path` is relative to the watched folder or prefix. */
export interface ListedFile {
  path: string;
  size: number;
  lastModified: number;
}

/** A file that appeared or changed between two listings. */
export interface FileEvent extends ListedFile {
  change: 'new' | 'changed';
  /** When the poll that saw it ran. */
  seenAt: number;
}

/** Why a trigger fired, or what it skipped. */
export type FiringReason =
  | { kind: 'on-demand'; arguments: Record<string, string> }
  | {
      kind: 'schedule';
      scheduledFor: number;
      /** Fired after the app was closed or asleep past the scheduled time, by the missed-run policy. */
      late: boolean;
    }
  | {
      kind: 'missed';
      policy: MissedRunPolicy;
      /** How many scheduled times were skipped (a lower bound when `more`). */
      count: number;
      /** The skipped times, oldest first (at most the latest 1,000). */
      times: number[];
      /** More, older times were skipped than were listed. */
      more: boolean;
    }
  | { kind: 'condition'; logical: 'ALL' | 'ANY'; runs: RunOutcome[] }
  | { kind: 'event'; reason: 'batch-size' | 'window'; files: FileEvent[] };

/** A run a firing started. */
export interface StartedRun {
  kind: 'job' | 'crawler';
  name: string;
  runId: string;
}

/**
 * One firing of a trigger, or one batch of skipped scheduled times. `key` is unique per trigger and
 * occasion (trigger id + scheduled time, + the runs that satisfied a condition, + the files of an
 * event batch), so a record store that adds only if absent keeps any firing from happening twice.
 */
export interface TriggerFiring {
  key: string;
  triggerId: string;
  triggerName: string;
  /** The scheduled time for SCHEDULED firings and skips; otherwise when the occasion arose. */
  scheduledFor: number;
  /** When the scheduler recorded it. */
  recordedAt: number;
  why: FiringReason;
  /**
   * `starting`: claimed, start() not yet returned; `started`: the runs started; `failed`: start()
   * threw (`error` says why); `skipped`: missed times not run, by policy.
   */
  outcome: 'starting' | 'started' | 'failed' | 'skipped';
  started: StartedRun[];
  error?: string;
  /** The workflow run this firing belongs to, if any. */
  workflowRunId?: string;
}

/** Glue's Workflow. Its graph is its triggers' (those naming it), as in Glue. */
export interface Workflow {
  name: string;
  description: string;
  /** Shared run properties every run starts with, readable by its jobs as parameters. */
  defaultRunProperties: Record<string, string>;
  /** Runs at once; undefined: no limit. */
  maxConcurrentRuns?: number;
  createdAt: number;
  updatedAt: number;
}

export type WorkflowRunState = 'RUNNING' | 'COMPLETED' | 'STOPPING' | 'STOPPED' | 'ERROR';

/** The state of one job or crawler node in a workflow run. */
export interface WorkflowNodeRun {
  /** `job:<name>` or `crawler:<name>`. */
  nodeId: string;
  state: 'WAITING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMEOUT' | 'STOPPED' | 'CANCELLED';
  runId?: string;
  startedAt?: number;
  endedAt?: number;
  error?: string;
}

/** Glue's WorkflowRun, kept in history. */
export interface WorkflowRun {
  id: string;
  workflowName: string;
  /** The workflow's defaults plus what the run set; jobs read them as parameters. */
  properties: Record<string, string>;
  state: WorkflowRunState;
  startedAt: number;
  endedAt?: number;
  /** The firing key that started it. */
  startedBy: string;
  nodes: WorkflowNodeRun[];
  /** When resumed after a failure: the run it resumes and the nodes it starts again from. */
  resumedFrom?: { runId: string; nodeIds: string[] };
  error?: string;
}
