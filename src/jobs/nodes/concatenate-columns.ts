import { quoteIdent, quoteLiteral } from '../../core/sql/quote';
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
      const text = `CAST(${quoteIdent(c)} AS VARCHAR)`;
      return nullValue === undefined
        ? text
        : `coalesce(${text}, ${quoteLiteral(substituteText(nullValue, env.params, env.issue))})`;
    });
    const sep = quoteLiteral(substituteText(spacer, env.params, env.issue));
    const expr = `concat_ws(${[sep, ...parts].join(', ')})`;
    return addColumns(input, [{ name: as, expr, type: 'VARCHAR' }]);
  },
};
