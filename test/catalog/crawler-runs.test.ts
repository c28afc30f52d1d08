import { describe, expect, it } from 'vitest';
import { freshCatalog } from './catalog-fixtures';
import type { CrawlerRun } from '../../src/catalog/model';

const run = (id: string, startedAt: number, skipped = 0): CrawlerRun => ({
  id,
  crawler: 'folder crawl',
  state: 'SUCCEEDED',
  startedAt,
  endedAt: startedAt + 10,
  database: 'lake',
  sources: ['sales'],
  tablesCreated: ['sales'],
  tablesUpdated: [],
  partitions: 3,
  filesRead: 3,
  bytesRead: 99,
  skipped: Array.from({ length: skipped }, (_, i) => ({ path: `x/${i}`, reason: 'excluded' })),
});

describe('crawler runs', () => {
  it('keeps runs and lists them newest first, capping the skipped list', async () => {
    const { store } = await freshCatalog();
    await store.recordCrawlerRun(run('a', 1));
    await store.recordCrawlerRun(run('b', 3, 5000));
    await store.recordCrawlerRun(run('c', 2));
    const runs = await store.listCrawlerRuns();
    expect(runs.map((r) => r.id)).toEqual(['b', 'c', 'a']);
    expect(runs[0]!.skipped).toHaveLength(1000);
    expect(await store.listCrawlerRuns(1)).toHaveLength(1);
  });
});
