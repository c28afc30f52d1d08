import { filterSql } from '../filter-sql';
import { only, type NodeModule } from './node-module';

/** Glue's Filter: rows for which the conditions hold (NULL counts as false). */
export const filter: NodeModule<'filter'> = {
  kind: 'filter',
  title: 'Filter',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ filter: { combine: 'AND', clauses: [] } }),
  build(node, inputs, env) {
    const input = only(inputs);
    const where = filterSql(node.options.filter, {
      columns: input.columns,
      where: 'its input',
      params: env.params,
      issue: env.issue,
    });
    return {
      sql: `SELECT * FROM ${input.ref} WHERE ${where}`,
      columns: input.columns ? [...input.columns] : null,
    };
  },
};
