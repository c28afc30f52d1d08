/**
 * The fewest queries a ruleset needs: every aggregate measure with the same `where` shares one
 * scan (`SELECT count(*), avg(a), count(b) FILTER (…) … FROM t WHERE …`); measures that need a
 * GROUP BY or another table get a query each, shared when two rules ask for the same one.
 */
import { joinSql, raw, sql, type Sql } from '../../core/sql/sql-template';
import type { QualityQueryResult } from '../../engine/protocol';

/** A measure that could not be taken: the rule's outcome is ERROR with this message. */
export class MeasureError extends Error {}

export type Row = Record<string, string | number | boolean | null>;

/** Reads a planned measure from the queries' results; throws MeasureError when its query failed. */
export type Measure<T> = (results: readonly QualityQueryResult[]) => T;

interface ScanGroup {
  where?: string;
  exprs: string[];
  index: number;
}

export class QueryPlan {
  private groups = new Map<string, ScanGroup>();
  private separate = new Map<string, number>();
  private order: Sql[] = [];
  private relation: Sql;

  constructor(relation: Sql) {
    this.relation = relation;
  }

  /** The table's rows after `where`: `FROM t` or `FROM t WHERE (…)`. */
  from(where?: string): Sql {
    // The filter is the user's own SQL on their own table, as in Glue; the engine runs it as
    // part of one read-only statement (see workers/engine/quality-queries.ts).
    return where === undefined
      ? sql`FROM ${this.relation}`
      : sql`FROM ${this.relation} WHERE (${raw(where)})`;
  }

  /** A number measured in the scan of the rows `where` selects (NULL when there are none). */
  aggregate(where: string | undefined, expr: Sql): Measure<number | null> {
    const key = where ?? '';
    let g = this.groups.get(key);
    if (!g) {
      g = { where, exprs: [], index: this.order.length };
      this.groups.set(key, g);
      this.order.push(raw('')); // filled in by queries()
    }
    let at = g.exprs.indexOf(expr.text);
    if (at < 0) {
      at = g.exprs.length;
      g.exprs.push(expr.text);
    }
    const index = g.index;
    const alias = `m${at}`;
    return (results) => {
      const rows = rowsOf(results[index]);
      const v = rows[0]?.[alias];
      return v === null || v === undefined ? null : Number(v);
    };
  }

  /** The rows of a query of its own (asked once however many rules need it). */
  query(q: Sql): Measure<Row[]> {
    let index = this.separate.get(q.text);
    if (index === undefined) {
      index = this.order.length;
      this.separate.set(q.text, index);
      this.order.push(q);
    }
    const i = index;
    return (results) => rowsOf(results[i]);
  }

  /** The queries to run, in order; a Measure reads its answer at the same position. */
  queries(): string[] {
    for (const g of this.groups.values()) {
      const columns = g.exprs.map((e, i) => sql`${raw(e)} AS ${raw(`m${i}`)}`);
      this.order[g.index] = sql`SELECT ${joinSql(columns)} ${this.from(g.where)}`;
    }
    return this.order.map((q) => q.text);
  }
}

function rowsOf(r: QualityQueryResult | undefined): Row[] {
  if (!r) throw new MeasureError('not measured');
  if ('error' in r) throw new MeasureError(r.error);
  return r.rows;
}
