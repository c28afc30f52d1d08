import type { BatchMessage, ScanPlan, ScanProgress, ScanResult } from '../../src/engine/protocol';
import {
  CLEAR_REJECTS_SQL,
  COUNT_REJECTS_SQL,
  CSV_STREAM_BUFFER_BYTES,
  readCsvSql,
} from '../../src/core/sql/read-csv';
import { DecantError } from '../../src/core/errors';
import { explainScanError } from './explain-error';
import { nextBatch, type SqlSession } from './sql-session';
import type { ReadTracker } from './runtime-hooks';

/** Where record batches go: the Parquet worker's port, or an array in tests. */
export interface BatchSink {
  send(msg: BatchMessage): void;
  /** Resolves when the receiver has room for one more batch (backpressure). */
  room(): Promise<void>;
}

export interface ScanControl {
  cancelled(): boolean;
  onProgress(p: ScanProgress): void;
}

/**
 * Streams a CSV file as raw Arrow IPC into `sink`, without decoding it here. Checks at the end
 * that DuckDB read the file to its last byte. Throws DecantError (code 'cancelled' on cancel);
 * on any failure the sink has been told to abort.
 */
export async function scanCsv(
  s: SqlSession,
  tracker: ReadTracker | null,
  src: { path: string; name: string; size: number },
  plan: ScanPlan,
  sink: BatchSink,
  ctl: ScanControl,
): Promise<ScanResult> {
  const keepRejects = plan.badRows !== 'error';
  const scan = readCsvSql(src.path, plan.dialect, plan.columns, plan.badRows, keepRejects, {
    bufferSize: CSV_STREAM_BUFFER_BYTES,
  });
  const sql = `SELECT * FROM ${scan}`;
  tracker?.reset();
  let rows = 0;
  const progress = () =>
    ctl.onProgress({
      bytesRead: tracker ? tracker.furthestByte(src.path) : 0,
      bytesTotal: src.size,
      rowsRead: rows,
    });
  let stream: ReturnType<SqlSession['stream']> | null = null;
  try {
    if (keepRejects) s.run(...CLEAR_REJECTS_SQL);
    stream = s.stream(sql);
    sink.send({ t: 'schema', bytes: stream.schema });
    for (let batch = nextBatch(stream); batch; batch = batch.done ? null : nextBatch(stream)) {
      await sink.room();
      if (ctl.cancelled())
        throw new DecantError(`csv: "${src.name}": cancelled`, { code: 'cancelled' });
      sink.send({ t: 'batch', parts: batch.parts, rows: batch.rows });
      rows += batch.rows;
      progress();
    }
  } catch (e) {
    stream?.cancel();
    const err = explainScanError(e, src.name, sql);
    sink.send({ t: 'abort', message: err.message });
    throw err;
  }

  let rowsSkipped = 0;
  if (keepRejects) rowsSkipped = Number(s.rows(COUNT_REJECTS_SQL)[0]?.n ?? 0);
  if (tracker) {
    const read = tracker.furthestByte(src.path);
    if (read < src.size) {
      const err = new DecantError(
        `csv: "${src.name}": the engine stopped reading at byte ${read} of ${src.size}; ` +
          'the output would be incomplete, so nothing was written',
        { code: 'row-mismatch' },
      );
      sink.send({ t: 'abort', message: err.message });
      throw err;
    }
  }
  sink.send({ t: 'end', rows });
  progress();
  return {
    rowsRead: rows,
    bytesRead: tracker ? tracker.furthestByte(src.path) : src.size,
    rowsSkipped,
  };
}
