/**
 * What the scheduler starts, without a page: a saved crawler run headless (the Crawlers page's
 * CrawlSession: list, classify, plan, commit, record), under a run id chosen before it starts,
 * so a firing and a workflow node can name the run while it is still going.
 */
import type { CatalogState } from '../app/catalog.svelte';
import { CrawlSession } from '../app/crawl.svelte';
import type { Crawler, CrawlerRun, CrawlerSource } from '../catalog/model';
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import type { CrawlerLaunch } from './ports';
import { sourceLabel } from '../crawler/crawl-sources';

type WithPermission = { queryPermission?: (d: { mode: 'read' }) => Promise<PermissionState> };

export type { CrawlerLaunch } from './ports';

/**
 * Checks that the saved crawler exists and can read its folders without asking (a scheduled run
 * has no click to ask in), then starts it. Throws a DecantError saying why it cannot start.
 */
export async function launchCrawler(
  engine: EngineClient,
  catalog: CatalogState,
  name: string,
  runId: string,
): Promise<CrawlerLaunch> {
  const crawler = await catalog.records.getCrawler(name);
  if (!crawler) throw new DecantError(`scheduler: there is no saved crawler "${name}"`);
  await needNoPrompt(crawler);
  let recorded: CrawlerRun | undefined;
  // The session records its run through the catalog; this view of the catalog names the run.
  const named = new Proxy(catalog, {
    get(target, prop) {
      if (prop === 'recordCrawlerRun')
        return (run: CrawlerRun) => {
          recorded = { ...run, id: runId };
          return target.recordCrawlerRun(recorded);
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  const session = new CrawlSession(engine, named);
  session.edit(crawler);
  const startedAt = Date.now();
  let cancelled = false;
  let repeat: ReturnType<typeof setInterval> | undefined;
  const done = (async (): Promise<CrawlerRun> => {
    try {
      await session.run();
      if (session.state.kind === 'planned') {
        // Stopped after its plan was made: nothing is written.
        if (cancelled)
          return await fail(catalog, crawler, runId, startedAt, 'stopped', 'CANCELLED');
        await session.commit();
      }
    } catch (e) {
      // run() and commit() record their own failures; anything else is recorded here.
      if (!recorded) await fail(catalog, crawler, runId, startedAt, e);
    } finally {
      clearInterval(repeat);
    }
    return recorded ?? (await fail(catalog, crawler, runId, startedAt, 'the run ended unrecorded'));
  })();
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    // The session can be cancelled only once its reading has begun: ask until it ends.
    session.cancel();
    repeat = setInterval(() => session.cancel(), 50);
    void done.finally(() => clearInterval(repeat));
  };
  return { runId, cancel, done };
}

async function needNoPrompt(crawler: Crawler): Promise<void> {
  for (const s of crawler.sources) {
    if (s.kind !== 'directory' && s.kind !== 'file') continue;
    const state = await (s.handle as unknown as WithPermission).queryPermission?.({ mode: 'read' });
    if (state && state !== 'granted') throw permissionNeeded(crawler.name, s);
  }
}

function permissionNeeded(name: string, s: CrawlerSource): DecantError {
  return new DecantError(
    `scheduler: crawler "${name}" needs your permission again to read "${sourceLabel(s)}": open it on the Crawlers page and press Run crawler once`,
  );
}

async function fail(
  catalog: CatalogState,
  crawler: Crawler,
  runId: string,
  startedAt: number,
  e: unknown,
  state: CrawlerRun['state'] = 'FAILED',
): Promise<CrawlerRun> {
  const run: CrawlerRun = {
    id: runId,
    crawler: crawler.name,
    state,
    startedAt,
    endedAt: Date.now(),
    database: crawler.database,
    sources: crawler.sources.map(sourceLabel),
    tablesCreated: [],
    tablesUpdated: [],
    partitions: 0,
    filesRead: 0,
    bytesRead: 0,
    skipped: [],
    error: e instanceof Error ? e.message : String(e),
  };
  await catalog.recordCrawlerRun(run).catch(() => undefined);
  return run;
}
