import { tableFromIPC, type Table } from 'apache-arrow';
import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import { rowsInIpcMessages } from './ipc-rows';

export { rowsInIpcMessages } from './ipc-rows';

/** A raw Arrow IPC result: the schema message once, then record-batch messages until null. */
export interface IpcStream {
  schema: Uint8Array;
  /** Next chunk of record-batch messages (about 2,048 rows), or null at the end. Throws DuckDB's error. */
  next(): Uint8Array | null;
  cancel(): void;
}

/**
 * One DuckDB connection, used synchronously inside a worker (the blocking bundle). The same class
 * runs on DuckDB-WASM's Node bundle in tests, so the SQL path tested is the one shipped.
 */
export class SqlSession {
  readonly db: DuckDBBindings;
  private conn: DuckDBConnection;

  constructor(db: DuckDBBindings) {
    this.db = db;
    this.conn = db.connect();
    // Offline by construction: never fetch an extension (parquet, json, …) from the internet.
    this.conn.query('SET autoinstall_known_extensions = false');
    this.conn.query('SET autoload_known_extensions = false');
  }

  /** Ends this connection; its temp tables and any stream on it go with it. */
  close(): void {
    this.conn.close();
  }

  query(sql: string): Table {
    return this.conn.query(sql);
  }

  /** A whole result as an Arrow IPC stream, straight from DuckDB (no decode, no re-encode). */
  queryIpc(sql: string): Uint8Array {
    return this.conn.useUnsafe((db, conn) => db.runQuery(conn, sql));
  }

  /** Runs statements for their effect, one at a time. */
  run(...statements: readonly string[]): void {
    for (const sql of statements) this.conn.query(sql);
  }

  /** Rows as plain objects, BIGINTs as numbers where safe. For small metadata results only. */
  rows(sql: string): Record<string, unknown>[] {
    return this.query(sql)
      .toArray()
      .map((r) => plain(r.toJSON()) as Record<string, unknown>);
  }

  /**
   * rows(), run as a pending query that gives the event loop a turn (`pause`) between steps:
   * in a worker busy inside one long wasm call the garbage collector never runs, and each of
   * DuckDB's reads of a dropped File leaves a buffer of up to 32 MB for it (a crawl of a 275 MB
   * CSV held ~250 MB of them). Throws DuckDB's error; `cancelled` is checked at each step and
   * ends the query with `onCancel()`'s error.
   */
  async rowsStepwise(
    sql: string,
    pause: () => Promise<void>,
    cancelled: () => boolean = () => false,
    onCancel: () => Error = () => new Error('query: cancelled'),
  ): Promise<Record<string, unknown>[]> {
    const schema = await this.conn.useUnsafe(async (db, conn) => {
      let head = db.startPendingQuery(conn, sql, true);
      while (head === null) {
        await pause();
        if (cancelled()) {
          db.cancelPendingQuery(conn);
          throw onCancel();
        }
        head = db.pollPendingQuery(conn);
      }
      const parts = [head];
      for (let c = db.fetchQueryResults(conn); c && c.length > 0; c = db.fetchQueryResults(conn))
        parts.push(c);
      return concatBytes(parts);
    });
    return tableFromIPC(schema)
      .toArray()
      .map((r) => plain((r as { toJSON(): unknown }).toJSON()) as Record<string, unknown>);
  }

  /**
   * Imports a complete Arrow IPC stream (schema, batches, end marker) into `"main".name`,
   * creating the table when `create`, else appending to it.
   */
  insertIpc(bytes: Uint8Array, name: string, create: boolean): void {
    this.conn.insertArrowFromIPCStream(bytes, { schema: 'main', name, create });
  }

  /** Starts a streaming query and hands out its raw IPC bytes without decoding them. */
  stream(sql: string): IpcStream {
    return this.conn.useUnsafe((db, conn) => {
      let schema = db.startPendingQuery(conn, sql, true);
      while (schema === null) schema = db.pollPendingQuery(conn);
      let done = false;
      return {
        schema,
        next() {
          if (done) return null;
          const chunk = fetchChunk(db, conn);
          if (chunk.length === 0) {
            done = true;
            return null;
          }
          return chunk;
        },
        cancel() {
          if (!done) db.cancelPendingQuery(conn);
          done = true;
        },
      };
    });
  }
}

/**
 * The stream's next chunk; empty at its end. DuckDB-WASM answers null when the chunk is not
 * ready within its polling interval (a busy machine): that is "ask again", not the end, as
 * its own result iterator has it. Taking it for the end cut results short without an error.
 */
export function fetchChunk(
  db: { fetchQueryResults(conn: number): Uint8Array | null },
  conn: number,
): Uint8Array {
  for (;;) {
    const chunk = db.fetchQueryResults(conn);
    if (chunk !== null) return chunk;
  }
}

/** Rows per message to the encoder: ~32 DuckDB chunks, a few MB, so messages stay few and bounded. */
export const ROWS_PER_MESSAGE = 65_536;

/**
 * The stream's next ~ROWS_PER_MESSAGE rows as DuckDB's buffers of IPC messages (never decoded
 * nor joined: joining them cost the engine a copy of every byte), or null at the end. `done` is
 * true when the stream ended with this batch.
 */
export function nextBatch(
  stream: IpcStream,
  rowsPerMessage = ROWS_PER_MESSAGE,
): { parts: Uint8Array[]; rows: number; done: boolean } | null {
  const parts: Uint8Array[] = [];
  let rows = 0;
  let chunk: Uint8Array | null = null;
  while (rows < rowsPerMessage && (chunk = stream.next()) !== null) {
    parts.push(chunk);
    rows += rowsInIpcMessages(chunk);
  }
  if (parts.length === 0) return null;
  return { parts, rows, done: chunk === null };
}

/** `parts` one after another in one buffer (the only part itself when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && 'toJSON' in v && typeof v.toJSON === 'function')
    return plain(v.toJSON());
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
