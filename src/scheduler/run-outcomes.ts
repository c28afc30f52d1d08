/**
 * Finished job and crawler runs as the scheduler sees them (RunOutcome, in the scheduler's time),
 * and which runs a firing or a workflow started that may have lost their tab. Pure functions over
 * the records the store reads.
 */
import { hasEnded } from '../core/run-states';
import type { CrawlerRun } from '../catalog';
import type { RunOutcome, TriggerFiring, WorkflowRun } from './model';

/** The part of a job run record the scheduler reads (src/jobs' JobRun). */
export interface JobRunRecord {
  id: string;
  job: string;
  state: string;
  startedAt?: number;
  endedAt?: number;
  error?: { message: string };
}

/** A finished crawler run as conditions see it, in the scheduler's time. */
export function outcomeOfCrawlerRun(
  run: CrawlerRun,
  fromWall: (t: number) => number,
  workflowRunId?: string,
): RunOutcome | undefined {
  // A crawl records RUNNING when it starts (src/crawler run-crawl); it has no outcome yet.
  if (run.state === 'RUNNING') return undefined;
  return {
    kind: 'crawler',
    name: run.crawler,
    runId: run.id,
    state: run.state,
    endedAt: fromWall(run.endedAt),
    ...(workflowRunId === undefined ? {} : { workflowRunId }),
  };
}

/** A finished job run as conditions see it; undefined while it runs. */
export function outcomeOfJobRun(
  run: JobRunRecord,
  fromWall: (t: number) => number,
  workflowRunId?: string,
): RunOutcome | undefined {
  if (run.endedAt === undefined || !hasEnded(run.state)) return undefined;
  return {
    kind: 'job',
    name: run.job,
    runId: run.id,
    state: run.state,
    endedAt: fromWall(run.endedAt),
    ...(workflowRunId === undefined ? {} : { workflowRunId }),
  };
}

/**
 * Every finished run once, and once more per workflow run that holds it as a node. A resumed
 * workflow run shares the nodes that succeeded before it: they satisfy conditions after them but
 * did not just finish, so with `inherited` false they come only for the run they ran in.
 */
export function outcomesOf(
  records: {
    crawls: readonly CrawlerRun[];
    jobs: readonly JobRunRecord[];
    workflowRuns: readonly WorkflowRun[];
  },
  fromWall: (t: number) => number,
  inherited: boolean,
): RunOutcome[] {
  const scopes = new Map<string, string[]>();
  for (const wr of records.workflowRuns)
    for (const n of wr.nodes) {
      if (n.runId === undefined) continue;
      const before = wr.resumedFrom !== undefined && (n.endedAt ?? Infinity) < wr.startedAt;
      if (before && !inherited) continue;
      scopes.set(n.runId, [...(scopes.get(n.runId) ?? []), wr.id]);
    }
  const out: RunOutcome[] = [];
  const add = (o: RunOutcome | undefined) => {
    if (!o) return;
    out.push(o);
    for (const scope of scopes.get(o.runId) ?? []) out.push({ ...o, workflowRunId: scope });
  };
  for (const run of records.crawls) add(outcomeOfCrawlerRun(run, fromWall));
  for (const run of records.jobs) add(outcomeOfJobRun(run, fromWall));
  return out;
}

/** The key under which the leader remembers handling an outcome. */
export function outcomeKey(o: RunOutcome): string {
  return `${o.runId}|${o.workflowRunId ?? ''}`;
}

/**
 * Crawler runs started by a firing or a workflow node, by run id: a crawl records its run only
 * when it ends, so one whose tab closed leaves nothing but these mentions.
 */
export function startedCrawls(
  firings: readonly TriggerFiring[],
  workflowRuns: readonly WorkflowRun[],
): Map<string, string> {
  const started = new Map<string, string>();
  for (const f of firings)
    for (const s of f.started) if (s.kind === 'crawler') started.set(s.runId, s.name);
  for (const r of workflowRuns)
    for (const n of r.nodes)
      if (n.state === 'RUNNING' && n.runId !== undefined && n.nodeId.startsWith('crawler:'))
        started.set(n.runId, n.nodeId.slice('crawler:'.length));
  return started;
}

/** The record of a crawl whose tab closed before it ended. */
export function interruptedCrawlerRun(id: string, crawler: string, now: number): CrawlerRun {
  return {
    id,
    crawler,
    state: 'FAILED',
    startedAt: now,
    endedAt: now,
    database: '',
    sources: [],
    tablesCreated: [],
    tablesUpdated: [],
    partitions: 0,
    filesRead: 0,
    bytesRead: 0,
    skipped: [],
    error: `scheduler: crawler "${crawler}" was interrupted: the tab running it closed before it ended`,
  };
}

/** The Web Lock a crawl holds while it runs in some tab. */
export function crawlRunLock(runId: string): string {
  return `decant-run:${runId}`;
}

/** The names of the locks held or waited for, from a LockManager snapshot. */
export function liveLockNames(snapshot: {
  held?: readonly { name?: string }[];
  pending?: readonly { name?: string }[];
}): Set<string> {
  return new Set(
    [...(snapshot.held ?? []), ...(snapshot.pending ?? [])]
      .map((l) => l.name ?? '')
      .filter((n) => n !== ''),
  );
}
