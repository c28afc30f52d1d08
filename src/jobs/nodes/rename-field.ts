import { quotedName } from '../../core/quoted-name';
import { ident, raw, sql } from '../../core/sql/sql-template';
import { findColumn, sameName } from '../columns';
import { checkNewName, needColumn, only, type NodeModule } from './node-module';

/** One column renamed, in its place (`* RENAME`). */
export const renameField: NodeModule<'rename-field'> = {
  kind: 'rename-field',
  title: 'Rename Field',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ from: '', to: '' }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { from, to } = node.options;
    needColumn(input, from, env);
    checkNewName(to, 'the new name', env);
    if (input.columns && !sameName(from, to) && findColumn(input.columns, to))
      env.issue(`there is a column ${quotedName(to)} already`);
    return {
      sql: sql`SELECT * RENAME (${ident(from)} AS ${ident(to)}) FROM ${raw(input.ref)}`.text,
      columns:
        input.columns?.map((c) => (sameName(c.name, from) ? { name: to, type: c.type } : c)) ??
        null,
    };
  },
};
