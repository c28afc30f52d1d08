import type { ColumnStatistics } from '../../src/engine/protocol';
import type { ColumnInfo } from '../../src/core/csv/dialect';
import { DecantError } from '../../src/core/errors';
import { columnStatisticsFromRow, columnStatisticsSql } from '../../src/core/sql/column-stats';
import { describeSql } from '../../src/core/sql/result-table';
import { qualifiedName } from '../../src/core/sql/table-view';
import { catalogRows, engineErrorText, type Relabel } from './sql-error';
import type { SqlSession } from './sql-session';
import { mainCatalog, tableLabel } from './table-views';

/**
 * Glue's column statistics for a table the engine serves (see AttachedTables), from one scan:
 * nulls, distinct values (approx_count_distinct: a HyperLogLog estimate, like Glue's own, and
 * never exact — 3 values came out as 2, 1,000 as 1,249), min/max as text cut to 256
 * characters (not for nested types), max/avg length for VARCHAR (characters) and BLOB (bytes),
 * true/false counts for BOOLEAN. Throws `catalog:` DecantErrors: no such table, or a file that
 * does not read as described (named, with its line).
 */
export function columnStatistics(
  s: SqlSession,
  database: string,
  name: string,
  relabel: Relabel = (x) => x,
): { rowCount: number; columns: ColumnStatistics[] } {
  const relation = qualifiedName(mainCatalog(s), database, name);
  const columns = describe(s, database, name, relabel);
  const what = `statistics of ${tableLabel(database, name)}`;
  const row = catalogRows(s, columnStatisticsSql(relation, columns), what, relabel)[0] ?? {};
  return columnStatisticsFromRow(row, columns);
}

/** Columns of the table's view, with DuckDB's type names; `catalog:` error if there is none. */
function describe(s: SqlSession, database: string, name: string, relabel: Relabel): ColumnInfo[] {
  const relation = qualifiedName(mainCatalog(s), database, name);
  try {
    return s
      .rows(describeSql(relation))
      .map((r) => ({ name: String(r.name), type: String(r.type) }));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/^Catalog Error/.test(message))
      throw new DecantError(
        `catalog: no table ${tableLabel(database, name)} in the engine (attach it first)`,
        { cause: e },
      );
    throw new DecantError(
      `catalog: ${tableLabel(database, name)}: ${engineErrorText(message, relabel).text}`,
      { cause: e },
    );
  }
}
