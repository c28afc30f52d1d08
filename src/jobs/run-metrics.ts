/**
 * Metrics of a run that the catalog can answer without reading the data again.
 */
import type { SourceTable } from './context';
import type { SourceReads } from './nodes/node-module';

/**
 * Rows a catalog source reads, from the row counts the crawler recorded: the table's count when
 * every file is read, else the sum over the partitions read whole. Undefined when a partition
 * is read in part (a bookmark skipped some of its files) or a count is missing.
 */
export function rowsInFromCatalog(
  reads: Pick<SourceReads, 'partitions' | 'files'>,
  table: Pick<SourceTable, 'partitions' | 'partitionKeys' | 'scan'>,
  recordCount: number | undefined,
): number | undefined {
  const all = table.scan?.files.length;
  const readsAll =
    reads.partitions === null &&
    (reads.files === null || (all !== undefined && reads.files.length === all));
  if (readsAll) return recordCount;
  if (reads.partitions === null) return undefined;
  const chosen = new Set(reads.partitions);
  const files = reads.files === null ? null : new Set(reads.files);
  let rows = 0;
  for (const p of table.partitions) {
    if (!chosen.has(p.location)) continue;
    const read = files === null ? p.files.length : p.files.filter((f) => files.has(f)).length;
    if (read === 0) continue;
    if (read < p.files.length || p.rowCount === undefined) return undefined;
    rows += p.rowCount;
  }
  return rows;
}
