/**
 * Glue's triggers and workflows, run by one tab: schedules, missed runs, conditions, file events,
 * the leader election and the scheduler that fires. Pure logic; the clock, the lock manager, the
 * firing store, listings and `start` are passed in.
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
