import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import { ident, raw, sql } from '../core/sql/sql-template';
import { analyzeJob, nodeRef, type Analysis } from './analyze';
import { unusedColumnName, type NodeColumn } from './columns';
import type { CompileContext, NodeFacts } from './context';
import { JobError } from './errors';
import { inputEdges, withAncestors } from './graph';
import type { Job, NodeId } from './model';
import { MAX_PIVOT_VALUES } from './nodes/pivot';
import { statementFor, withClause } from './compile';

/**
 * SQL to ask the engine about single nodes, for the canvas: each node's output schema
 * (`DESCRIBE`), a preview of its rows, and the probes that find what some nodes' SQL depends on.
 * Only the node and the nodes it reads from are compiled, so a problem elsewhere in the job
 * does not stop them.
 */

/** The node's own SELECT with the CTEs it needs; throws a JobError for problems on the way. */
function nodeQuery(job: Job, id: NodeId, ctx: CompileContext): { a: Analysis; sql: string } {
  const a = analyzeJob(job, ctx, [id]);
  if (!a.nodes.has(id))
    throw new JobError(job.name, [{ message: `there is no node ${quotedName(id)}` }]);
  if (a.issues.length > 0) throw new JobError(job.name, a.issues);
  const node = a.nodes.get(id)!;
  // A target's rows are its input's: its own SELECT. Others: their CTE.
  if (node.kind === 'target') return { a, sql: statementFor(job, a, id, a.built.get(id)!.sql) };
  return { a, sql: `${withClause(a, withAncestors(job, [id]))}SELECT * FROM ${nodeRef(id)}` };
}

/**
 * `DESCRIBE WITH … SELECT * FROM "node"`: one row per output column (`column_name`,
 * `column_type`, …); read them with columnsFromDescribe. Throws a JobError.
 */
export function describeSql(job: Job, id: NodeId, ctx: CompileContext = {}): string {
  return `DESCRIBE ${nodeQuery(job, id, ctx).sql}`;
}

/** Every row of the node's output (an export of it reads them all). Throws a JobError. */
export function nodeSql(job: Job, id: NodeId, ctx: CompileContext = {}): string {
  return nodeQuery(job, id, ctx).sql;
}

/** The node's first `limit` rows (default 100), for the data preview. Throws a JobError. */
export function previewSql(job: Job, id: NodeId, ctx: CompileContext = {}, limit = 100): string {
  const n = Number.isSafeInteger(limit) && limit >= 0 ? limit : 100;
  return `${nodeQuery(job, id, ctx).sql} LIMIT ${n}`;
}

/** DESCRIBE's rows as columns (for `ctx.schemas`). */
export function columnsFromDescribe(rows: readonly Record<string, unknown>[]): NodeColumn[] {
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/** A query whose answer a node's SQL depends on (see NodeFacts). */
export interface Probe {
  nodeId: NodeId;
  kind: 'null-columns' | 'pivot-values';
  sql: string;
}

/**
 * The probes still to run: for Drop Null Fields nodes and Pivot nodes without listed values that
 * have no facts in `ctx`, whose input compiles now. Run them, put `factsFromProbe` into
 * `ctx.facts`, and ask again until none is left (a probe may sit behind another's node).
 */
export function probesFor(job: Job, ctx: CompileContext = {}): Probe[] {
  const probes: Probe[] = [];
  for (const node of job.nodes) {
    if (ctx.facts?.has(node.id)) continue;
    const needs =
      node.kind === 'drop-null-fields' ||
      (node.kind === 'pivot' && node.options.values === undefined);
    if (!needs) continue;
    const input = inputEdges(job, node.id)[0]?.from;
    if (input === undefined) continue;
    let query: string;
    let known: readonly NodeColumn[] | null | undefined;
    try {
      const q = nodeQuery(job, input, ctx);
      query = q.sql;
      known = q.a.built.get(input)?.columns;
    } catch (e) {
      if (e instanceof JobError) continue;
      throw e;
    }
    if (node.kind === 'pivot') {
      const p = ident(node.options.pivotColumn);
      probes.push({
        nodeId: node.id,
        kind: 'pivot-values',
        sql: sql`SELECT DISTINCT CAST(${p} AS VARCHAR) AS "value" FROM (\n${raw(query)}\n) WHERE ${p} IS NOT NULL ORDER BY 1 LIMIT ${MAX_PIVOT_VALUES + 1}`
          .text,
      });
    } else {
      const rows = ident(unusedColumnName('__decant_rows', known ?? []));
      probes.push({
        nodeId: node.id,
        kind: 'null-columns',
        // One scan: every column's non-NULL count and the row count, unpivoted to one row a column.
        sql: sql`SELECT "column", "nonNull", ${rows} AS "rows" FROM (UNPIVOT (SELECT count(COLUMNS(*)), count(*) AS ${rows} FROM (\n${raw(query)}\n)) ON COLUMNS(* EXCLUDE (${rows})) INTO NAME "column" VALUE "nonNull")`
          .text,
      });
    }
  }
  return probes;
}

/** What a probe's rows say, for `ctx.facts`. Throws a DecantError on rows of the wrong shape. */
export function factsFromProbe(probe: Probe, rows: readonly Record<string, unknown>[]): NodeFacts {
  if (probe.kind === 'pivot-values') return { pivotValues: rows.map((r) => String(r.value)) };
  const nullColumns: string[] = [];
  for (const r of rows) {
    if (typeof r.column !== 'string' || r.rows === undefined)
      throw new DecantError(
        `job: the probe of node ${quotedName(probe.nodeId)} answered rows of the wrong shape`,
      );
    if (Number(r.rows) > 0 && Number(r.nonNull) === 0) nullColumns.push(r.column);
  }
  return { nullColumns };
}
