/**
 * Copies of files Decant keeps in the browser's storage (OPFS `decant-files/`), and who uses
 * them: tables (and their archived versions) and saved crawlers. A copy nobody references (left
 * by a closed tab mid-commit, or by a table deleted in an earlier session) is an orphan, removed
 * at start-up. The storage panel shows the same accounting.
 */
import type { CatalogTable, Crawler, TableVersion } from '../catalog';

export interface StoredCopy {
  name: string;
  size: number;
}

/** Who holds a copy, as the storage panel names it: `table db.name`, `crawler name`. */
export type CopyOwners = Map<string, string[]>;

/** Every copy referenced by a table, an archived version or a saved crawler, with its users. Pure. */
export function copyOwners(
  tables: readonly CatalogTable[],
  versions: readonly TableVersion[],
  crawlers: readonly Crawler[],
): CopyOwners {
  const owners: CopyOwners = new Map();
  const add = (name: string, owner: string) => {
    const list = owners.get(name) ?? [];
    if (!list.includes(owner)) list.push(owner);
    owners.set(name, list);
  };
  for (const t of tables)
    for (const s of t.sources)
      if (s.kind === 'opfs') add(s.opfsPath, `table ${t.database}.${t.name}`);
  for (const v of versions)
    for (const s of v.snapshot.sources)
      if (s.kind === 'opfs')
        add(s.opfsPath, `table ${v.database}.${v.table} (version ${v.version})`);
  for (const c of crawlers)
    for (const s of c.sources) if (s.kind === 'opfs') add(s.opfsPath, `crawler ${c.name}`);
  return owners;
}

export interface CopyUse {
  /** Bytes per user, largest first; a copy shared by two users counts for each. */
  byOwner: { owner: string; bytes: number; files: number }[];
  orphans: StoredCopy[];
  orphanBytes: number;
}

/** What the stored copies are used by. Pure. */
export function copyUse(stored: readonly StoredCopy[], owners: CopyOwners): CopyUse {
  const use = new Map<string, { bytes: number; files: number }>();
  const orphans: StoredCopy[] = [];
  for (const c of stored) {
    const who = owners.get(c.name);
    if (!who) {
      orphans.push(c);
      continue;
    }
    // Archived versions are grouped under their table: one line per table in the panel.
    for (const owner of new Set(who.map((w) => w.replace(/ \(version \d+\)$/, '')))) {
      const u = use.get(owner) ?? { bytes: 0, files: 0 };
      u.bytes += c.size;
      u.files += 1;
      use.set(owner, u);
    }
  }
  return {
    byOwner: [...use]
      .map(([owner, u]) => ({ owner, ...u }))
      .sort((a, b) => b.bytes - a.bytes || a.owner.localeCompare(b.owner)),
    orphans,
    orphanBytes: orphans.reduce((n, c) => n + c.size, 0),
  };
}

export interface CopyShelf {
  list(): Promise<StoredCopy[]>;
  remove(name: string): Promise<void>;
}

/**
 * Removes every orphan copy. `owners` is read after `shelf.list()`, so a copy referenced by then
 * is kept; a commit still making copies in another tab must not be running (the caller checks
 * its lock), and copies younger than `graceMs` (by the time in their name) are kept anyway.
 */
export async function sweepOrphanCopies(
  shelf: CopyShelf,
  owners: () => Promise<CopyOwners>,
  opts: { now?: number; graceMs?: number } = {},
): Promise<StoredCopy[]> {
  const stored = await shelf.list();
  const { orphans } = copyUse(stored, await owners());
  const now = opts.now ?? Date.now();
  const grace = opts.graceMs ?? 0;
  const removed: StoredCopy[] = [];
  for (const c of orphans) {
    const made = madeAt(c.name);
    if (made !== null && now - made < grace) continue;
    await shelf.remove(c.name);
    removed.push(c);
  }
  return removed;
}

/** The time a copy was made, from its name (`<base36 ms>-<n>-<file>`); null if it has none. */
export function madeAt(name: string): number | null {
  const m = /^([0-9a-z]{6,10})-/.exec(name);
  if (!m) return null;
  const t = parseInt(m[1]!, 36);
  return Number.isFinite(t) && t > 1e12 ? t : null;
}
