/**
 * A recipe comes from someone else, and some nodes run the SQL its author wrote as written (a SQL
 * Query's SELECT, a Derived Column's expression); that SQL could read any table of the catalog
 * or fetch a URL. The editor runs none of it until the person who opened the recipe has bound its
 * sources, and names these nodes so they can be read first.
 */
import type { Job, JobNode } from '../model';

/** The nodes of `job` whose SQL runs as its author wrote it, in the job's order. */
export function authoredSqlNodes(job: Job): JobNode[] {
  return job.nodes.filter((n) => n.kind === 'sql-query' || n.kind === 'derived-column');
}
