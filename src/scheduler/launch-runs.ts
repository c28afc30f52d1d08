/**
 * What the scheduler starts, without a page: a saved crawler run headless through the crawl
 * service (src/crawler runCrawl: list, classify, plan, commit, record), under a run id chosen
 * before it starts, so a firing and a workflow node can name the run while it is still going.
 */
import type { Crawler, CrawlerSource } from '../catalog';
import { DecantError } from '../core/errors';
import type { CrawlerLaunch } from './ports';
import {
  browserCrawlPorts,
  crawlerRunRecord,
  runCrawl,
  type CrawlCatalog,
  type CrawlEngine,
  holdCrawlLock,
  sourceLabel,
  type CrawlPorts,
} from '../crawler';

type WithPermission = { queryPermission?: (d: { mode: 'read' }) => Promise<PermissionState> };

export type { CrawlerLaunch };

/** The catalog's records a scheduled crawl reads and writes (CatalogState fits). */
export interface LaunchCatalog {
  readonly records: CrawlCatalog & { getCrawler(name: string): Promise<Crawler | undefined> };
}

/**
 * Checks that the saved crawler exists and can read its folders without asking (a scheduled run
 * has no click to ask in), then starts it. Throws a DecantError saying why it cannot start.
 */
export async function launchCrawler(
  engine: CrawlEngine,
  catalog: LaunchCatalog,
  name: string,
  runId: string,
  ports: CrawlPorts = browserCrawlPorts(engine, () => catalog.records),
): Promise<CrawlerLaunch> {
  const crawler = await catalog.records.getCrawler(name);
  if (!crawler) throw new DecantError(`scheduler: there is no saved crawler "${name}"`);
  await needNoPrompt(crawler);
  const abort = new AbortController();
  const id = { runId, startedAt: Date.now() };
  const done = holdCrawlLock(runId, () => runCrawl(ports, crawler, id, abort.signal)).catch(
    async (e: unknown) => {
      // runCrawl never rejects; a lock that cannot be held still ends in a record.
      const run = crawlerRunRecord(id, crawler, [], 'FAILED', null, String(e));
      await catalog.records.recordCrawlerRun(run).catch(() => undefined);
      return run;
    },
  );
  return { runId, cancel: () => abort.abort(), done };
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
