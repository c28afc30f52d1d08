/**
 * What the job editor needs from the catalog before it asks the engine: the tables the job's
 * catalog sources read (with partitions, for the compiler) and, per source, why its files
 * cannot be read now.
 */
import type { CatalogPartition, CatalogTable } from '../catalog';
import { nodeLabel } from './analyze';
import type { CompileContext, SourceTable } from './context';
import type { Job, NodeId } from './model';
import type { SourceAccess } from './run/ports';

/** The catalog as the editor reads it: its mirror, synchronously, and attaching on demand. */
export interface EditorCatalog {
  table(database: string, name: string): CatalogTable | undefined;
  listPartitions(database: string, name: string): Promise<CatalogPartition[]>;
  /** Attaches `t` unless it is attached already; never throws, says why not. */
  ensureAttached(t: CatalogTable): Promise<SourceAccess>;
}

/**
 * The compile context of the job's catalog sources, and the sources whose files cannot be read
 * now (a table not in the catalog is left to validateJob, which says so on the node).
 */
export async function editorSources(
  job: Job,
  catalog: EditorCatalog,
): Promise<{ context: CompileContext; problems: Map<NodeId, string> }> {
  const tables: SourceTable[] = [];
  const problems = new Map<NodeId, string>();
  for (const n of job.nodes) {
    if (n.kind !== 'catalog-source') continue;
    const t = catalog.table(n.options.database, n.options.table);
    if (!t) continue;
    if (!tables.some((x) => x.database === t.database && x.name === t.name)) {
      const partitions =
        t.partitionKeys.length > 0 ? await catalog.listPartitions(t.database, t.name) : [];
      tables.push({
        database: t.database,
        name: t.name,
        columns: t.columns,
        partitionKeys: t.partitionKeys,
        partitions,
      });
    }
    const a = await catalog.ensureAttached(t);
    if (a.kind !== 'attached')
      problems.set(n.id, `${nodeLabel(n)}: its files cannot be read now: ${a.message}`);
  }
  return { context: { tables }, problems };
}
