import { DecantError } from '../../src/core/errors';
import { ident, joinSql, raw, sql, type Sql } from '../../src/core/sql/sql-template';
import type { ColumnInfo } from '../../src/core/csv/dialect';
import type { JobStreamProgress, JobTargetPlan, JobTargetSpec } from '../../src/engine/protocol';
import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import type { BatchSink } from './scan-csv';
import { fetchChunk, nextBatch, type IpcStream } from './sql-session';

/** Rows per message to the encoder, as a scan sends (a few MB). */

/** Types the text encoders write from Arrow values as they are; the rest get DuckDB's text. */
const PLAIN_TYPES =
  /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|VARCHAR)$/;
/** Sent as text but numbers: NDJSON writes them without quotes. */
const NUMERIC_TEXT = /^(DECIMAL|NUMERIC|HUGEINT|UHUGEINT)\b/;
/** Nested types NDJSON writes as JSON objects and arrays. */
const NESTED = /^(STRUCT|MAP)\(|\[\d*\]$/;

export interface JobControl {
  cancelled(): boolean;
  onProgress(p: JobStreamProgress): void;
  /** Bytes DuckDB read so far (best effort: the read tracker). */
  bytesRead(): number;
}

/**
 * One job target in the engine, on a connection of its own: its output described, partitioned
 * output computed once into a temporary table, then each output file streamed as raw Arrow IPC
 * (never decoded here). Long statements run as pending queries polled between yields to the
 * event loop (DuckDB returns from a poll about every 100 ms), so a cancel or a timeout stops
 * them mid-way. Errors are `job:` DecantErrors carrying the SQL. Call `end` when done.
 */
export class JobTarget {
  private plan: JobTargetPlan | null = null;
  private temp: string | null = null;
  private select: string[] = [];
  private readonly conn: DuckDBConnection;
  private readonly id: number;

  constructor(
    private readonly db: DuckDBBindings,
    private readonly taskId: string,
    private readonly spec: JobTargetSpec,
  ) {
    this.conn = db.connect();
    this.id = this.conn.useUnsafe((_, id) => id);
    // Offline by construction, as every connection of the engine (see SqlSession).
    this.conn.query('SET autoinstall_known_extensions = false');
    this.conn.query('SET autoload_known_extensions = false');
  }

  /** Describes the output; for a partitioned one, computes it and lists its partitions. */
  async prepare(ctl: Pick<JobControl, 'cancelled'>): Promise<JobTargetPlan> {
    const { sql: query, partitionKeys, encoding } = this.spec;
    // The job's compiled query: SQL text the compiler built.
    let source = sql`(${raw(query)})`;
    if (partitionKeys.length > 0) {
      this.temp = `decant_job_${this.taskId.replace(/\W/g, '_')}`;
      const order = joinSql(partitionKeys.map((k) => ident(k)));
      // Sorted by the keys: each part's scan of it then skips the other parts' row groups.
      await this.exec(
        sql`CREATE OR REPLACE TEMP TABLE ${ident(this.temp)} AS SELECT * FROM ${source} ORDER BY ${order}`
          .text,
        ctl,
      );
      source = ident(this.temp);
    }
    if (ctl.cancelled()) throw cancelledError();
    const all = this.rows(sql`DESCRIBE SELECT * FROM ${source}`.text).map((r) => ({
      name: String(r.column_name),
      type: String(r.column_type),
    }));
    const isKey = (c: ColumnInfo) => partitionKeys.includes(c.name);
    const keys = partitionKeys.map((k) => {
      const c = all.find((x) => x.name === k);
      if (!c)
        throw new DecantError(`job: partition key ${JSON.stringify(k)} is not an output column`);
      return c;
    });
    const columns = all.filter((c) => !isKey(c));
    if (columns.length === 0)
      throw new DecantError('job: every column is a partition key: nothing is left to write');
    const numericText: string[] = [];
    const cols = columns.map((c) => {
      const id = ident(c.name);
      if (encoding === 'parquet' || PLAIN_TYPES.test(c.type)) return id;
      if (encoding === 'ndjson' && NESTED.test(c.type)) return id;
      if (NUMERIC_TEXT.test(c.type)) numericText.push(c.name);
      return sql`CAST(${id} AS VARCHAR) AS ${id}`;
    });
    let parts: JobTargetPlan['parts'];
    if (partitionKeys.length === 0) {
      parts = [{ values: [], rows: null }];
      this.select = [sql`SELECT ${joinSql(cols)} FROM ${source}`.text];
    } else {
      const ids = partitionKeys.map((k) => ident(k));
      const asText = joinSql(ids.map((k, i) => sql`CAST(${k} AS VARCHAR) AS ${raw(`k${i}`)}`));
      const order = joinSql(ids.map((k) => sql`any_value(${k})`));
      const found = this.rows(
        sql`SELECT ${asText}, count(*) AS n FROM ${source} GROUP BY ALL ORDER BY ${order}`.text,
      );
      parts = found.map((r) => ({
        values: partitionKeys.map((_, i) => (r[`k${i}`] === null ? null : String(r[`k${i}`]))),
        rows: Number(r.n),
      }));
      this.select = parts.map((p) => {
        const where = p.values.map((v, i) => keyEquals(ids[i]!, keys[i]!.type, v));
        return sql`SELECT ${joinSql(cols)} FROM ${source} WHERE ${joinSql(where, ' AND ')}`.text;
      });
    }
    this.plan = { columns, keys, parts, numericText };
    return this.plan;
  }

  /**
   * Streams part `part` into `sink`; on any failure (or cancel) the sink is told to abort, so
   * the encoder never finishes a file. Resolves with the rows sent.
   */
  async streamPart(part: number, sink: BatchSink, ctl: JobControl): Promise<{ rows: number }> {
    const sql = this.select[part];
    if (!this.plan || sql === undefined)
      throw new DecantError(`job: part ${part} of target ${this.taskId} was not prepared`);
    let rows = 0;
    let stream: IpcStream | null = null;
    try {
      stream = await this.stream(sql, ctl);
      sink.send({ t: 'schema', bytes: stream.schema });
      for (let batch = nextBatch(stream); batch; batch = batch.done ? null : nextBatch(stream)) {
        await sink.room();
        if (ctl.cancelled()) throw cancelledError();
        sink.send({ t: 'batch', parts: batch.parts, rows: batch.rows });
        rows += batch.rows;
        ctl.onProgress({ rows, bytesRead: ctl.bytesRead() });
      }
    } catch (e) {
      stream?.cancel();
      const err = jobEngineError(e, sql);
      sink.send({ t: 'abort', message: err.message });
      throw err;
    }
    const expected = this.plan.parts[part]!.rows;
    if (expected !== null && expected !== rows) {
      const err = new DecantError(
        `job: partition ${part + 1} should hold ${expected} rows but ${rows} were read; ` +
          'nothing was written',
        { code: 'row-mismatch', sql },
      );
      sink.send({ t: 'abort', message: err.message });
      throw err;
    }
    sink.send({ t: 'end', rows });
    return { rows };
  }

  /** Drops the temporary table and closes the connection. */
  end(): void {
    try {
      if (this.temp) this.conn.query(sql`DROP TABLE IF EXISTS ${ident(this.temp)}`.text);
    } catch {
      // Closing the connection drops its temp tables anyway.
    }
    this.temp = null;
    this.conn.close();
  }

  /** Runs a statement for its effect as a pending query, stopping it on cancel. */
  private async exec(sql: string, ctl: Pick<JobControl, 'cancelled'>): Promise<void> {
    await this.pending(sql, false, ctl);
  }

  /** Starts a streaming query; resolves once its schema is known (the work before it polled). */
  private async stream(sql: string, ctl: Pick<JobControl, 'cancelled'>): Promise<IpcStream> {
    const schema = await this.pending(sql, true, ctl);
    const { db, id } = this;
    let done = false;
    return {
      schema,
      next() {
        if (done) return null;
        const chunk = fetchChunk(db, id);
        if (chunk.length === 0) {
          done = true;
          return null;
        }
        return chunk;
      },
      cancel() {
        if (!done) db.cancelPendingQuery(id);
        done = true;
      },
    };
  }

  private async pending(
    sql: string,
    streaming: boolean,
    ctl: Pick<JobControl, 'cancelled'>,
  ): Promise<Uint8Array> {
    try {
      let result = this.db.startPendingQuery(this.id, sql, streaming);
      while (result === null) {
        await nextTask();
        if (ctl.cancelled()) {
          this.db.cancelPendingQuery(this.id);
          throw cancelledError();
        }
        result = this.db.pollPendingQuery(this.id);
      }
      return result;
    } catch (e) {
      throw jobEngineError(e, sql);
    }
  }

  private rows(sql: string): Record<string, unknown>[] {
    try {
      return this.conn
        .query(sql)
        .toArray()
        .map((r) =>
          Object.fromEntries(
            Object.entries((r as { toJSON(): Record<string, unknown> }).toJSON()).map(([k, v]) => [
              k,
              typeof v === 'bigint' ? Number(v) : v,
            ]),
          ),
        );
    } catch (e) {
      throw jobEngineError(e, sql);
    }
  }
}

/** Lets messages (a cancel) in between polls: a macrotask, without setTimeout's clamping. */
function nextTask(): Promise<void> {
  return new Promise<void>((r) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(0);
  });
}

/** Scalar types whose text casts back to the same value. */
const ROUND_TRIP =
  /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\)|DATE|TIME|TIMESTAMP|TIMESTAMP WITH TIME ZONE)$/;

/**
 * `key = value` on the key's own type where its text casts back exactly, so the scan of the
 * (sorted) table skips other parts' row groups; else on DuckDB's text of it.
 */
function keyEquals(id: Sql, type: string, value: string | null): Sql {
  if (value === null) return sql`${id} IS NULL`;
  if (type === 'VARCHAR') return sql`${id} = ${value}`;
  // ROUND_TRIP matches only type names: they cannot be quoted.
  if (ROUND_TRIP.test(type)) return sql`${id} = CAST(${value} AS ${raw(type)})`;
  return sql`CAST(${id} AS VARCHAR) = ${value}`;
}

function cancelledError(): DecantError {
  return new DecantError('job: cancelled', { code: 'cancelled' });
}

/** DuckDB's error as a `job:` DecantError with the SQL; ours pass through. */
export function jobEngineError(e: unknown, sql: string): DecantError {
  if (e instanceof DecantError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new DecantError(`job: ${message}`, { cause: e, code: 'engine', sql });
}
