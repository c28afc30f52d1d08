import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import type { ColumnInfo } from '../../src/core/csv/dialect';
import { DecantError } from '../../src/core/errors';
import { ident, sql as sqlOf } from '../../src/core/sql/sql-template';
import {
  countSql,
  dropResultSql,
  materializeSql,
  pageSql,
  resultTable,
} from '../../src/core/sql/result-table';
import { splitStatements, type SqlStatement } from '../../src/core/sql/split-statements';
import { refusedStatement } from '../../src/core/sql/statement-guard';
import { errorSummary, lineColumnAt } from '../../src/core/sql/error-position';
import type { SqlResult } from '../../src/engine/protocol';
import { duckdbTypeFromArrow } from './arrow-type-name';
import { ResultStore } from './result-store';
import { explainSqlError, type Relabel } from './sql-error';
import { SqlSession } from './sql-session';

/**
 * A result kept for paging: a temp table (on the store's connection when `adopted`, else the
 * user's), Arrow (for the few statements that can't feed one), or gone with its transaction.
 */
type Stored =
  | { kind: 'table'; n: number; adopted: boolean }
  | { kind: 'arrow'; table: Table }
  | { kind: 'gone'; why: string };

/** Statements that open, end or undo a transaction, by first keyword. */
const BEGINS = new Set(['BEGIN', 'START']);
const COMMITS = new Set(['COMMIT', 'END']);
const ROLLS_BACK = new Set(['ROLLBACK', 'ABORT']);

/**
 * The SQL console: runs a script, keeps the last statement's rows for paging. A result that
 * returns rows is materialized once into a temp table (`CREATE TEMP TABLE … AS <query>`), so every
 * page is a cheap rowid range of the same rows. Statements that return rows but cannot be
 * materialized that way (EXPLAIN, PRAGMA, CALL, … RETURNING) are small; their Arrow result is kept.
 */
export class SqlConsole {
  private results = new Map<string, Stored>();
  private seq = 0;
  private readonly store: ResultStore;
  /** Results made since the user's BEGIN: a ROLLBACK takes them back, as it would their rows. */
  private inTransaction: string[] | null = null;

  /** `results` keeps the result tables out of the user's sight (default: a new connection). */
  constructor(
    private readonly s: SqlSession,
    private readonly relabel: Relabel = (x) => x,
    results: SqlSession = new SqlSession(s.db),
  ) {
    this.store = new ResultStore(results);
  }

  /** The connection result table `n` lives on. */
  private home(adopted: boolean): SqlSession {
    return adopted ? this.store.session : this.s;
  }

  /**
   * Runs every statement in order; the last one's result is returned. Statements before it run
   * for their effect (a query among them is started, not read). Throws DecantError `sql: line
   * n: …` with `line`/`column` placed in `sql` (see explainSqlError); statements before the one
   * that failed have taken effect. Refuses (before running anything) statements that would load
   * extensions or change the settings that keep the engine offline.
   */
  runSql(sql: string): SqlResult {
    const t0 = performance.now();
    const statements = splitStatements(sql);
    for (const st of statements) {
      const why = refusedStatement(st.text);
      if (why !== null) {
        const { line } = lineColumnAt(sql, st.start + Math.max(0, st.text.search(/\S/)));
        throw new DecantError(`sql: line ${line}: ${why}`, { line, sql: st.text.trim() });
      }
    }
    const last = statements.at(-1);
    if (!last) return { resultId: '', columns: [], rowCount: 0, elapsedMs: 0, kind: 'ok' };
    statements.slice(0, -1).forEach((st, index) => {
      this.attempt(sql, st, index, statements.length, st.text, 0, () => {
        this.s.stream(st.text).cancel();
      });
      this.followTransaction(st.keyword);
    });
    const result = this.runLast(sql, last, statements.length);
    this.followTransaction(last.keyword);
    if (result.resultId) this.inTransaction?.push(result.resultId);
    return { ...result, elapsedMs: performance.now() - t0 };
  }

  /**
   * Rows `[offset, offset + limit)` of a result as an Arrow IPC stream (schema included, even for
   * an empty window). Throws DecantError when the result is unknown or was dropped.
   */
  page(resultId: string, offset: number, limit: number): Uint8Array {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(limit) || offset < 0 || limit < 0)
      throw new DecantError(`sql: page offset and limit must be whole numbers ≥ 0`);
    const r = this.stored(resultId);
    if (r.kind === 'gone')
      throw new DecantError(`sql: result ${resultId} can no longer be read: ${r.why}`);
    if (r.kind === 'arrow') return tableToIPC(r.table.slice(offset, offset + limit), 'stream');
    try {
      return this.home(r.adopted).queryIpc(pageSql(r.n, offset, limit));
    } catch (e) {
      // Its temp table went with a ROLLBACK, or the user dropped it.
      const text = errorSummary(e instanceof Error ? e.message : String(e));
      throw new DecantError(`sql: result ${resultId} can no longer be read: ${text}`, { cause: e });
    }
  }

  /** Frees a result; unknown ids are ignored. */
  dropResult(resultId: string): void {
    const r = this.results.get(resultId);
    if (!r) return;
    this.results.delete(resultId);
    if (r.kind === 'table') this.home(r.adopted).run(dropResultSql(r.n));
  }

  /** Keeps track of the user's transaction: results made in one that is rolled back are gone. */
  private followTransaction(keyword: string): void {
    if (BEGINS.has(keyword)) this.inTransaction = [];
    else if (COMMITS.has(keyword)) this.inTransaction = null;
    else if (ROLLS_BACK.has(keyword)) {
      for (const id of this.inTransaction ?? []) {
        const r = this.results.get(id);
        if (r?.kind === 'table') this.home(r.adopted).run(dropResultSql(r.n));
        if (r) this.results.set(id, { kind: 'gone', why: 'its transaction was rolled back' });
      }
      this.inTransaction = null;
    }
  }

  private stored(resultId: string): Stored {
    const r = this.results.get(resultId);
    if (!r) throw new DecantError(`sql: no result ${JSON.stringify(resultId)} (it was dropped)`);
    return r;
  }

  private runLast(sql: string, st: SqlStatement, count: number): Omit<SqlResult, 'elapsedMs'> {
    const n = ++this.seq;
    const index = count - 1;
    const wrap = materializeSql(n, st.text, st.keyword);
    if (wrap) {
      // The query as materializeSql would wrap it (`\n<statement>` or ` SELECT * FROM (\n…\n)`).
      const createLength = sqlOf`CREATE TEMP TABLE ${ident(`decant_result_${n}`)} AS`.text.length;
      const query = wrap.sql.slice(createLength);
      const queryPrefix = wrap.prefixLength - createLength;
      const columns = this.describe(sql, st, index, count, query, queryPrefix);
      if (columns && this.store.create(n, columns)) {
        let rowCount = 0;
        this.attempt(sql, st, index, count, query, queryPrefix, () => {
          rowCount = this.store.fill(n, this.s.stream(query));
        });
        return this.storedResult(n, true, columns, rowCount);
      }
      if (columns) {
        // A type the store cannot declare: materialize beside the user's tables, as written.
        this.attempt(sql, st, index, count, wrap.sql, wrap.prefixLength, () => {
          this.s.run(wrap.sql);
        });
        const rowCount = Number(this.s.rows(countSql(resultTable(n)))[0]?.n ?? 0);
        return this.storedResult(n, false, columns, rowCount);
      }
    }
    let ipc: Uint8Array = new Uint8Array();
    this.attempt(sql, st, index, count, st.text, 0, () => {
      ipc = this.s.queryIpc(st.text);
    });
    return this.directResult(n, tableFromIPC(ipc));
  }

  /**
   * The query's columns with DuckDB's full type names, from DESCRIBE (nothing runs), or null
   * when it is not a query after all (WITH … INSERT): then it is run as written.
   */
  private describe(
    sql: string,
    st: SqlStatement,
    index: number,
    count: number,
    query: string,
    queryPrefix: number,
  ): ColumnInfo[] | null {
    const head = 'SELECT column_name AS name, column_type AS type FROM (DESCRIBE';
    const text = `${head}${query})`;
    let columns: ColumnInfo[] | null = null;
    this.attempt(sql, st, index, count, text, head.length + queryPrefix, () => {
      try {
        columns = this.s.rows(text).map((c) => ({ name: String(c.name), type: String(c.type) }));
      } catch (e) {
        if (!(e instanceof Error && /^Parser Error/.test(e.message))) throw e;
      }
    });
    return columns;
  }

  private storedResult(
    n: number,
    adopted: boolean,
    columns: ColumnInfo[],
    rowCount: number,
  ): Omit<SqlResult, 'elapsedMs'> {
    if (rowCount === 0) {
      this.home(adopted).run(dropResultSql(n));
      return { resultId: '', columns, rowCount, kind: 'rows' };
    }
    const resultId = `r${n}`;
    this.results.set(resultId, { kind: 'table', n, adopted });
    return { resultId, columns, rowCount, kind: 'rows' };
  }

  /** A statement run as written: a status (Count/Success) is 'ok', anything else rows. */
  private directResult(n: number, table: Table): Omit<SqlResult, 'elapsedMs'> {
    const fields = table.schema.fields;
    const status = fields.length === 1 && ['Count', 'Success'].includes(fields[0]!.name);
    if (fields.length === 0 || status) {
      const changed = fields[0]?.name === 'Count' && table.numRows > 0;
      const rowCount = changed ? Number(table.getChildAt(0)?.get(0) ?? 0) : 0;
      return { resultId: '', columns: [], rowCount, kind: 'ok' };
    }
    const columns = fields.map((f) => ({ name: f.name, type: duckdbTypeFromArrow(f.type) }));
    if (table.numRows === 0) return { resultId: '', columns, rowCount: 0, kind: 'rows' };
    const resultId = `r${n}`;
    this.results.set(resultId, { kind: 'arrow', table });
    return { resultId, columns, rowCount: table.numRows, kind: 'rows' };
  }

  /** Runs `f`, turning DuckDB's error into one placed in the user's script. */
  private attempt(
    script: string,
    statement: SqlStatement,
    index: number,
    count: number,
    sent: string,
    prefixLength: number,
    f: () => void,
  ): void {
    try {
      f();
    } catch (e) {
      throw explainSqlError(
        e,
        { script, statement, sent, prefixLength, index, count },
        this.relabel,
      );
    }
  }
}
