import { ident, joinSql, raw, sql } from '../../src/core/sql/sql-template';
import { countSql, dropResultSql, resultTable } from '../../src/core/sql/result-table';
import { isTypeName } from '../../src/core/sql/type-name';
import { concatBytes, nextBatch, type IpcStream, type SqlSession } from './sql-session';

/** Arrow IPC's end-of-stream marker: continuation, then a zero-length message. */
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * Where the console's results live: temp tables on a connection of their own, so the user's
 * `SHOW TABLES`, `information_schema` and `duckdb_tables()` (which list the temp tables of the
 * asking connection only) never show `decant_result_7`, and the user cannot drop or change them.
 * Rows arrive as the user's query streams them (Arrow IPC, never decoded here) into a table with
 * the query's own column types.
 */
export class ResultStore {
  private stagingSeq = 0;

  constructor(private readonly own: SqlSession) {}

  /** Creates result table `n`; false when a column type cannot be written as a type name. */
  create(n: number, columns: readonly { name: string; type: string }[]): boolean {
    if (columns.length === 0 || !columns.every((c) => isTypeName(c.type))) return false;
    // Every type was checked by isTypeName above: types cannot be quoted.
    const definition = joinSql(columns.map((c) => sql`${ident(c.name)} ${raw(c.type)}`));
    try {
      this.own.run(sql`CREATE TEMP TABLE ${ident(`decant_result_${n}`)} (${definition})`.text);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Appends every row of `stream` to result table `n`, in order (rowid). Throws DuckDB's error
   * when the query fails while it streams; the table is then dropped.
   */
  fill(n: number, stream: IpcStream): number {
    const staging = ident('main', `__decant_result_staging_${++this.stagingSeq}`).text;
    let staged = false;
    try {
      for (let b = nextBatch(stream); b; b = b.done ? null : nextBatch(stream)) {
        const ipc = concatBytes([stream.schema, ...b.parts, END_OF_STREAM]);
        this.own.insertIpc(ipc, `__decant_result_staging_${this.stagingSeq}`, !staged);
        staged = true;
        this.own.run(`INSERT INTO ${resultTable(n)} SELECT * FROM ${staging}`);
        this.own.run(`DELETE FROM ${staging}`);
      }
      return Number(this.own.rows(countSql(resultTable(n)))[0]?.n ?? 0);
    } catch (e) {
      this.own.run(dropResultSql(n));
      throw e;
    } finally {
      stream.cancel();
      if (staged) this.own.run(`DROP TABLE IF EXISTS ${staging}`);
    }
  }

  /** The store's own connection, where adopted results are paged and dropped. */
  get session(): SqlSession {
    return this.own;
  }
}
