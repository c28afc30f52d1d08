/**
 * The one way the catalog writes: a readwrite transaction that commits whole or aborts whole.
 */
import { failedWriteError } from './catalog-errors';
import type { CatalogDb, CatalogStoreName } from '../storage/schema';
import type { WriteTx } from './table-records';
import { WriteLog } from './write-log';

/**
 * Runs `body` in one readwrite transaction over `stores` and resolves once it has committed,
 * with what `body` returned and logged. If `body` throws or a request fails, the transaction is
 * aborted, so nothing changes, and a DecantError naming `action` is thrown.
 */
export async function runWrite<T>(
  db: CatalogDb,
  action: string,
  stores: readonly CatalogStoreName[],
  body: (tx: WriteTx, log: WriteLog) => Promise<T>,
): Promise<{ result: T; log: WriteLog }> {
  const log = new WriteLog();
  let tx: WriteTx | undefined;
  try {
    tx = db.transaction([...stores], 'readwrite');
    // An abort rejects `done`; this keeps that from being an unhandled rejection.
    tx.done.catch(() => {});
    const result = await body(tx, log);
    await tx.done;
    return { result, log };
  } catch (err) {
    try {
      tx?.abort();
    } catch {
      // Already aborted by the failed request, or already finished.
    }
    throw failedWriteError(err, action);
  }
}
