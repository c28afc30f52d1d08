import { quotedName } from '../../core/quoted-name';
import { ident, joinSql, raw, sql, type Sql } from '../../core/sql/sql-template';
import { duplicateName, type NodeColumn } from '../columns';
import { structFields } from '../type-text';
import { only, type NodeModule } from './node-module';

/**
 * Struct columns become one column per field, named `parent.child` (the separator is an
 * option), recursively up to `maxLevels`, each in the place of its struct. Needs the input's
 * column types (from the catalog, or the engine's DESCRIBE).
 */
export const flatten: NodeModule<'flatten'> = {
  kind: 'flatten',
  title: 'Flatten',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({}),
  build(node, inputs, env) {
    const input = only(inputs);
    const { separator = '.', maxLevels = Infinity } = node.options;
    if (input.columns === null || input.columns.some((c) => c.type === null)) {
      env.issue('the types of its input are not known yet: describe the input first');
      return { sql: '', columns: null };
    }
    if (!(maxLevels >= 1)) env.issue('flatten at least one level');
    const select: Sql[] = [];
    const columns: NodeColumn[] = [];
    const expand = (expr: Sql, name: string, type: string, level: number) => {
      const fields = level < maxLevels ? structFields(type) : null;
      if (!fields || fields.length === 0) {
        select.push(sql`${expr} AS ${ident(name)}`);
        columns.push({ name, type });
        return;
      }
      for (const f of fields)
        expand(
          sql`struct_extract(${expr}, ${f.name})`,
          name + separator + f.name,
          f.type,
          level + 1,
        );
    };
    for (const c of input.columns) expand(ident(c.name), c.name, c.type!, 0);
    const clash = duplicateName(columns.map((c) => c.name));
    if (clash !== undefined) env.issue(`two output columns would be named ${quotedName(clash)}`);
    return { sql: sql`SELECT ${joinSql(select)} FROM ${raw(input.ref)}`.text, columns };
  },
};
