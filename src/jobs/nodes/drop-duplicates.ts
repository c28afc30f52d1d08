import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { duplicateName, unusedColumnName } from '../columns';
import { needColumn, only, type NodeModule } from './node-module';

/**
 * The first row of each set of rows equal in `columns` (whole rows when empty; NULLs equal
 * each other, as in Spark's dropDuplicates), in input order.
 */
export const dropDuplicates: NodeModule<'drop-duplicates'> = {
  kind: 'drop-duplicates',
  title: 'Drop Duplicates',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ columns: [] }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { columns } = node.options;
    for (const c of columns) needColumn(input, c, env);
    const twice = duplicateName(columns);
    if (twice !== undefined) env.issue(`column ${quotedName(twice)} is chosen twice`);
    const taken = input.columns ?? [];
    const row = ident(unusedColumnName('__decant_row', taken));
    const alias = ident(unusedColumnName('__decant_in', taken));
    // A whole row is its table alias: a struct of every column.
    const key =
      columns.length > 0
        ? joinSql(columns.map((c) => ident(c)))
        : ident(unusedColumnName('__decant_key', taken));
    const keyColumn = columns.length > 0 ? raw('') : sql`, ${alias} AS ${key}`;
    const numbered = sql`(SELECT *, row_number() OVER () AS ${row}${keyColumn} FROM ${raw(input.ref)} AS ${alias})`;
    const drop = columns.length > 0 ? row : sql`${row}, ${key}`;
    return {
      sql: sql`SELECT * EXCLUDE (${drop}) FROM ${numbered} QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY ${row}) = 1 ORDER BY ${row}`
        .text,
      columns: input.columns ? [...input.columns] : null,
    };
  },
};
