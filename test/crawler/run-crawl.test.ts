// The crawl service end to end in Node (see node-crawl-ports: real engine, catalog and copies).
import { beforeAll, describe, expect, it } from 'vitest';
import { newCrawler } from '../../src/crawler/crawl-drafts';
import {
  commitCrawl,
  planCrawl,
  runCrawl,
  type CrawlPorts,
  type CrawlStep,
} from '../../src/crawler';
import type { Crawler } from '../../src/catalog/model';
import { both, ports, startCrawlEngine } from './node-crawl-ports';

beforeAll(startCrawlEngine);

const crawler = (over: Partial<Crawler> = {}): Crawler => ({
  ...newCrawler(),
  name: 'lake',
  database: 'lake',
  ...over,
});

describe('runCrawl (the crawl service the page and the scheduler share)', () => {
  it('crawls the sales and logs folders into partitioned tables, recorded SUCCEEDED', async () => {
    const { extras, disk } = both();
    const { p, store, copiesLeft } = await ports(disk);
    const states: string[] = [];
    const recorded: string[] = [];
    const catalog = p.catalog;
    p.catalog = {
      listAllTables: () => catalog.listAllTables(),
      listClassifiers: () => catalog.listClassifiers(),
      commitTables: (...a) => catalog.commitTables(...a),
      recordCrawlerRun: async (run) => {
        recorded.push(run.state);
        await catalog.recordCrawlerRun(run);
      },
    };
    const run = await runCrawl(
      p,
      crawler(),
      { runId: 'r1', startedAt: 1 },
      new AbortController().signal,
      extras,
      (s: CrawlStep) => states.push(s.kind),
    );
    expect(run.error).toBeUndefined();
    expect(run.state).toBe('SUCCEEDED');
    expect(recorded).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(states).toContain('classifying');
    expect(states.at(-1)).toBe('committing');
    expect(run.tablesCreated.sort()).toEqual(['logs', 'sales']);
    expect(run.filesRead).toBe(5);
    const sales = await store.getTable('lake', 'sales');
    expect(sales?.partitionKeys.map((k) => k.name)).toEqual(['year', 'month']);
    expect(sales?.parameters.UPDATED_BY_CRAWLER).toBe('lake');
    expect((await store.listPartitions('lake', 'sales')).map((x) => x.values)).toEqual([
      ['2024', '01'],
      ['2024', '02'],
      ['2025', '01'],
    ]);
    expect((await store.listPartitions('lake', 'logs')).length).toBe(2);
    // Dropped files have no handle: each is kept as a copy the tables point at.
    const kept = sales!.sources.map((s) => (s.kind === 'opfs' ? s.opfsPath : ''));
    expect(copiesLeft().sort()).toEqual(
      expect.arrayContaining(kept.filter((k) => k !== '').sort()),
    );
    expect(copiesLeft()).toHaveLength(5);
    const [stored] = await store.listCrawlerRuns();
    expect(stored).toMatchObject({ id: 'r1', state: 'SUCCEEDED', crawler: 'lake' });
  });

  it('aborted mid-commit: no table, no copy left, the run recorded CANCELLED', async () => {
    const { extras, disk } = both();
    const { p, store, copiesLeft } = await ports(disk);
    const abort = new AbortController();
    let copied = 0;
    const copy = p.copies.copy;
    p.copies = {
      ...p.copies,
      copy: async (file, id) => {
        const name = await copy(file, id);
        // Stop once two copies exist: the commit is half way through its files.
        if (++copied === 2) abort.abort();
        return name;
      },
    };
    const run = await runCrawl(p, crawler(), { runId: 'r2', startedAt: 2 }, abort.signal, extras);
    expect(copied).toBe(2);
    expect(run.state).toBe('CANCELLED');
    expect(run.error).toMatch(/^crawler: .*cancelled/);
    expect(run.tablesCreated).toEqual([]);
    expect(await store.listAllTables()).toEqual([]);
    expect(await store.listDatabases()).toEqual([]);
    expect(copiesLeft()).toEqual([]);
    const runs = await store.listCrawlerRuns();
    expect(runs.map((r) => [r.id, r.state])).toEqual([['r2', 'CANCELLED']]);
  });

  it('aborted while classifying: nothing read further, nothing written, CANCELLED', async () => {
    const { extras, disk } = both();
    const { p, store, copiesLeft } = await ports(disk);
    const abort = new AbortController();
    const run = await runCrawl(
      p,
      crawler(),
      { runId: 'r3', startedAt: 3 },
      abort.signal,
      extras,
      (s) => {
        if (s.kind === 'classifying' && s.done >= 1) abort.abort();
      },
    );
    expect(run.state).toBe('CANCELLED');
    expect(await store.listAllTables()).toEqual([]);
    expect(copiesLeft()).toEqual([]);
  });

  it('a commit that fails in the catalog removes the copies it made', async () => {
    const { extras, disk } = both();
    const { p, store, copiesLeft } = await ports(disk);
    const planned = await planCrawl(p, crawler(), extras, new AbortController().signal);
    expect(planned.plan.tables.map((t) => t.name).sort()).toEqual(['logs', 'sales']);
    const failing: CrawlPorts = {
      ...p,
      catalog: {
        ...p.catalog,
        listAllTables: () => store.listAllTables(),
        commitTables: async () => {
          throw new Error('disk full');
        },
      },
    };
    await expect(
      commitCrawl(failing, crawler(), planned, new AbortController().signal),
    ).rejects.toThrow('disk full');
    expect(copiesLeft()).toEqual([]);
    expect(await store.listAllTables()).toEqual([]);
    // The inputs forget the removed copies: a second commit copies again and succeeds.
    const tables = await commitCrawl(p, crawler(), planned, new AbortController().signal);
    expect(tables.map((t) => t.name).sort()).toEqual(['logs', 'sales']);
    expect(copiesLeft()).toHaveLength(5);
  });
});
