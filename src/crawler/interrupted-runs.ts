/**
 * A crawl holds a Web Lock named after its run while it runs; a RUNNING run record whose lock no
 * tab holds was left by a closed tab (or a crash), and is recorded FAILED "interrupted".
 */
import type { CrawlerRun } from '../catalog';

export const crawlLockName = (runId: string): string => `decant-crawl:${runId}`;

type Locks = Pick<LockManager, 'request' | 'query'>;

function pageLocks(): Locks | undefined {
  return (globalThis.navigator as { locks?: Locks } | undefined)?.locks;
}

/** Runs `fn` holding the run's lock (without Web Locks, as is: nothing to sweep against). */
export async function holdCrawlLock<T>(
  runId: string,
  fn: () => Promise<T>,
  locks: Locks | undefined = pageLocks(),
): Promise<T> {
  if (!locks) return fn();
  return (await locks.request(crawlLockName(runId), fn)) as T;
}

/** The run records to rewrite: RUNNING ones whose lock is not held or wanted by any tab. Pure. */
export function interruptedRuns(
  runs: readonly CrawlerRun[],
  liveLocks: ReadonlySet<string>,
  now: number,
): CrawlerRun[] {
  return runs
    .filter((r) => r.state === 'RUNNING' && !liveLocks.has(crawlLockName(r.id)))
    .map((r) => ({
      ...r,
      state: 'FAILED' as const,
      endedAt: now,
      tablesCreated: [],
      tablesUpdated: [],
      tablesDeprecated: [],
      tablesDeleted: [],
      error:
        'crawler: interrupted: the tab running this crawl closed (or the browser stopped) before it ended',
    }));
}

export interface RunRecords {
  listCrawlerRuns(limit?: number): Promise<CrawlerRun[]>;
  recordCrawlerRun(run: CrawlerRun): Promise<void>;
}

/** Fails every interrupted crawl run (see interruptedRuns); returns those it recorded. */
export async function failInterruptedCrawls(
  records: RunRecords,
  locks: Locks | undefined = pageLocks(),
  now = Date.now(),
): Promise<CrawlerRun[]> {
  const runs = await records.listCrawlerRuns(500);
  if (!runs.some((r) => r.state === 'RUNNING')) return [];
  const live = new Set<string>();
  if (locks) {
    const snapshot = await locks.query();
    for (const l of [...(snapshot.held ?? []), ...(snapshot.pending ?? [])])
      if (l.name) live.add(l.name);
  }
  const failed = interruptedRuns(runs, live, now);
  for (const run of failed) await records.recordCrawlerRun(run);
  return failed;
}
