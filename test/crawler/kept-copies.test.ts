import { describe, expect, it } from 'vitest';
import {
  copyOwners,
  copyUse,
  madeAt,
  sweepOrphanCopies,
  type StoredCopy,
} from '../../src/crawler/kept-copies';
import {
  crawlLockName,
  failInterruptedCrawls,
  holdCrawlLock,
  interruptedRuns,
} from '../../src/crawler/interrupted-runs';
import type { CatalogTable, Crawler, CrawlerRun, TableVersion } from '../../src/catalog/model';
import { newCrawler } from '../../src/crawler/crawl-drafts';
import { freshCatalog } from '../catalog/catalog-fixtures';

const T0 = Date.UTC(2026, 0, 1);
const copyName = (at: number, n: number, file: string) => `${at.toString(36)}-${n}-${file}`;

function table(name: string, copies: string[]): CatalogTable {
  return {
    database: 'lake',
    name,
    description: '',
    classification: 'csv',
    sources: copies.map((c) => ({ kind: 'opfs', path: c, opfsPath: c, size: 1, lastModified: 0 })),
    columns: [],
    partitionKeys: [],
    parameters: {},
    updatedBy: { kind: 'crawler', name: 'c' },
    version: 2,
    createdAt: 0,
    updatedAt: 0,
  };
}

const a = copyName(T0, 1, 'a.csv');
const b = copyName(T0, 2, 'b.csv');
const old = copyName(T0, 3, 'old.csv');
const saved = copyName(T0, 4, 'saved.csv');
const orphan = copyName(T0, 5, 'orphan.csv');
const stored: StoredCopy[] = [
  { name: a, size: 100 },
  { name: b, size: 50 },
  { name: old, size: 7 },
  { name: saved, size: 3 },
  { name: orphan, size: 1000 },
];
const version: TableVersion = {
  database: 'lake',
  table: 'sales',
  version: 1,
  archivedAt: 0,
  reason: '',
  snapshot: table('sales', [old]),
};
const crawler: Crawler = {
  ...newCrawler(),
  name: 'c',
  sources: [{ kind: 'opfs', path: 's.csv', opfsPath: saved, size: 3, lastModified: 0 }],
};

describe('kept copies: who uses them, and the orphan sweep', () => {
  it('accounts bytes per table (versions under their table) and per crawler; the rest is orphan', () => {
    const owners = copyOwners([table('sales', [a, b])], [version], [crawler]);
    const use = copyUse(stored, owners);
    expect(use.byOwner).toEqual([
      { owner: 'table lake.sales', bytes: 157, files: 3 },
      { owner: 'crawler c', bytes: 3, files: 1 },
    ]);
    expect(use.orphans).toEqual([{ name: orphan, size: 1000 }]);
    expect(use.orphanBytes).toBe(1000);
  });

  it('removes exactly the copies nothing references, keeping young ones within the grace', async () => {
    const shelf = new Map(stored.map((c) => [c.name, c.size]));
    const young = copyName(T0 + 60_000, 6, 'young.csv');
    shelf.set(young, 9);
    const removed = await sweepOrphanCopies(
      {
        list: async () => [...shelf].map(([name, size]) => ({ name, size })),
        remove: async (name) => void shelf.delete(name),
      },
      async () => copyOwners([table('sales', [a, b])], [version], [crawler]),
      { now: T0 + 90_000, graceMs: 60_000 },
    );
    expect(removed.map((r) => r.name)).toEqual([orphan]);
    expect([...shelf.keys()].sort()).toEqual([a, b, old, saved, young].sort());
  });

  it('reads the time a copy was made from its name', () => {
    expect(madeAt(a)).toBe(T0);
    expect(madeAt('report.csv')).toBeNull();
  });
});

const run = (id: string, state: CrawlerRun['state']): CrawlerRun => ({
  id,
  crawler: 'c',
  state,
  startedAt: 1,
  endedAt: 1,
  database: 'lake',
  sources: [],
  tablesCreated: [],
  tablesUpdated: [],
  partitions: 0,
  filesRead: 0,
  bytesRead: 0,
  skipped: [],
});

describe('interrupted crawl runs', () => {
  it('a RUNNING run whose lock nobody holds becomes FAILED "interrupted"; live and ended ones stay', () => {
    const out = interruptedRuns(
      [run('gone', 'RUNNING'), run('live', 'RUNNING'), run('done', 'SUCCEEDED')],
      new Set([crawlLockName('live')]),
      99,
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'gone', state: 'FAILED', endedAt: 99 });
    expect(out[0]!.error).toMatch(/^crawler: interrupted/);
  });

  it('is recorded in the catalog over the RUNNING record, while a held lock protects a live run', async () => {
    const { store } = await freshCatalog();
    await store.recordCrawlerRun(run('closed-tab', 'RUNNING'));
    await store.recordCrawlerRun(run('other-tab', 'RUNNING'));
    const held = new Set<string>();
    const locks = {
      request: (async (name: string, fn: () => Promise<unknown>) => {
        held.add(name);
        try {
          return await fn();
        } finally {
          held.delete(name);
        }
      }) as unknown as LockManager['request'],
      query: async () => ({
        held: [...held].map((name) => ({ name, mode: 'exclusive' as const })),
      }),
    };
    const failed = await holdCrawlLock(
      'other-tab',
      () => failInterruptedCrawls(store, locks, 5),
      locks,
    );
    expect(failed.map((r) => r.id)).toEqual(['closed-tab']);
    const byId = new Map((await store.listCrawlerRuns()).map((r) => [r.id, r.state]));
    expect(byId.get('closed-tab')).toBe('FAILED');
    expect(byId.get('other-tab')).toBe('RUNNING');
  });
});
