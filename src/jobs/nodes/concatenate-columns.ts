import { ident, joinSql, sql } from '../../core/sql/sql-template';
import { substituteText } from '../params';
import { addColumns } from './add-columns';
import { checkNewName, needColumn, only, type NodeModule } from './node-module';

/** Values of columns as text joined by a spacer into a new VARCHAR column. */
export const concatenateColumns: NodeModule<'concatenate-columns'> = {
  kind: 'concatenate-columns',
  title: 'Concatenate Columns',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ columns: [], as: 'concatenated' }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { columns, as, spacer = '', nullValue } = node.options;
    if (columns.length === 0) env.issue('choose the columns to concatenate');
    checkNewName(as, 'the new column', env);
    const parts = columns.map((c) => {
      needColumn(input, c, env);
      const text = sql`CAST(${ident(c)} AS VARCHAR)`;
      return nullValue === undefined
        ? text
        : sql`coalesce(${text}, ${substituteText(nullValue, env.params, env.issue)})`;
    });
    const sep = substituteText(spacer, env.params, env.issue);
    const expr = sql`concat_ws(${joinSql([sep, ...parts])})`.text;
    return addColumns(input, [{ name: as, expr, type: 'VARCHAR' }]);
  },
};
