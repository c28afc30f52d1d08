import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Crawler, CrawlerRun, CrawlerSource } from '../../src/catalog';
import {
  newCrawler,
  runsToShow,
  SavedCrawlers,
  takenNameError,
  type CrawlerRecords,
} from '../../src/crawler';
import type { FoundFile } from '../../src/platform/folder-files';
import { freshCatalog } from '../catalog/catalog-fixtures';

const crawler = (name: string, extra: Partial<Crawler> = {}): Crawler => ({
  ...newCrawler(),
  name,
  ...extra,
});

/** A picked file with its File System Access handle (kept as a source, no copy needed). */
const picked = (path: string): FoundFile => ({
  path,
  file: new File(['a\n1\n'], path.split('/').pop()!),
  handle: { kind: 'file', name: path.split('/').pop()! } as unknown as FileSystemFileHandle,
});

async function service(
  now = () => 1_000,
): Promise<{ crawlers: SavedCrawlers; records: CrawlerRecords }> {
  const { store } = await freshCatalog();
  return { crawlers: new SavedCrawlers(store, now), records: store };
}

describe('SavedCrawlers', () => {
  it('lists saved crawlers by name', async () => {
    const { crawlers, records } = await service();
    for (const name of ['sales', 'Airports', 'logs']) await records.putCrawler(crawler(name));
    expect((await crawlers.list()).map((c) => c.name)).toEqual(['Airports', 'logs', 'sales']);
  });

  it('saves under the trimmed name, the picked files and pasted URLs appended to its sources', async () => {
    const { crawlers, records } = await service(() => 5_000);
    const draft = crawler('  sales  ', {
      sources: [{ kind: 'url', path: 'a.csv', url: 'https://example.test/a.csv' }],
    });
    const remote: CrawlerSource[] = [
      { kind: 'url', path: 'b.csv', url: 'https://example.test/b.csv' },
    ];
    const saved = await crawlers.save(
      { crawler: draft, found: [picked('2024/x.csv')], remote },
      null,
      [],
    );
    expect(saved.name).toBe('sales');
    expect(saved.createdAt).toBe(5_000);
    expect(saved.updatedAt).toBe(5_000);
    expect(saved.sources.map((s) => s.kind)).toEqual(['url', 'file', 'url']);
    expect(saved.sources[1]).toMatchObject({ kind: 'file', path: '2024/x.csv' });
    const stored = await records.listCrawlers();
    expect(stored.map((c) => c.name)).toEqual(['sales']);
    expect(stored[0]!.sources).toHaveLength(3);
  });

  it('keeps the first save time when the crawler is saved again', async () => {
    let t = 1_000;
    const { crawlers } = await service(() => t);
    const first = await crawlers.save(
      { crawler: crawler('sales'), found: [], remote: [] },
      null,
      [],
    );
    t = 9_000;
    const again = await crawlers.save(
      { crawler: { ...first, description: 'daily' }, found: [], remote: [] },
      'sales',
      [first],
    );
    expect(again.createdAt).toBe(1_000);
    expect(again.updatedAt).toBe(9_000);
    expect(again.description).toBe('daily');
  });

  it('refuses a save without a name, and writes nothing', async () => {
    const { crawlers, records } = await service();
    await expect(
      crawlers.save({ crawler: crawler('   '), found: [], remote: [] }, null, []),
    ).rejects.toThrow('crawler: give the crawler a name to save it');
    expect(await records.listCrawlers()).toEqual([]);
  });

  it("refuses a new crawl that takes a saved crawler's name, and leaves that crawler as it was", async () => {
    const { crawlers, records } = await service();
    const sales = await records.putCrawler(crawler('sales', { database: 'lake' }));
    await expect(
      crawlers.save({ crawler: crawler('sales'), found: [], remote: [] }, null, [sales]),
    ).rejects.toThrow(/crawler: a crawler named "sales" is saved already/);
    expect((await records.listCrawlers())[0]!.database).toBe('lake');
  });

  it('refuses a dropped file it could not find again (no handle, copies not kept)', async () => {
    const { crawlers, records } = await service();
    const dropped: FoundFile = { path: 'x.csv', file: new File(['a'], 'x.csv') };
    const draft = crawler('sales', { keepCopies: false });
    await expect(
      crawlers.save({ crawler: draft, found: [dropped], remote: [] }, null, []),
    ).rejects.toThrow(/^crawler: /);
    expect(await records.listCrawlers()).toEqual([]);
  });

  it('removes a crawler', async () => {
    const { crawlers, records } = await service();
    await records.putCrawler(crawler('sales'));
    await records.putCrawler(crawler('logs'));
    await crawlers.remove('sales');
    expect((await crawlers.list()).map((c) => c.name)).toEqual(['logs']);
  });
});

describe('takenNameError', () => {
  const saved = [crawler('sales')];
  it('refuses a saved name for a new crawl or a renamed edit', () => {
    expect(takenNameError(' sales ', null, saved)?.message).toMatch(/"sales" is saved already/);
    expect(takenNameError('sales', 'logs', saved)?.domain).toBe('crawler');
  });
  it('lets a crawler keep its own name, and lets free and empty names through', () => {
    expect(takenNameError('sales', 'sales', saved)).toBeNull();
    expect(takenNameError('logs', null, saved)).toBeNull();
    expect(takenNameError('  ', null, saved)).toBeNull();
  });
});

describe('runsToShow', () => {
  const runs = Array.from(
    { length: 30 },
    (_, i) => ({ id: `r${i}`, crawler: i % 2 ? 'sales' : 'logs' }) as unknown as CrawlerRun,
  );
  it("shows a named crawler's own runs", () => {
    const shown = runsToShow(runs, ' sales ');
    expect(shown).toHaveLength(15);
    expect(shown.every((r) => r.crawler === 'sales')).toBe(true);
  });
  it('shows the latest 20 of all for an unsaved crawl', () => {
    expect(runsToShow(runs, '').map((r) => r.id)).toEqual(runs.slice(0, 20).map((r) => r.id));
  });
});
