import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql, type Sql } from '../../core/sql/sql-template';
import { duplicateName, type NodeColumn } from '../columns';
import type { AggregateFn, Aggregation } from '../model';
import {
  checkNewName,
  needColumn,
  only,
  type BuildEnv,
  type NodeInput,
  type NodeModule,
} from './node-module';

export const AGGREGATE_FNS: readonly AggregateFn[] = [
  'count',
  'countDistinct',
  'sum',
  'avg',
  'min',
  'max',
  'first',
  'last',
  'stddev_samp',
  'stddev_pop',
  'var_samp',
  'var_pop',
];

/** `sum("price")`, `count(DISTINCT "id")`, `count(*)`. */
export function aggregateSql(fn: AggregateFn, column: string): string {
  if (column === '*') return 'count(*)';
  const c = ident(column);
  // `fn` is one of AGGREGATE_FNS (checkAggregation says so before a job runs).
  return (fn === 'countDistinct' ? sql`count(DISTINCT ${c})` : sql`${raw(fn)}(${c})`).text;
}

/** Spark's name for an aggregate column: `sum(price)`, `count(DISTINCT id)`, `count(1)`. */
export function aggregateName(a: Aggregation): string {
  if (a.as !== undefined && a.as !== '') return a.as;
  if (a.column === '*') return 'count(1)';
  return a.fn === 'countDistinct' ? `count(DISTINCT ${a.column})` : `${a.fn}(${a.column})`;
}

/** The output type when it follows from the function alone (or the input's type), else null. */
export function aggregateType(
  fn: AggregateFn,
  input: NodeColumn | null | undefined,
): string | null {
  if (fn === 'count' || fn === 'countDistinct') return 'BIGINT';
  if (fn === 'min' || fn === 'max' || fn === 'first' || fn === 'last') return input?.type ?? null;
  return null;
}

/** Checks one aggregation's function and column; the input column, as needColumn gives it. */
export function checkAggregation(
  fn: AggregateFn,
  column: string,
  input: NodeInput,
  env: BuildEnv,
): NodeColumn | null | undefined {
  if (!AGGREGATE_FNS.includes(fn)) {
    env.issue(`${quotedName(fn)} is not an aggregate function`);
    return undefined;
  }
  if (column === '*') {
    if (fn !== 'count') env.issue(`${fn} needs a column (only count takes *)`);
    return null;
  }
  return needColumn(input, column, env);
}

/** Glue's Aggregate: one row per group (one row in all without groups). */
export const aggregate: NodeModule<'aggregate'> = {
  kind: 'aggregate',
  title: 'Aggregate',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ groupBy: [], aggregations: [] }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { groupBy, aggregations } = node.options;
    if (aggregations.length === 0) env.issue('add at least one aggregation');
    const columns: NodeColumn[] = [];
    for (const g of groupBy) {
      const c = needColumn(input, g, env);
      columns.push({ name: g, type: c?.type ?? null });
    }
    const select: Sql[] = groupBy.map((g) => ident(g));
    for (const a of aggregations) {
      const c = checkAggregation(a.fn, a.column, input, env);
      const name = aggregateName(a);
      checkNewName(name, 'an aggregation', env);
      select.push(sql`${raw(aggregateSql(a.fn, a.column))} AS ${ident(name)}`);
      columns.push({ name, type: aggregateType(a.fn, c) });
    }
    const clash = duplicateName(columns.map((c) => c.name));
    if (clash !== undefined) env.issue(`two output columns are named ${quotedName(clash)}`);
    const group =
      groupBy.length > 0 ? sql` GROUP BY ${joinSql(groupBy.map((g) => ident(g)))}` : raw('');
    return {
      sql: sql`SELECT ${joinSql(select)} FROM ${raw(input.ref)}${group}`.text,
      columns: input.columns === null ? null : columns,
    };
  },
};
