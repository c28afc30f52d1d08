/**
 * The one list of run states, for every kind of run Decant records: job runs, crawler runs,
 * workflow runs and their nodes. Each kind uses the states that apply to it (a crawler run is
 * never STOPPING, a job run never CANCELLED), but every page and rule agrees on what each means.
 */
export const RUN_STATES = [
  'WAITING',
  'STARTING',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'SUCCEEDED',
  'COMPLETED',
  'FAILED',
  'TIMEOUT',
  'CANCELLED',
  'ERROR',
] as const;

export type RunState = (typeof RUN_STATES)[number];

/** States a run never leaves. */
export const ENDED_STATES: ReadonlySet<string> = new Set<RunState>([
  'STOPPED',
  'SUCCEEDED',
  'COMPLETED',
  'FAILED',
  'TIMEOUT',
  'CANCELLED',
  'ERROR',
]);

/** Ended without success: a workflow resumes from these, failure notifications tell of them. */
export const ENDED_BADLY: ReadonlySet<string> = new Set<RunState>([
  'STOPPED',
  'FAILED',
  'TIMEOUT',
  'CANCELLED',
  'ERROR',
]);

/** True once a run is in a state it never leaves. */
export const hasEnded = (state: string): boolean => ENDED_STATES.has(state);

/** True for a run that ended without success. */
export const endedBadly = (state: string): boolean => ENDED_BADLY.has(state);
