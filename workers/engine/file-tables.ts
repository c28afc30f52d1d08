import { DecantError } from '../../src/core/errors';
import { quotedName } from '../../src/core/quoted-name';
import type { FileTableInspection, ScanResult } from '../../src/engine/protocol';
import { describeColumns, inspectJson, jsonTooLarge, MAX_JSON_BYTES } from './inspect-json';
import { asyncBufferFromBlob, inspectParquet } from './inspect-parquet';
import { attachJsonTable, detachJsonTable } from './json-tables';
import { ParquetTables, type ParquetReaderHost } from './parquet-tables';
import { fileIo, type RemoteFile } from './remote-files';
import type { BatchSink, ScanControl } from './scan-csv';
import { nextBatch, type SqlSession } from './sql-session';
import { mainCatalog } from './table-views';
import { qualifiedName } from '../../src/core/sql/table-view';
import { ident, joinSql, raw, sql } from '../../src/core/sql/sql-template';

/** The schema Quick convert's JSON and Parquet files are read into (never a catalog database). */
const SCHEMA = '__decant_quick';

/**
 * Dropped JSON and Parquet files read whole into DuckDB tables, one per file id, so Quick convert
 * can preview and stream them like a CSV scan: JSON by the catalog's JSON loader, Parquet a row
 * group at a time by the catalog's Parquet loader. Errors name the dropped file (JSON with line
 * and column, Parquet with the row group), never the internal table.
 */
export class FileTables {
  private readonly parquet: ParquetTables;
  private kinds = new Map<string, 'json' | 'parquet'>();

  constructor(
    private readonly s: SqlSession,
    host: ParquetReaderHost,
  ) {
    this.parquet = new ParquetTables(s, host);
  }

  private table(fileId: string): string {
    return qualifiedName(mainCatalog(this.s), SCHEMA, tableName(fileId));
  }

  /** Reads the file into its table (replacing an earlier one); its schema, count and first rows. */
  async load(
    fileId: string,
    file: File | RemoteFile,
    gzip: boolean,
    kind: 'json' | 'parquet',
  ): Promise<FileTableInspection> {
    this.drop(fileId);
    const started = performance.now();
    const name = tableName(fileId);
    const found =
      kind === 'json'
        ? await this.loadJson(name, file, gzip)
        : await this.loadParquet(name, file as File);
    this.kinds.set(fileId, kind);
    const preview = this.s.queryIpc(`SELECT * FROM ${this.table(fileId)} LIMIT 100`);
    return { ...found, preview, elapsedMs: performance.now() - started };
  }

  private async loadJson(name: string, file: File | RemoteFile, gzip: boolean) {
    const bytes = await fileIo(file, gzip).whole(MAX_JSON_BYTES);
    if (!bytes) throw jsonTooLarge(file.name, gzip ? null : file.size);
    // The classifier checks every byte first, so a syntax error names this file, line and column.
    const found = inspectJson(this.s, { name: file.name, bytes });
    const loaded = attachJsonTable(this.s, {
      database: SCHEMA,
      name,
      files: [{ path: file.name, bytes }],
    });
    return { ...found, columns: loaded.columns, rowCount: loaded.rowCount };
  }

  private async loadParquet(name: string, file: File) {
    const found = await inspectParquet(asyncBufferFromBlob(file), file.name, this.s);
    this.parquet.attach({
      database: SCHEMA,
      name,
      classification: 'parquet',
      columns: found.columns,
      partitionKeys: [],
      files: [{ path: file.name, file, partitionValues: [] }],
    });
    try {
      const loaded = await this.parquet.load(SCHEMA, name);
      return { ...found, rowCount: loaded?.rowCount ?? found.rowCount };
    } catch (e) {
      throw e instanceof DecantError ? renamed(e, `${SCHEMA}.${name}/${file.name}`, file.name) : e;
    }
  }

  /**
   * Streams the loaded table as Arrow IPC into `sink` on `s` (a connection of its own), with
   * backpressure. Throws DecantError (code 'cancelled' on cancel); on failure the sink is told.
   */
  async scan(
    s: SqlSession,
    fileId: string,
    label: string,
    size: number,
    sink: BatchSink,
    ctl: ScanControl,
    as: 'parquet' | 'text' = 'parquet',
  ): Promise<ScanResult> {
    const kind = this.kinds.get(fileId);
    if (!kind)
      throw new DecantError(`convert: ${quotedName(label)} was not read yet (or was removed)`);
    let rows = 0;
    let stream: ReturnType<SqlSession['stream']> | null = null;
    try {
      stream = s.stream(this.selectSql(fileId, as));
      sink.send({ t: 'schema', bytes: stream.schema });
      for (let b = nextBatch(stream); b; b = b.done ? null : nextBatch(stream)) {
        await sink.room();
        if (ctl.cancelled())
          throw new DecantError(`${kind}: ${quotedName(label)}: cancelled`, { code: 'cancelled' });
        sink.send({ t: 'batch', parts: b.parts, rows: b.rows });
        rows += b.rows;
        // The file was read when it was loaded; progress is in rows of the table's count.
        ctl.onProgress({ bytesRead: size, bytesTotal: size, rowsRead: rows });
      }
    } catch (e) {
      stream?.cancel();
      const err =
        e instanceof DecantError
          ? e
          : new DecantError(
              `${kind}: ${quotedName(label)}: ${e instanceof Error ? e.message : e}`,
              {
                cause: e,
              },
            );
      sink.send({ t: 'abort', message: err.message });
      throw err;
    }
    sink.send({ t: 'end', rows });
    return { rowsRead: rows, bytesRead: size, rowsSkipped: 0 };
  }

  /** Every column as it is for Parquet; for text, DuckDB's text of what the encoder cannot print. */
  private selectSql(fileId: string, as: 'parquet' | 'text'): string {
    const table = this.table(fileId);
    if (as === 'parquet') return `SELECT * FROM ${table}`;
    const cols = describeColumns(this.s, table).map(({ name, type }) => {
      const id = ident(name);
      return PLAIN_TYPES.test(type) ? id : sql`CAST(${id} AS VARCHAR) AS ${id}`;
    });
    return sql`SELECT ${joinSql(cols)} FROM ${raw(table)}`.text;
  }

  /** Drops the file's table; unknown ids are ignored. */
  drop(fileId: string): void {
    const kind = this.kinds.get(fileId);
    this.kinds.delete(fileId);
    if (kind === 'json') detachJsonTable(this.s, SCHEMA, tableName(fileId));
    if (kind === 'parquet') this.parquet.detach(SCHEMA, tableName(fileId));
  }
}

/** Types the text encoder writes from Arrow values as they are (as job targets do). */
const PLAIN_TYPES =
  /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|VARCHAR)$/;

const tableName = (fileId: string) => `f_${fileId}`;

/** The same error with the internal label replaced by the file's name. */
function renamed(e: DecantError, label: string, name: string): DecantError {
  const message = e.message.split(quotedName(label)).join(quotedName(name));
  return new DecantError(message, {
    cause: e.cause,
    line: e.line,
    column: e.column,
    code: e.code,
    sql: e.sql,
  });
}
