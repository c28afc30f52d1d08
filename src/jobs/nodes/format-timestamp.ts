import { ident, sql } from '../../core/sql/sql-template';
import { substituteText } from '../params';
import { addColumns } from './add-columns';
import { checkNewName, needColumn, only, type NodeModule } from './node-module';

/** A timestamp (or date, or ISO text) as text in a strftime pattern, e.g. `%Y-%m-%d`. */
export const formatTimestamp: NodeModule<'format-timestamp'> = {
  kind: 'format-timestamp',
  title: 'Format Timestamp',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ column: '', pattern: '%Y-%m-%d %H:%M:%S' }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { column, pattern, as } = node.options;
    needColumn(input, column, env);
    if (as !== undefined) checkNewName(as, 'the new column', env);
    if (pattern === '') env.issue('give the pattern, e.g. %Y-%m-%d');
    const p = substituteText(pattern, env.params, env.issue);
    const expr = sql`strftime(CAST(${ident(column)} AS TIMESTAMP), ${p})`.text;
    return addColumns(input, [{ name: as ?? column, expr, type: 'VARCHAR' }]);
  },
};
