import { quoteIdent, quoteLiteral } from '../../core/sql/quote';
import { withColumn, type NodeColumn } from '../columns';
import type { NodeInput } from './node-module';

/** A column a node adds, or replaces when the input has one of that name. */
export interface NewColumn {
  name: string;
  /** SQL over the input's columns. */
  expr: string;
  type: string | null;
}

/**
 * `SELECT *` with the columns added (or replaced in place, `* REPLACE`). When the input's
 * columns are not known, same-named columns are left out (`COLUMNS(lambda c: …)`) and the new ones
 * come last.
 */
export function addColumns(
  input: NodeInput,
  added: readonly NewColumn[],
): {
  sql: string;
  columns: NodeColumn[] | null;
} {
  if (input.columns === null) {
    const names = added.map((a) => `lower(${quoteLiteral(a.name)})`).join(', ');
    const list = added.map((a) => `${a.expr} AS ${quoteIdent(a.name)}`);
    return {
      sql: `SELECT COLUMNS(lambda c: lower(c) NOT IN (${names})), ${list.join(', ')} FROM ${input.ref}`,
      columns: null,
    };
  }
  let columns: NodeColumn[] = [...input.columns];
  const replaced: string[] = [];
  const appended: string[] = [];
  for (const a of added) {
    const before = columns.length;
    columns = withColumn(columns, { name: a.name, type: a.type });
    (columns.length === before ? replaced : appended).push(`${a.expr} AS ${quoteIdent(a.name)}`);
  }
  const star = replaced.length > 0 ? `* REPLACE (${replaced.join(', ')})` : '*';
  return { sql: `SELECT ${[star, ...appended].join(', ')} FROM ${input.ref}`, columns };
}
