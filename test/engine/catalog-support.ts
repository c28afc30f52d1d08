import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { AttachedTables, type TableWithFiles } from '../../workers/engine/attached-tables';
import type { NodeEngine } from '../support/node-engine';

export { CSV } from '../support/sales-table';

/** The worker's AttachedTables, with files registered from disk (NODE_FS) instead of as Files. */
export function nodeTables(engine: NodeEngine): AttachedTables<string> {
  return new AttachedTables<string>(engine.s, {
    register: (name, path) => engine.register(name, path),
    drop: (name) => engine.s.db.dropFile(name),
  });
}

/** Every file under `root`, as the crawler would hand them over: relative path, disk path, values. */
export function folderFiles(
  root: string,
  values: (rel: string) => string[],
): TableWithFiles<string>['files'] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  return walk(root).map((file) => {
    const path = relative(root, file);
    return { path, file, partitionValues: values(path) };
  });
}

/** `year=2024/month=01/x.csv` → ['2024', '01']. */
export function hiveValues(rel: string): string[] {
  return rel
    .split('/')
    .slice(0, -1)
    .map((p) => p.slice(p.indexOf('=') + 1));
}

/** Rows of an Arrow IPC stream as plain objects (BIGINT as number). */
export function rowsOf(ipc: Uint8Array): Record<string, unknown>[] {
  return tableFromIPC(ipc)
    .toArray()
    .map((r) =>
      Object.fromEntries(
        Object.entries(r.toJSON()).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
      ),
    );
}
