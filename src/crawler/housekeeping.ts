/**
 * Start-up care for what crawls leave behind in the browser: runs left RUNNING by a closed tab
 * are recorded FAILED (interrupted), and kept copies nothing references are removed, unless a
 * crawl in another tab is still committing (it may be making copies not yet referenced).
 */
import type { CatalogDb } from '../storage/schema';
import { listOpfsCopies, removeFromOpfs } from '../platform/opfs';
import { crawlLockName, failInterruptedCrawls, type RunRecords } from './interrupted-runs';
import {
  copyOwners,
  copyUse,
  sweepOrphanCopies,
  type CopyOwners,
  type CopyUse,
} from './kept-copies';

export async function ownersIn(db: CatalogDb): Promise<CopyOwners> {
  const [tables, versions, crawlers] = await Promise.all([
    db.getAll('tables'),
    db.getAll('tableVersions'),
    db.getAll('crawlers'),
  ]);
  return copyOwners(tables, versions, crawlers);
}

const shelf = { list: listOpfsCopies, remove: removeFromOpfs };

async function crawlCommitting(): Promise<boolean> {
  const locks = (navigator as { locks?: LockManager }).locks;
  if (!locks) return false;
  const s = await locks.query();
  return [...(s.held ?? []), ...(s.pending ?? [])].some((l) =>
    l.name?.startsWith(crawlLockName('')),
  );
}

/** Fails interrupted runs, then sweeps orphan copies; what it did, for the console and tests. */
export async function crawlHousekeeping(
  db: CatalogDb,
  records: RunRecords,
): Promise<{ interrupted: number; removed: number }> {
  const interrupted = (await failInterruptedCrawls(records)).length;
  if (await crawlCommitting()) return { interrupted, removed: 0 };
  const removed = (await sweepOrphanCopies(shelf, () => ownersIn(db))).length;
  return { interrupted, removed };
}

/** What the kept copies are used by, for the storage panel. */
export async function keptCopyUse(db: CatalogDb): Promise<CopyUse> {
  const stored = await listOpfsCopies();
  return copyUse(stored, await ownersIn(db));
}
