import { findColumn, type NodeColumn } from '../columns';
import type { NodeModule } from './node-module';

/**
 * The rows of all inputs: ALL keeps duplicates, DISTINCT drops them. By position (default:
 * inputs need the same number of columns; names come from the first) or by name (a column an
 * input lacks is NULL there).
 */
export const union: NodeModule<'union'> = {
  kind: 'union',
  title: 'Union',
  category: 'transform',
  inputs: { min: 2, max: Infinity },
  defaults: () => ({ mode: 'all' }),
  build(node, inputs, env) {
    const { mode, byName = false } = node.options;
    const op = `UNION${mode === 'distinct' ? '' : ' ALL'}${byName ? ' BY NAME' : ''}`;
    const sql = inputs.map((i) => `SELECT * FROM ${i.ref}`).join(` ${op} `);
    if (inputs.some((i) => i.columns === null)) return { sql, columns: null };
    const all = inputs.map((i) => i.columns!);
    let columns: NodeColumn[];
    if (byName) {
      columns = [];
      for (const cols of all)
        for (const c of cols) if (!findColumn(columns, c.name)) columns.push({ ...c });
      columns = columns.map((c) => ({
        name: c.name,
        type: commonType(all.map((cols) => findColumn(cols, c.name)?.type ?? c.type)),
      }));
    } else {
      const n = all[0]!.length;
      all.forEach((cols, i) => {
        if (cols.length !== n)
          env.issue(
            `input ${i + 1} has ${cols.length} columns and input 1 has ${n}: ` +
              'a union by position needs the same number (or union by name)',
          );
      });
      columns = all[0]!.map((c, k) => ({
        name: c.name,
        type: commonType(all.map((cols) => cols[k]?.type ?? null)),
      }));
    }
    return { sql, columns };
  },
};

/** The type when all agree, else null (DuckDB picks a common one). */
function commonType(types: readonly (string | null)[]): string | null {
  const first = types[0] ?? null;
  return types.every((t) => t !== null && t === first) ? first : null;
}
