/**
 * A job that rewrites a catalog table's data in another format: the way out for a JSON table
 * Athena cannot read (a JSON array, pretty-printed objects), whose NDJSON or Parquet copy it can.
 */
import { createNode, newJob, type Job } from '../jobs';
import type { CatalogTable } from '../catalog';

export type RewriteFormat = 'ndjson' | 'parquet';

/**
 * A job reading `t` from the catalog and writing it to this browser's storage as `format`,
 * registered as the table `<name>_<format>` of the same database. The name is `rewrite <db>.<t>
 * as <format>`, or with ` (2)`… when `taken` says that name is in use.
 */
export function rewriteJob(
  t: CatalogTable,
  format: RewriteFormat,
  taken: (name: string) => boolean,
): Job {
  const base = `rewrite ${t.database}.${t.name} as ${format === 'ndjson' ? 'NDJSON' : 'Parquet'}`;
  let name = base;
  for (let i = 2; taken(name); i++) name = `${base} (${i})`;
  const source = createNode('catalog-source', 'source-1', t.name);
  source.options = { database: t.database, table: t.name };
  const target = createNode('target', 'target-1', `${t.name}_${format}`);
  target.options = {
    format: format === 'ndjson' ? { kind: 'ndjson' } : { kind: 'parquet' },
    partitionKeys: [],
    destination: 'opfs',
    path: `${t.name}_${format}`,
    catalog: { database: t.database, table: `${t.name}_${format}` },
  };
  return {
    ...newJob(name),
    description: `Rewrites ${t.database}.${t.name} as ${format === 'ndjson' ? 'NDJSON (one object per line)' : 'Parquet'}, which Athena reads.`,
    nodes: [
      { ...source, position: { x: 40, y: 80 } },
      { ...target, position: { x: 320, y: 80 } },
    ],
    edges: [{ from: source.id, to: target.id, port: 0 }],
  };
}
