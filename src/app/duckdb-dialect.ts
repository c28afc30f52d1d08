/**
 * DuckDB's SQL as CodeMirror highlights it: PostgreSQL's dialect, which DuckDB follows, with
 * DuckDB's own words added.
 */
import { PostgreSQL, SQLDialect } from '@codemirror/lang-sql';

/** DuckDB's words that PostgreSQL lacks, so they are highlighted too. */
const DUCKDB_KEYWORDS =
  'anti asof attach columns describe detach exclude glob install lambda load macro pivot ' +
  'pivot_longer pivot_wider positional pragma qualify replace semi struct summarize try_cast ' +
  'unpack unpivot';
const DUCKDB_TYPES =
  'blob hugeint uhugeint ubigint uinteger usmallint utinyint tinyint list map struct union ' +
  'varchar timestamp_s timestamp_ms timestamp_ns varint bitstring';

/** The dialect the SQL editor highlights with. */
export const DUCKDB_DIALECT: SQLDialect = SQLDialect.define({
  ...PostgreSQL.spec,
  keywords: `${PostgreSQL.spec.keywords ?? ''} ${DUCKDB_KEYWORDS}`,
  types: `${PostgreSQL.spec.types ?? ''} ${DUCKDB_TYPES}`,
});
