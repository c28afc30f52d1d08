import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { sameName } from '../columns';
import { only, type NodeModule } from './node-module';

/**
 * The columns whose every value is NULL are dropped. Which they are depends on the data, so a
 * probe finds them first (describe.ts `probesFor`) and the compile reads its answer from
 * `ctx.facts`. An input with no rows drops nothing.
 */
export const dropNullFields: NodeModule<'drop-null-fields'> = {
  kind: 'drop-null-fields',
  title: 'Drop Null Fields',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({}),
  build(_node, inputs, env) {
    const input = only(inputs);
    const nulls = env.facts?.nullColumns;
    if (nulls === undefined) {
      env.issue('which columns are all NULL is not known yet: run its probe first');
      return { sql: '', columns: null };
    }
    const rest = input.columns?.filter((c) => !nulls.some((n) => sameName(n, c.name))) ?? null;
    if (rest !== null && rest.length === 0)
      env.issue(
        `every column is NULL in every row (${input.columns!.map((c) => quotedName(c.name)).join(', ')})`,
      );
    const exclude =
      nulls.length > 0 ? sql` EXCLUDE (${joinSql(nulls.map((n) => ident(n)))})` : raw('');
    return { sql: sql`SELECT *${exclude} FROM ${raw(input.ref)}`.text, columns: rest };
  },
};
