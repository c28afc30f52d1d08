import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { duplicateName, sameName, type NodeColumn } from '../columns';
import { aggregateSql, aggregateType, checkAggregation } from './aggregate';
import { needColumn, only, type NodeModule } from './node-module';

/** More values than this are refused: a table 1,000 columns wide is a mistake, not a pivot. */
export const MAX_PIVOT_VALUES = 1000;

/**
 * Glue's Pivot Rows Into Columns: grouped by every other column, one column per value of
 * `pivotColumn` (named by the value) holding `fn` of `valueColumn` over the group's rows with
 * that value. Values are compared as text. Without `values`, a probe lists them (describe.ts).
 */
export const pivot: NodeModule<'pivot'> = {
  kind: 'pivot',
  title: 'Pivot Rows Into Columns',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ pivotColumn: '', valueColumn: '', fn: 'sum' }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { pivotColumn, valueColumn, fn } = node.options;
    needColumn(input, pivotColumn, env);
    const value = checkAggregation(fn, valueColumn, input, env);
    const values = node.options.values ?? env.facts?.pivotValues;
    if (values === undefined) {
      env.issue('its values are not known yet: list them, or run its probe first');
      return { sql: '', columns: null };
    }
    if (values.length === 0) env.issue(`column ${quotedName(pivotColumn)} has no values to pivot`);
    if (values.length > MAX_PIVOT_VALUES)
      env.issue(
        `column ${quotedName(pivotColumn)} has more than ${MAX_PIVOT_VALUES} values: list the ones you want`,
      );
    const p = ident(pivotColumn);
    const aggregate = raw(aggregateSql(fn, valueColumn));
    const aggregates = values.map(
      (v) => sql`${aggregate} FILTER (WHERE CAST(${p} AS VARCHAR) = ${v}) AS ${ident(v)}`,
    );
    const excluded = [...new Set([pivotColumn, valueColumn])].map((c) => ident(c));
    const rest = sql`* EXCLUDE (${joinSql(excluded)})`;
    let columns: NodeColumn[] | null = null;
    if (input.columns) {
      columns = [
        ...input.columns.filter(
          (c) => !sameName(c.name, pivotColumn) && !sameName(c.name, valueColumn),
        ),
        ...values.map((v) => ({ name: v, type: aggregateType(fn, value) })),
      ];
      const clash = duplicateName(columns.map((c) => c.name));
      if (clash !== undefined) env.issue(`two output columns would be named ${quotedName(clash)}`);
    }
    return {
      sql: sql`SELECT ${joinSql([rest, ...aggregates])} FROM ${raw(input.ref)} GROUP BY ALL`.text,
      columns,
    };
  },
};
