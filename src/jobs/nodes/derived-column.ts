import { substituteSql } from '../params';
import { expressionProblem } from '../sql-text';
import { addColumns } from './add-columns';
import { checkNewName, only, type NodeModule } from './node-module';

/**
 * A column computed by a DuckDB SQL expression over the input's columns (replacing one of the
 * same name). `${param}` becomes a quoted value. The expression is checked to be one expression
 * (no `;`, balanced parentheses, closed strings) and wrapped in parentheses on lines of its own.
 */
export const derivedColumn: NodeModule<'derived-column'> = {
  kind: 'derived-column',
  title: 'Derived Column',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ column: '', expression: '' }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { column, expression } = node.options;
    checkNewName(column, 'the new column', env);
    const problem = expressionProblem(expression);
    if (problem) {
      env.issue(`the expression cannot be used: ${problem}`);
      return { sql: '', columns: null };
    }
    const expr = `(\n${substituteSql(expression, env.params, env.issue)}\n)`;
    return addColumns(input, [{ name: column, expr, type: null }]);
  },
};
