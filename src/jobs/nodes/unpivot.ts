import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { duplicateName, sameName, type NodeColumn } from '../columns';
import { checkNewName, needColumn, only, type NodeModule } from './node-module';

/**
 * Glue's Unpivot Columns Into Rows: each row becomes one row per chosen column, holding the
 * column's name and value; the other columns repeat. The chosen columns need one type. Rows whose
 * value is NULL are left out unless `includeNulls`.
 */
export const unpivot: NodeModule<'unpivot'> = {
  kind: 'unpivot',
  title: 'Unpivot Columns Into Rows',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ columns: [] }),
  build(node, inputs, env) {
    const input = only(inputs);
    const {
      columns,
      nameColumn = 'name',
      valueColumn = 'value',
      includeNulls = false,
    } = node.options;
    if (columns.length === 0) env.issue('choose the columns to unpivot');
    checkNewName(nameColumn, 'the name column', env);
    checkNewName(valueColumn, 'the value column', env);
    const found = columns.map((c) => needColumn(input, c, env));
    const types = [...new Set(found.map((c) => c?.type).filter((t): t is string => !!t))];
    if (types.length > 1)
      env.issue(
        `the columns to unpivot have different types (${types.join(', ')}): ` +
          'change them to one type first (Change Schema)',
      );
    const twice = duplicateName(columns);
    if (twice !== undefined) env.issue(`column ${quotedName(twice)} is chosen twice`);
    const name = ident(nameColumn);
    const value = ident(valueColumn);
    const idents = joinSql(columns.map((c) => ident(c)));
    const inner = sql`SELECT * EXCLUDE (${idents}), unnest(${columns}) AS ${name}, unnest([${idents}]) AS ${value} FROM ${raw(input.ref)}`;
    let out: NodeColumn[] | null = null;
    if (input.columns) {
      out = [
        ...input.columns.filter((c) => !columns.some((n) => sameName(n, c.name))),
        { name: nameColumn, type: 'VARCHAR' },
        { name: valueColumn, type: types.length === 1 ? types[0]! : null },
      ];
      const clash = duplicateName(out.map((c) => c.name));
      if (clash !== undefined) env.issue(`two output columns would be named ${quotedName(clash)}`);
    }
    return {
      sql: (includeNulls ? inner : sql`SELECT * FROM (${inner}) WHERE ${value} IS NOT NULL`).text,
      columns: out,
    };
  },
};
