import { only, type NodeModule } from './node-module';

/** The first `count` rows (after skipping `offset`), in input order. */
export const limit: NodeModule<'limit'> = {
  kind: 'limit',
  title: 'Limit',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ count: 100 }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { count, offset = 0 } = node.options;
    const whole = (n: number) => Number.isSafeInteger(n) && n >= 0;
    if (!whole(count)) env.issue(`the number of rows must be a whole number ≥ 0, not ${count}`);
    if (!whole(offset)) env.issue(`the rows to skip must be a whole number ≥ 0, not ${offset}`);
    const skip = offset > 0 ? ` OFFSET ${offset}` : '';
    return {
      sql: `SELECT * FROM ${input.ref} LIMIT ${whole(count) ? count : 0}${whole(offset) ? skip : ''}`,
      columns: input.columns ? [...input.columns] : null,
    };
  },
};
