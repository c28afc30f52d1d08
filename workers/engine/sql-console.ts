import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import type { ColumnInfo } from '../../src/core/csv/dialect';
import { DecantError } from '../../src/core/errors';
import {
  countSql,
  describeSql,
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
import { explainSqlError, type Relabel } from './sql-error';
import type { SqlSession } from './sql-session';

/** A result kept for paging: a temp table, or (for the few statements that can't feed one) Arrow. */
type Stored = { kind: 'table'; n: number } | { kind: 'arrow'; table: Table };

/**
 * The SQL console: runs a script, keeps the last statement's rows for paging. A result that
 * returns rows is materialized once into a temp table (`CREATE TEMP TABLE … AS <query>`), so every
 * page is a cheap rowid range of the same rows. Statements that return rows but cannot be
 * materialized that way (EXPLAIN, PRAGMA, CALL, … RETURNING) are small; their Arrow result is kept.
 */
export class SqlConsole {
  private results = new Map<string, Stored>();
  private seq = 0;

  constructor(
    private readonly s: SqlSession,
    private readonly relabel: Relabel = (x) => x,
  ) {}

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
    });
    const result = this.runLast(sql, last, statements.length);
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
    if (r.kind === 'arrow') return tableToIPC(r.table.slice(offset, offset + limit), 'stream');
    try {
      return this.s.queryIpc(pageSql(r.n, offset, limit));
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
    if (r.kind === 'table') this.s.run(dropResultSql(r.n));
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
      let parsed = true;
      this.attempt(sql, st, index, count, wrap.sql, wrap.prefixLength, () => {
        try {
          this.s.run(wrap.sql);
        } catch (e) {
          // Not a query after all (WITH … INSERT): nothing ran; run it as written below.
          if (e instanceof Error && /^Parser Error/.test(e.message)) parsed = false;
          else throw e;
        }
      });
      if (parsed) return this.tableResult(n);
    }
    let ipc: Uint8Array = new Uint8Array();
    this.attempt(sql, st, index, count, st.text, 0, () => {
      ipc = this.s.queryIpc(st.text);
    });
    return this.directResult(n, tableFromIPC(ipc));
  }

  private tableResult(n: number): Omit<SqlResult, 'elapsedMs'> {
    const columns = this.s.rows(describeSql(resultTable(n))) as unknown as ColumnInfo[];
    const rowCount = Number(this.s.rows(countSql(resultTable(n)))[0]?.n ?? 0);
    const plainColumns = columns.map((c) => ({ name: String(c.name), type: String(c.type) }));
    if (rowCount === 0) {
      this.s.run(dropResultSql(n));
      return { resultId: '', columns: plainColumns, rowCount, kind: 'rows' };
    }
    const resultId = `r${n}`;
    this.results.set(resultId, { kind: 'table', n });
    return { resultId, columns: plainColumns, rowCount, kind: 'rows' };
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
