import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { sameName } from '../columns';
import { needColumn, only, type NodeModule } from './node-module';

/** Every column but the chosen ones. */
export const dropFields: NodeModule<'drop-fields'> = {
  kind: 'drop-fields',
  title: 'Drop Fields',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ columns: [] }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { columns } = node.options;
    for (const name of columns) needColumn(input, name, env);
    const rest = input.columns?.filter((c) => !columns.some((n) => sameName(n, c.name))) ?? null;
    if (rest !== null && rest.length === 0) env.issue('every column is dropped: keep at least one');
    const exclude =
      columns.length > 0 ? sql` EXCLUDE (${joinSql(columns.map((n) => ident(n)))})` : raw('');
    return { sql: sql`SELECT *${exclude} FROM ${raw(input.ref)}`.text, columns: rest };
  },
};
