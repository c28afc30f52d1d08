// The scheduler's headless crawl (launchCrawler) on the crawl service, in Node: the run is
// recorded under the id chosen before it starts, and cancel stops it at once (no polling).
import { beforeAll, describe, expect, it } from 'vitest';
import { launchCrawler } from '../../src/scheduler/launch-runs';
import { newCrawler } from '../../src/crawler/crawl-drafts';
import type { Crawler } from '../../src/catalog/model';
import { both, ports, startCrawlEngine } from './node-crawl-ports';

beforeAll(startCrawlEngine);

/** A saved crawler whose one source the Node port lists as the sales and logs folders. */
async function saved() {
  const { extras, disk } = both();
  const made = await ports(disk);
  made.p.list = async () => ({ inputs: extras.inputs, problems: [] });
  const crawler: Crawler = {
    ...newCrawler(),
    name: 'nightly',
    database: 'lake',
    sources: [{ kind: 'url', path: 'lake/', url: 'https://example.invalid/lake/' }],
  };
  await made.store.putCrawler(crawler);
  const catalog = { records: made.store };
  return { ...made, catalog };
}

describe('launchCrawler (a scheduled crawler run)', () => {
  it('runs the saved crawler under the given run id, recorded SUCCEEDED', async () => {
    const { p, store, catalog } = await saved();
    const launch = await launchCrawler(p.engine, catalog, 'nightly', 'run-7', p);
    expect(launch.runId).toBe('run-7');
    const run = await launch.done;
    expect(run).toMatchObject({ id: 'run-7', crawler: 'nightly', state: 'SUCCEEDED' });
    expect(run.tablesCreated.sort()).toEqual(['logs', 'sales']);
    expect((await store.listCrawlerRuns()).map((r) => [r.id, r.state])).toEqual([
      ['run-7', 'SUCCEEDED'],
    ]);
  });

  it('cancelled right after it starts: CANCELLED under its id, nothing written', async () => {
    const { p, store, catalog, copiesLeft } = await saved();
    const launch = await launchCrawler(p.engine, catalog, 'nightly', 'run-8', p);
    launch.cancel();
    const run = await launch.done;
    expect(run).toMatchObject({ id: 'run-8', state: 'CANCELLED' });
    expect(await store.listAllTables()).toEqual([]);
    expect(copiesLeft()).toEqual([]);
    expect((await store.listCrawlerRuns()).map((r) => [r.id, r.state])).toEqual([
      ['run-8', 'CANCELLED'],
    ]);
  });

  it('refuses a crawler that is not saved, saying so', async () => {
    const { p, catalog } = await saved();
    await expect(launchCrawler(p.engine, catalog, 'gone', 'run-9', p)).rejects.toThrow(
      'scheduler: there is no saved crawler "gone"',
    );
  });
});
