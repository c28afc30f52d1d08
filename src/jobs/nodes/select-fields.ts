import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { duplicateName, type NodeColumn } from '../columns';
import { needColumn, only, type NodeModule } from './node-module';

/** Keeps the chosen columns, in the chosen order. */
export const selectFields: NodeModule<'select-fields'> = {
  kind: 'select-fields',
  title: 'Select Fields',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ columns: [] }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { columns } = node.options;
    if (columns.length === 0) env.issue('choose at least one column');
    const twice = duplicateName(columns);
    if (twice !== undefined) env.issue(`column ${quotedName(twice)} is chosen twice`);
    const out: NodeColumn[] = [];
    for (const name of columns) {
      const c = needColumn(input, name, env);
      if (c) out.push(c);
    }
    return {
      sql: sql`SELECT ${joinSql(columns.map((c) => ident(c)))} FROM ${raw(input.ref)}`.text,
      columns: input.columns === null ? null : out,
    };
  },
};
