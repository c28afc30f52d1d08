import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { duplicateName, findColumn, type NodeColumn } from '../columns';
import type { JoinType } from '../model';
import { needColumn, type NodeModule } from './node-module';

const JOIN_SQL: Record<JoinType, string> = {
  inner: 'INNER JOIN',
  left: 'LEFT JOIN',
  right: 'RIGHT JOIN',
  outer: 'FULL OUTER JOIN',
  'left-semi': 'SEMI JOIN',
  'left-anti': 'ANTI JOIN',
};

/** Glue Studio's prefix for a right column named like a left one ("Resolve it"). */
export const DEFAULT_RIGHT_PREFIX = '(right)';

/**
 * An equi-join of input 0 (left, `l`) and input 1 (right, `r`). Output: every left column, then
 * every right column; a right column whose name a left column has (DuckDB ignores ASCII case)
 * is renamed `rightPrefix + name`. Semi and anti joins output the left columns only. NULL keys
 * never match, as in Spark.
 */
export const join: NodeModule<'join'> = {
  kind: 'join',
  title: 'Join',
  category: 'transform',
  inputs: { min: 2, max: 2 },
  defaults: () => ({ type: 'inner', on: [] }),
  build(node, inputs, env) {
    const [left, right] = inputs;
    if (!left || !right) return { sql: '', columns: null };
    const { type, on, rightPrefix = DEFAULT_RIGHT_PREFIX } = node.options;
    if (!(type in JOIN_SQL)) {
      env.issue(`${quotedName(type)} is not a join type`);
      return { sql: '', columns: null };
    }
    if (on.length === 0) env.issue('choose the columns to join on');
    for (const k of on) {
      needColumn(left, k.left, env, 'the left input');
      needColumn(right, k.right, env, 'the right input');
    }
    const condition =
      on.length > 0
        ? joinSql(
            on.map((k) => sql`l.${ident(k.left)} = r.${ident(k.right)}`),
            ' AND ',
          )
        : raw('false');
    const from = sql`${raw(left.ref)} AS l ${raw(JOIN_SQL[type])} ${raw(right.ref)} AS r ON ${condition}`;
    if (type === 'left-semi' || type === 'left-anti')
      return {
        sql: sql`SELECT l.* FROM ${from}`.text,
        columns: left.columns ? [...left.columns] : null,
      };
    if (left.columns === null || right.columns === null) {
      env.issue(
        `the columns of its ${left.columns === null ? 'left' : 'right'} input are not known yet, ` +
          'so same-named columns cannot be told apart: describe that input first',
      );
      return { sql: '', columns: null };
    }
    const rightColumns: NodeColumn[] = right.columns.map((c) =>
      findColumn(left.columns!, c.name) ? { name: rightPrefix + c.name, type: c.type } : c,
    );
    const columns = [...left.columns, ...rightColumns];
    const clash = duplicateName(columns.map((c) => c.name));
    if (clash !== undefined)
      env.issue(
        `two output columns would be named ${quotedName(clash)}: choose another prefix for the right input`,
      );
    const select = [
      raw('l.*'),
      ...right.columns.map((c, i) => sql`r.${ident(c.name)} AS ${ident(rightColumns[i]!.name)}`),
    ];
    return { sql: sql`SELECT ${joinSql(select)} FROM ${from}`.text, columns };
  },
};
