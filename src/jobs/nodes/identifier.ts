import { addColumns } from './add-columns';
import { checkNewName, only, type NodeModule } from './node-module';

/** A row id: 1, 2, … in input order (BIGINT), or a random UUID as text. */
export const identifier: NodeModule<'identifier'> = {
  kind: 'identifier',
  title: 'Identifier',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ column: 'id', type: 'row-number' }),
  build(node, inputs, env) {
    const { column, type } = node.options;
    checkNewName(column, 'the new column', env);
    const uuid = type === 'uuid';
    return addColumns(only(inputs), [
      {
        name: column,
        expr: uuid ? 'CAST(uuid() AS VARCHAR)' : 'row_number() OVER ()',
        type: uuid ? 'VARCHAR' : 'BIGINT',
      },
    ]);
  },
};
