import { raw, sql } from '../../core/sql/sql-template';
import { substituteText } from '../params';
import { addColumns } from './add-columns';
import { checkNewName, only, type NodeModule } from './node-module';

/** The time the statement started (UTC), the same in every row; text when a pattern is given. */
export const addCurrentTimestamp: NodeModule<'add-current-timestamp'> = {
  kind: 'add-current-timestamp',
  title: 'Add Current Timestamp',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ column: 'processed_at' }),
  build(node, inputs, env) {
    const { column, pattern } = node.options;
    checkNewName(column, 'the new column', env);
    const now = 'CAST(current_timestamp AS TIMESTAMP)';
    const expr =
      pattern === undefined
        ? now
        : sql`strftime(${raw(now)}, ${substituteText(pattern, env.params, env.issue)})`.text;
    return addColumns(only(inputs), [
      { name: column, expr, type: pattern === undefined ? 'TIMESTAMP' : 'VARCHAR' },
    ]);
  },
};
