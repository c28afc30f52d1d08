import { ident, joinSql, raw, sql, type Sql } from '../../core/sql/sql-template';
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
    const names = joinSql(added.map((a) => sql`lower(${a.name})`));
    const list = joinSql(added.map((a) => sql`${raw(a.expr)} AS ${ident(a.name)}`));
    return {
      sql: sql`SELECT COLUMNS(lambda c: lower(c) NOT IN (${names})), ${list} FROM ${raw(input.ref)}`
        .text,
      columns: null,
    };
  }
  let columns: NodeColumn[] = [...input.columns];
  const replaced: Sql[] = [];
  const appended: Sql[] = [];
  for (const a of added) {
    const before = columns.length;
    columns = withColumn(columns, { name: a.name, type: a.type });
    (columns.length === before ? replaced : appended).push(sql`${raw(a.expr)} AS ${ident(a.name)}`);
  }
  const star = replaced.length > 0 ? sql`* REPLACE (${joinSql(replaced)})` : raw('*');
  return { sql: sql`SELECT ${joinSql([star, ...appended])} FROM ${raw(input.ref)}`.text, columns };
}
