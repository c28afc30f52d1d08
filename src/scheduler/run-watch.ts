/**
 * The leader's watch over finished runs: it sweeps the runs whose tab closed (job runs whose run
 * lock is free, through the jobs domain; crawls started by a firing or a workflow with no record
 * and no lock), then hands each finished run it has not handled yet to `handle`, oldest first.
 */
import { hasEnded } from '../core/run-states';
import type { RunOutcome } from './model';
import type { SchedulerPorts, SchedulerRecords } from './ports';
import {
  crawlRunLock,
  interruptedCrawlerRun,
  liveLockNames,
  outcomeKey,
  outcomesOf,
  startedCrawls,
} from './run-outcomes';

type WatchPorts = Pick<SchedulerPorts, 'store' | 'locks' | 'crawlers' | 'interruptJobRuns'> & {
  clock: Pick<SchedulerPorts['clock'], 'fromWall'>;
};

export class RunWatch {
  /** Outcomes handled (outcomeKey), and runs told of (`notified|id`). */
  readonly #handled = new Set<string>();
  /** Crawler runs known to be recorded (the sweep need not look again). */
  readonly #recorded = new Set<string>();
  #first = true;

  constructor(
    private readonly p: WatchPorts,
    /** The records as last read (the firings and workflow runs name the crawls started). */
    private readonly records: () => SchedulerRecords,
    /** Whether a run was started in this tab and is still going. */
    private readonly isLaunched: (runId: string) => boolean,
  ) {}

  /** Notes the outcome as handled; true the first time. */
  markHandled(o: RunOutcome): boolean {
    const first = !this.#handled.has(outcomeKey(o));
    this.#handled.add(outcomeKey(o));
    return first;
  }

  /** True the first time a failure of `runId` is to be told. */
  markNotified(runId: string): boolean {
    const key = `notified|${runId}`;
    const first = !this.#handled.has(key);
    this.#handled.add(key);
    return first;
  }

  /**
   * Sweeps, then returns the finished runs not handled yet, oldest first, each marked handled.
   * The first look returns only what it swept: the rest existed before this tab led. Throws
   * when the records cannot be read (the next look tries again).
   */
  async look(): Promise<{ fresh: RunOutcome[]; swept: number }> {
    const swept = await this.#sweep();
    const outcomes = await this.recentOutcomes(50, false);
    let fresh = outcomes.filter((o) => !this.#handled.has(outcomeKey(o)));
    if (this.#first) {
      this.#first = false;
      fresh = fresh.filter((o) => swept.has(o.runId));
    }
    for (const o of outcomes) this.#handled.add(outcomeKey(o));
    return { fresh: fresh.sort((a, b) => a.endedAt - b.endedAt), swept: swept.size };
  }

  /** Finished crawler and job runs, in the scheduler's time (see outcomesOf). */
  async recentOutcomes(limit: number, inherited: boolean): Promise<RunOutcome[]> {
    const store = this.p.store;
    const [crawls, jobs, workflowRuns] = await Promise.all([
      store.newestCrawlerRuns(limit),
      store.newestJobRuns(limit),
      store.listWorkflowRuns(100),
    ]);
    return outcomesOf({ crawls, jobs, workflowRuns }, this.p.clock.fromWall, inherited);
  }

  /** The ids of the runs recorded FAILED because their tab is gone. */
  async #sweep(): Promise<Set<string>> {
    const swept = new Set<string>();
    const locks = this.p.locks;
    if (!locks) return swept;
    // The first look sweeps every job run; later ones only while a recent one is going.
    const going =
      this.#first || (await this.p.store.newestJobRuns(50)).some((r) => !hasEnded(r.state));
    if (going) {
      const live = liveLockNames(await locks.query());
      for (const run of await this.p.interruptJobRuns(live)) swept.add(run.id);
    }

    const { firings, workflowRuns } = this.records();
    const missing: [string, string][] = [];
    for (const [id, name] of startedCrawls(firings, workflowRuns)) {
      if (this.#recorded.has(id) || this.isLaunched(id)) continue;
      if (await this.p.store.hasCrawlerRun(id)) this.#recorded.add(id);
      else missing.push([id, name]);
    }
    if (missing.length === 0) return swept;
    const live = liveLockNames(await locks.query());
    for (const [id, name] of missing) {
      if (live.has(crawlRunLock(id))) continue;
      // Read again: it may have ended while the locks were asked about.
      if (await this.p.store.hasCrawlerRun(id)) continue;
      await this.p.crawlers
        .record(interruptedCrawlerRun(id, name, Date.now()))
        .then(() => swept.add(id))
        .catch(() => undefined);
    }
    return swept;
  }
}
