/** A job target's output registered in the catalog once its files are in place. */
import type { TableSource } from '../../catalog';
import type { CompiledTarget } from '../compile';
import type { Job } from '../model';
import { HIVE_NULL, outputTableDraft, type WrittenFile } from '../output-files';
import type { RunLogLine } from '../run-model';
import { quotedName } from '../../core/quoted-name';
import type { JobCatalog, TargetOutput } from './ports';

/**
 * Registers (or appends to) the target's catalog table over the files just published; returns
 * `database.table`. One catalog transaction (commitTables): a failure changes nothing.
 */
export async function registerOutput(
  catalog: Pick<JobCatalog, 'getTable' | 'listPartitions' | 'commitTables'>,
  job: Job,
  runId: string,
  t: CompiledTarget,
  out: TargetOutput,
  published: { path: string; handle?: FileSystemFileHandle; source?: TableSource }[],
  log: (l: RunLogLine['level'], m: string) => void,
): Promise<string> {
  const { database, table } = t.write.catalog!;
  const current = await catalog.getTable(database, table);
  const files: WrittenFile[] = [];
  for (const [i, p] of published.entries()) {
    const f = out.files[i]!;
    const values = f.values.map((v) => v ?? HIVE_NULL);
    if (p.source) {
      files.push({ path: p.path, values, rows: f.rows, bytes: f.blob.size, source: p.source });
      continue;
    }
    const file = await p.handle!.getFile();
    files.push({
      path: p.path,
      values,
      rows: f.rows,
      bytes: f.blob.size,
      source: {
        kind: 'file-handle',
        path: p.path,
        handle: p.handle!,
        size: file.size,
        lastModified: file.lastModified,
      },
    });
  }
  const { draft, partitions } = outputTableDraft({
    database,
    table,
    job: job.name,
    format: t.write.format,
    columns: out.plan.columns,
    keys: out.plan.keys,
    files,
    current: current
      ? { table: current, partitions: await catalog.listPartitions(database, table) }
      : undefined,
  });
  await catalog.commitTables(database, [{ draft, partitions }]);
  log('info', `target ${quotedName(t.name)}: registered ${database}.${table} (run ${runId})`);
  return `${database}.${table}`;
}
