/**
 * What the engine says about each node of a job being edited: its output columns (DESCRIBE of
 * the node's SQL) and, when DuckDB refuses it, why — in words placed on that node.
 */
import { tableFromIPC } from 'apache-arrow';
import { nodeLabel } from './analyze';
import type { NodeColumn } from './columns';
import type { CompileContext, NodeFacts } from './context';
import { columnsFromDescribe, describeSql, factsFromProbe, probesFor } from './describe';
import { JobError } from './errors';
import type { Job, NodeId } from './model';
import { topologicalOrder } from './graph';
import type { SqlResult } from '../engine/protocol';

/** The part of the engine client this needs. */
export interface SqlRunner {
  runSql(sql: string): Promise<SqlResult>;
  page(resultId: string, offset: number, limit: number): Promise<Uint8Array>;
  dropResult(resultId: string): Promise<void>;
}

/** Every row of `sql`'s result as plain objects (for small results: DESCRIBE, probes). */
export async function rowsOf(engine: SqlRunner, sql: string): Promise<Record<string, unknown>[]> {
  const r = await engine.runSql(sql);
  if (r.kind !== 'rows' || r.resultId === '') return [];
  try {
    const table = tableFromIPC(await engine.page(r.resultId, 0, r.rowCount));
    return table.toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
  } finally {
    void engine.dropResult(r.resultId).catch(() => undefined);
  }
}

/** What the engine answered for one SQL text; kept while the catalog stays as it was. */
export type EngineAnswer =
  { ok: true; rows: Record<string, unknown>[] } | { ok: false; message: string };

export interface EngineFindings {
  /** Output columns of every node the engine described. */
  schemas: Map<NodeId, NodeColumn[]>;
  facts: Map<NodeId, NodeFacts>;
  /** Nodes DuckDB refused, with the reason in words. */
  errors: Map<NodeId, string>;
}

/**
 * Describes the nodes of `job` in dependency order, each with the columns of those before it,
 * running the probes Drop Null Fields and Pivot need first. A node is asked only when its
 * inputs were described and it has no problem validateJob can see; an engine error is placed on
 * the node whose SQL failed. `cache` holds answers by SQL text (clear it when the catalog
 * changes); `stale()` stops the walk when a newer edit made it pointless.
 */
export async function describeJob(
  job: Job,
  base: CompileContext,
  engine: SqlRunner,
  cache: Map<string, EngineAnswer>,
  stale: () => boolean = () => false,
): Promise<EngineFindings> {
  const schemas = new Map<NodeId, NodeColumn[]>();
  const facts = new Map<NodeId, NodeFacts>(base.facts ?? []);
  const errors = new Map<NodeId, string>();
  const ctx: CompileContext = { ...base, schemas, facts };
  const failed = new Set<NodeId>();
  const ask = async (sql: string): Promise<EngineAnswer> => {
    const known = cache.get(sql);
    if (known) return known;
    let answer: EngineAnswer;
    try {
      answer = { ok: true, rows: await rowsOf(engine, sql) };
    } catch (e) {
      answer = { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    cache.set(sql, answer);
    return answer;
  };
  const byId = new Map(job.nodes.map((n) => [n.id, n]));
  for (const id of topologicalOrder(job).order) {
    if (stale()) break;
    const node = byId.get(id)!;
    const inputs = job.edges.filter((e) => e.to === id).map((e) => e.from);
    if (inputs.some((i) => failed.has(i) || !schemas.has(i))) {
      failed.add(id);
      continue;
    }
    if (!facts.has(id)) {
      const probe = probesFor(job, ctx).find((p) => p.nodeId === id);
      if (probe) {
        const a = await ask(probe.sql);
        if (!a.ok) {
          errors.set(id, `${nodeLabel(node)}: ${engineErrorText(a.message)}`);
          failed.add(id);
          continue;
        }
        facts.set(id, factsFromProbe(probe, a.rows));
      }
    }
    let sql: string;
    try {
      sql = describeSql(job, id, ctx);
    } catch (e) {
      if (!(e instanceof JobError)) throw e;
      failed.add(id);
      continue;
    }
    const a = await ask(sql);
    if (a.ok) schemas.set(id, columnsFromDescribe(a.rows));
    else {
      errors.set(id, `${nodeLabel(node)}: ${engineErrorText(a.message)}`);
      failed.add(id);
    }
  }
  return { schemas, facts, errors };
}

/**
 * DuckDB's message as a user reads it: the first line, without the `sql: line n:` of SQL the
 * user did not write and without DuckDB's error class, with the common cases said plainly.
 */
export function engineErrorText(message: string): string {
  let m = message.replace(/^sql:\s*(line \d+:\s*)?/, '');
  const first = m.split('\n')[0]!.trim();
  const kind = /^(\w+(?: \w+)?) Error:\s*/.exec(first);
  m = kind ? first.slice(kind[0].length) : first;
  const missing = /Referenced column "((?:[^"]|"")*)" not found/.exec(m);
  if (missing) return `column "${missing[1]}" is not in its input`;
  if (/No files found that match the pattern|No HTML5 file registered/i.test(m))
    return 'its file is not open in this tab any more: choose it again';
  const table = /Table with name (.+?) does not exist/.exec(m);
  if (table) return `table ${table[1]} cannot be read (is it still in the catalog?)`;
  if (kind?.[1] === 'Conversion') return `a value does not convert: ${m}`;
  if (kind?.[1] === 'Parser') return `the SQL does not parse: ${m}`;
  return m;
}
