import { ident, sql } from '../../core/sql/sql-template';
import { substituteText } from '../params';
import { addColumns } from './add-columns';
import { checkNewName, needColumn, only, type NodeModule } from './node-module';

/** A string split at each match of a regular expression (RE2) into a VARCHAR[] column. */
export const splitString: NodeModule<'split-string'> = {
  kind: 'split-string',
  title: 'Split String',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ column: '', pattern: ',' }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { column, pattern, as } = node.options;
    needColumn(input, column, env);
    if (pattern === '') env.issue('give the pattern to split at');
    if (as !== undefined) checkNewName(as, 'the new column', env);
    const regex = substituteText(pattern, env.params, env.issue);
    const expr = sql`string_split_regex(CAST(${ident(column)} AS VARCHAR), ${regex})`.text;
    return addColumns(input, [{ name: as ?? column, expr, type: 'VARCHAR[]' }]);
  },
};
