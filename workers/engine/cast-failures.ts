import { csvErrorFacts, DecantError } from '../../src/core/errors';
import { quotedName } from '../../src/core/quoted-name';
import {
  changedValuesSql,
  failingPartitionValuesSql,
  readAsTypeSql,
  rowsInFilesSql,
  textRowCountSql,
  typedChangesSql,
  typedFailuresSql,
  type CastCheck as CastFailures,
  type CsvFiles,
} from '../../src/core/sql/cast-check';
import { CLEAR_REJECTS_SQL, REJECTED_CASTS_SQL } from '../../src/core/sql/read-csv';
import { unusedName } from '../../src/core/sql/table-view';
import { quoteIdent } from '../../src/core/sql/quote';
import { isTypeName } from '../../src/core/sql/type-name';
import { catalogRows, type Relabel } from './sql-error';
import type { SqlSession } from './sql-session';
import { tableLabel, type TableViewInput } from './table-views';

/** How many distinct failing values castFailures reports. */
export const CAST_EXAMPLES = 5;

export type { CastCheck as CastFailures } from '../../src/core/sql/cast-check';

/**
 * How many non-NULL values of `column` would not survive a change to `type`: the values as the
 * table's files hold them, read the way the view will read them after the change (see
 * cast-check.ts), so a `true` in a BOOLEAN column counts as a failure for INTEGER. For a partition
 * key, its values from the paths are cast, and the rows of files with a failing value counted.
 * Reads the files twice (rows as text, rows as `type`). `type` must be a type name (it cannot be
 * quoted); throws `catalog:` DecantErrors for that, an unknown column or type, or a file that
 * does not read.
 */
export function castFailures(
  s: SqlSession,
  t: TableViewInput,
  column: string,
  type: string,
  relabel: Relabel = (x) => x,
): CastFailures {
  const label = tableLabel(t.database, t.name);
  if (!isTypeName(type))
    throw new DecantError(
      `catalog: ${quotedName(type)} is not a type name Decant accepts; use a DuckDB type such as ` +
        'BIGINT, DECIMAL(10,2), TIMESTAMP, VARCHAR[] or STRUCT(a INTEGER)',
    );
  const files: CsvFiles = {
    paths: t.pattern ?? t.files.map((f) => f.path),
    dialect: t.dialect,
    columns: t.columns,
  };
  const what = `cannot check ${quotedName(column)} of ${label} as ${type}`;
  const rows = (sql: string) => catalogRows(s, sql, what, relabel);
  const key = t.partitionKeys.findIndex((k) => k.name === column);
  if (key < 0 && !t.columns.some((c) => c.name === column))
    throw new DecantError(`catalog: ${label} has no column ${quotedName(column)}`);
  if (t.files.length === 0) return { failures: 0, examples: [] };

  if (key >= 0) {
    const check = failingPartitionValuesSql(
      t.files.map((f) => f.partitionValues[key]!),
      type,
    );
    const failing = check ? rows(check).map((r) => String(r.v)) : [];
    if (failing.length === 0) return { failures: 0, examples: [] };
    const bad = new Set(failing);
    const paths = t.files.filter((f) => bad.has(f.partitionValues[key]!)).map((f) => f.path);
    const n = rows(rowsInFilesSql(files, unusedName('__decant_file', t.columns), paths))[0]?.n;
    return { failures: Number(n ?? 0), examples: failing.slice(0, CAST_EXAMPLES) };
  }

  const total = Number(rows(textRowCountSql(files))[0]?.n ?? 0);
  s.run(...CLEAR_REJECTS_SQL);
  const read = Number(rows(readAsTypeSql(files, column, type))[0]?.n ?? 0);
  const failures = total - read;
  const changed = changedValues(files, column, type, rows);
  if (failures === 0) return { failures, examples: [], ...changed };
  const values = rows(REJECTED_CASTS_SQL)
    .map((r) => csvErrorFacts(String(r.error_message)).value)
    .filter((v): v is string => v !== undefined);
  return { failures, examples: [...new Set(values)].slice(0, CAST_EXAMPLES), ...changed };
}

/** `{ changed }` for castFailures when some values of `column` convert to `type` but change. */
function changedValues(
  files: CsvFiles,
  column: string,
  type: string,
  rows: (sql: string) => Record<string, unknown>[],
): Pick<CastFailures, 'changed'> {
  const oldType = files.columns.find((c) => c.name === column)?.type;
  const sql = oldType === undefined ? null : changedValuesSql(files, column, oldType, type);
  const found = sql ? rows(sql) : [];
  if (found.length === 0) return {};
  const seen = new Map(found.map((r) => [String(r.before), String(r.after)]));
  const examples = [...seen].map(([before, after]) => ({ before, after }));
  return { changed: { count: Number(found[0]!.n), examples } };
}

/**
 * castFailures for a table whose values are typed in its files (a loaded Parquet table): its
 * values as they are typed now, cast to `type`. `oldType` is the column's type now. Throws
 * `catalog:` DecantErrors as castFailures does.
 */
export function typedCastFailures(
  s: SqlSession,
  database: string,
  name: string,
  column: string,
  oldType: string,
  type: string,
  relabel: Relabel = (x) => x,
): CastFailures {
  const label = tableLabel(database, name);
  if (!isTypeName(type))
    throw new DecantError(
      `catalog: ${quotedName(type)} is not a type name Decant accepts; use a DuckDB type such as ` +
        'BIGINT, DECIMAL(10,2), TIMESTAMP, VARCHAR[] or STRUCT(a INTEGER)',
    );
  const what = `cannot check ${quotedName(column)} of ${label} as ${type}`;
  const rows = (sql: string) => catalogRows(s, sql, what, relabel);
  const relation = `${quoteIdent(database)}.${quoteIdent(name)}`;
  const failing = typedFailuresSql(relation, column, type);
  const failures = Number(rows(failing.count)[0]?.n ?? 0);
  const examples = failures === 0 ? [] : rows(failing.examples).map((r) => String(r.v));
  const sql = typedChangesSql(relation, column, oldType, type);
  const changedRows = sql ? rows(sql) : [];
  if (changedRows.length === 0) return { failures, examples };
  const seen = new Map(changedRows.map((r) => [String(r.before), String(r.after)]));
  return {
    failures,
    examples,
    changed: {
      count: Number(changedRows[0]!.n),
      examples: [...seen].map(([before, after]) => ({ before, after })),
    },
  };
}
