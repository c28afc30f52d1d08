// A crawl's recorded duration is work time: the page's crawl waits for Commit while the user
// reads the plan, and that wait is not the crawler's.
import { beforeAll, describe, expect, it } from 'vitest';
import { newCrawler } from '../../src/crawler/crawl-drafts';
import { commitCrawl, crawlerRunRecord, planCrawl } from '../../src/crawler';
import type { Crawler } from '../../src/catalog/model';
import { both, ports, startCrawlEngine } from './node-crawl-ports';

// Starting DuckDB-WASM can take a while on a busy machine.
beforeAll(startCrawlEngine, 120_000);

const crawler: Crawler = { ...newCrawler(), name: 'lake', database: 'lake' };

describe('a crawl run record', () => {
  it('counts planning and commit time, not the time the plan waited for Commit', async () => {
    const { extras, disk } = both();
    const { p } = await ports(disk);
    const signal = new AbortController().signal;
    // Pressed Run ten minutes ago; the plan then sat on screen until now.
    const id = { runId: 'r-wait', startedAt: Date.now() - 600_000 };
    const planned = await planCrawl(p, crawler, extras, signal);
    await commitCrawl(p, crawler, planned, signal);
    expect(planned.commitMs).toBeGreaterThan(0);
    const run = crawlerRunRecord(id, crawler, extras.labels, 'SUCCEEDED', planned);
    expect(run.endedAt - run.startedAt).toBeGreaterThanOrEqual(600_000);
    expect(run.activeMs).toBe(Math.round(planned.ms + planned.commitMs!));
    expect(run.activeMs).toBeLessThan(600_000);
  });

  it('a run that never planned has no work time of its own (its span is its duration)', () => {
    const run = crawlerRunRecord({ runId: 'r', startedAt: 1 }, crawler, [], 'FAILED', null, 'x');
    expect(run.activeMs).toBeUndefined();
  });
});
