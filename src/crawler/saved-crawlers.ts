/**
 * Saved crawlers as the Crawlers page keeps them: listed by name, saved with what was dropped or
 * pasted made into sources (handles kept, or OPFS copies), removed, and a new crawl kept from
 * taking a saved crawler's name. The page's state class holds only what is on screen.
 */
import type { Crawler, CrawlerRun, CrawlerSource } from '../catalog';
import { DecantError } from '../core/errors';
import type { FoundFile } from '../platform/folder-files';
import { sourcesFromFound } from './crawl-sources';

/** The catalog store's crawler records (CatalogStore has them). */
export interface CrawlerRecords {
  listCrawlers(): Promise<Crawler[]>;
  putCrawler(crawler: Crawler): Promise<Crawler>;
  deleteCrawler(name: string): Promise<void>;
}

/** What a save writes: the form's crawler and what this session adds to its sources. */
export interface CrawlerSave {
  /** The crawler as the form holds it, as plain data (handles kept as they are). */
  crawler: Crawler;
  /** Files dropped or picked, not yet sources. */
  found: readonly FoundFile[];
  /** Pasted listings and URLs, as sources. */
  remote: readonly CrawlerSource[];
}

/**
 * The error that refuses `name` for a crawl: a new crawl (or an edit renamed) must not take a
 * saved crawler's name, or its runs would own that crawler's tables (and deprecate those whose
 * files it does not read) without saying so. Null when the name is free, empty, or `editing`'s own.
 */
export function takenNameError(
  name: string,
  editing: string | null,
  saved: readonly Crawler[],
): DecantError | null {
  const trimmed = name.trim();
  if (!trimmed || trimmed === editing || !saved.some((x) => x.name === trimmed)) return null;
  return new DecantError(
    `crawler: a crawler named "${trimmed}" is saved already: press Edit on it under Crawlers to run it, or give this crawl another name`,
  );
}

/** The runs the page lists: the crawler's own, or the latest 20 of all for an unsaved one. */
export function runsToShow(all: readonly CrawlerRun[], crawlerName: string): CrawlerRun[] {
  const name = crawlerName.trim();
  return name ? all.filter((r) => r.crawler === name) : all.slice(0, 20);
}

export class SavedCrawlers {
  constructor(
    private readonly records: CrawlerRecords,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every saved crawler, by name. */
  async list(): Promise<Crawler[]> {
    return (await this.records.listCrawlers()).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Saves the crawler under its trimmed name, what was dropped and pasted appended to its sources.
   * `editing` is the saved crawler the form edits (null for a new crawl), `saved` the crawlers the
   * page lists. Throws a DecantError `crawler: …` for a missing or taken name, or a drop that
   * has no way back (no handle, and copies not kept).
   */
  async save(s: CrawlerSave, editing: string | null, saved: readonly Crawler[]): Promise<Crawler> {
    const c = s.crawler;
    if (!c.name.trim()) throw new DecantError('crawler: give the crawler a name to save it');
    const taken = takenNameError(c.name, editing, saved);
    if (taken) throw taken;
    const added = await sourcesFromFound(s.found, c.keepCopies);
    const now = this.now();
    return this.records.putCrawler({
      ...c,
      name: c.name.trim(),
      sources: [...c.sources, ...added, ...s.remote],
      createdAt: c.createdAt || now,
      updatedAt: now,
    });
  }

  remove(name: string): Promise<void> {
    return this.records.deleteCrawler(name);
  }
}
