import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql, type Sql } from '../../core/sql/sql-template';
import { findColumn, unusedColumnName, withColumn, type NodeColumn } from '../columns';
import type { FillStrategy } from '../model';
import { substituteText } from '../params';
import { checkNewName, needColumn, only, type NodeModule } from './node-module';

const STRATEGIES: readonly FillStrategy[] = ['constant', 'mean', 'median', 'mode', 'previous'];

/**
 * NULLs replaced: by a constant (cast to the column's type), the column's mean, median or most
 * frequent value over all rows, or the previous non-NULL value in row order (the input's order,
 * or `orderBy`; the output is then in that order). Mean and median of an integer column are
 * DOUBLE. In place, or into a new column with `as`.
 */
export const fillMissingValues: NodeModule<'fill-missing-values'> = {
  kind: 'fill-missing-values',
  title: 'Fill Missing Values',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ fills: [] }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { fills, orderBy = [] } = node.options;
    if (fills.length === 0) env.issue('choose a column to fill');
    for (const o of orderBy) needColumn(input, o, env);
    const row = ident(unusedColumnName('__decant_row', input.columns ?? []));
    const order = joinSql([...orderBy.map((o) => ident(o)), row]);
    const replaced: Sql[] = [];
    const appended: Sql[] = [];
    let columns: NodeColumn[] | null = input.columns ? [...input.columns] : null;
    for (const f of fills) {
      const source = needColumn(input, f.column, env);
      const c = ident(f.column);
      let expr: Sql;
      switch (f.strategy) {
        case 'constant':
          if (f.value === undefined) env.issue(`give the value that fills ${quotedName(f.column)}`);
          expr = sql`coalesce(${c}, ${substituteText(f.value ?? '', env.params, env.issue)})`;
          break;
        case 'mean':
          expr = sql`coalesce(${c}, avg(${c}) OVER ())`;
          break;
        case 'median':
          expr = sql`coalesce(${c}, median(${c}) OVER ())`;
          break;
        case 'mode':
          expr = sql`coalesce(${c}, mode(${c}) OVER ())`;
          break;
        case 'previous':
          expr = sql`last_value(${c} IGNORE NULLS) OVER (ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
          break;
        default:
          env.issue(
            `${quotedName(String(f.strategy))} is not a way to fill (${STRATEGIES.join(', ')})`,
          );
          continue;
      }
      const keepsType = f.strategy !== 'mean' && f.strategy !== 'median';
      const type = keepsType ? (source?.type ?? null) : null;
      const target = f.as ?? f.column;
      if (f.as !== undefined) checkNewName(f.as, 'the new column', env);
      const isNew = f.as !== undefined && (columns === null || !findColumn(columns, f.as));
      (isNew ? appended : replaced).push(sql`${expr} AS ${ident(target)}`);
      if (columns) columns = withColumn(columns, { name: target, type });
    }
    const previous = fills.some((f) => f.strategy === 'previous');
    if (!previous) {
      const star = replaced.length > 0 ? sql`* REPLACE (${joinSql(replaced)})` : raw('*');
      return {
        sql: sql`SELECT ${joinSql([star, ...appended])} FROM ${raw(input.ref)}`.text,
        columns,
      };
    }
    const replace = replaced.length > 0 ? sql` REPLACE (${joinSql(replaced)})` : raw('');
    const star = sql`* EXCLUDE (${row})${replace}`;
    const from = sql`(SELECT *, row_number() OVER () AS ${row} FROM ${raw(input.ref)})`;
    return {
      sql: sql`SELECT ${joinSql([star, ...appended])} FROM ${from} ORDER BY ${order}`.text,
      columns,
    };
  },
};
