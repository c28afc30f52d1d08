import { quotedName } from '../../core/quoted-name';
import { ident } from '../../core/sql/sql-template';
import { listElement, mapTypes } from '../type-text';
import { addColumns } from './add-columns';
import { checkNewName, needColumn, only, type NodeModule } from './node-module';

/**
 * One row per element of an array column (a map's entries as `{key, value}` structs); the other
 * columns repeat. Rows with an empty or NULL array are dropped, or kept with NULL (`keepEmpty`).
 */
export const explode: NodeModule<'explode'> = {
  kind: 'explode',
  title: 'Explode Array Or Map Into Rows',
  category: 'transform',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ column: '' }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { column, as, keepEmpty = false } = node.options;
    if (as !== undefined) checkNewName(as, 'the new column', env);
    const source = needColumn(input, column, env);
    const type = source?.type ?? null;
    let list = ident(column).text;
    let element: string | null = null;
    if (type !== null) {
      const map = mapTypes(type);
      element = map ? `STRUCT("key" ${map.key}, "value" ${map.value})` : listElement(type);
      if (map) list = `map_entries(${list})`;
      else if (element === null) {
        env.issue(`column ${quotedName(column)} is ${type}, not an array or a map`);
        return { sql: '', columns: null };
      }
    }
    if (keepEmpty) list = `CASE WHEN len(${list}) > 0 THEN ${list} ELSE [NULL] END`;
    return addColumns(input, [{ name: as ?? column, expr: `unnest(${list})`, type: element }]);
  },
};
