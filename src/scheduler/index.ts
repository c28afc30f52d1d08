/**
 * Glue's triggers and workflows, run by one tab: schedules, missed runs, conditions, file events,
 * the leader election, the scheduler that fires, workflow-run transitions, and the service that
 * runs it all in a page. The clock, the lock manager, the store, the tab bus, listings and the job
 * and crawler launchers are passed in (see ports.ts).
 */
export type * from './model';
export { WATCHED_CRAWL_STATES, WATCHED_JOB_STATES } from './model';
export {
  canonicalTimeZone,
  fireTimesAfter,
  fireTimesBetween,
  nextFireTimes,
  parseSchedule,
  ScheduleError,
  type CronFieldName,
  type CronSyntax,
  type Schedule,
} from './cron';
export {
  DEFAULT_GRACE_MS,
  DEFAULT_MAX_RUN_ALL,
  DEFAULT_MISSED_LIMIT,
  planMissedRuns,
  type MissedRunInput,
  type MissedRunPlan,
} from './missed-runs';
export {
  conditionFiring,
  conditionTarget,
  runTarget,
  watches,
  type ConditionFiring,
} from './conditions';
export {
  applyPoll,
  batchDeadline,
  checkBatching,
  DEFAULT_BATCH_WINDOW_SECONDS,
  dueBatches,
  emptyWatchState,
  type EventBatch,
  type EventWatchState,
} from './event-batching';
export {
  electLeader,
  SCHEDULER_LOCK,
  type ElectionEvents,
  type LeaderElection,
  type LeaderState,
  type LockLike,
  type LockManagerLike,
  type LockRequestOptions,
} from './leader';
export {
  Scheduler,
  scheduleKey,
  type EventSources,
  type FiringStore,
  type SchedulerClock,
  type SchedulerOptions,
  type StartActions,
  type TriggerProblem,
} from './scheduler';
export { MIN_POLL_SECONDS, triggerProblems, type TriggerProblemField } from './validate';
export {
  workflowGraph,
  type WorkflowEdge,
  type WorkflowGraph,
  type WorkflowNode,
} from './workflow-graph';
export {
  ENDED_BADLY,
  newWorkflowRun,
  nextWorkflowRun,
  nodeIdOf,
  resumedWorkflowRun,
  type WorkflowRunEvent,
} from './workflow-runs';
export {
  outcomeOfCrawlerRun,
  outcomeOfJobRun,
  outcomesOf,
  type JobRunRecord,
} from './run-outcomes';
export { SchedulerService } from './service';
export { SchedulerStore, type WatchedSourceRecord } from './store';
export { eventSources } from './event-sources';
export type * from './ports';
export { launchCrawler, type LaunchCatalog } from './launch-runs';
export {
  argumentsFromText,
  argumentsText,
  blankTrigger,
  previewSchedule,
  problemsByField,
  timeZones,
  TRIGGER_KIND_WORDS,
  type SchedulePreview,
} from './trigger-form';
