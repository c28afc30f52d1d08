import type * as ParquetWasm from 'parquet-wasm';
import type {
  BatchMessage,
  EncodeOptions,
  EncodeProgress,
  EncodeResult,
} from '../../src/engine/protocol';
import { tableFromIPC } from 'apache-arrow';
import { DecantError } from '../../src/core/errors';
import { columnEncodingsFromSample, type ColumnEncoding } from './column-encodings';
import { blobSink, type OutputSink } from './output-sink';
import { ipcStreamOf } from './ipc-stream';
import { writerPropertiesOf } from './writer-properties';

export { ROW_GROUP_ROWS } from './writer-properties';

/** Where batches come from: the engine's port, or an array in tests. */
export interface BatchSource {
  next(): Promise<BatchMessage>;
  /** Tells the sender it may send `n` more batches. */
  grant(n: number): void;
}

/** The parts of parquet-wasm used here; its browser and Node builds both provide them. */
export type ParquetWasmApi = Pick<
  typeof ParquetWasm,
  | 'Table'
  | 'WriterPropertiesBuilder'
  | 'Compression'
  | 'Encoding'
  | 'transformParquetStream'
  | 'ParquetFile'
  | 'writeParquet'
>;

/** Batches the engine may send ahead of the encoder: bounds memory to a few messages. */
export const BATCHES_AHEAD = 3;

export const PARQUET_TYPE = 'application/vnd.apache.parquet';

/**
 * Encodes a stream of Arrow IPC batches to one Parquet file with parquet-wasm, pulling a batch
 * only when the writer wants one, and hands each row group's bytes to `sink` as soon as it is
 * flushed: the encoder holds at most one row group. Rejects with the sender's message on
 * 'abort' (the sink aborted). The result's `rowsInFooter` is read back from the finished file's
 * footer alone, so a short file cannot pass as complete.
 */
export async function encodeBatches(
  pw: ParquetWasmApi,
  source: BatchSource,
  opts: EncodeOptions,
  onProgress: (p: EncodeProgress) => void,
  sink: OutputSink = blobSink(PARQUET_TYPE),
): Promise<EncodeResult> {
  try {
    return await encodeInto(pw, source, opts, onProgress, sink);
  } catch (e) {
    await Promise.resolve()
      .then(() => sink.abort())
      .catch(() => undefined);
    throw e;
  }
}

async function encodeInto(
  pw: ParquetWasmApi,
  source: BatchSource,
  opts: EncodeOptions,
  onProgress: (p: EncodeProgress) => void,
  sink: OutputSink,
): Promise<EncodeResult> {
  let schema: Uint8Array | null = null;
  let rowsIn = 0;
  let expected = -1;
  // parquet-wasm ends its output normally when its input errors, which would yield a short but
  // valid-looking file: remember the sender's abort and throw it ourselves.
  let aborted: DecantError | null = null;
  source.grant(BATCHES_AHEAD);
  const props = (columns: readonly ColumnEncoding[]) => writerPropertiesOf(pw, opts, columns);

  // A result without rows (a filter nothing passes): the stream writer cannot start without a
  // batch, so the empty file (schema, no row group) is written whole.
  let head: BatchMessage | null = await source.next();
  while (head.t === 'schema') {
    schema = head.bytes;
    head = await source.next();
  }
  if (head.t === 'end' && head.rows === 0 && schema) {
    const empty = pw.Table.fromIPCStream(ipcStreamOf(schema, [END_OF_STREAM]));
    await sink.write(pw.writeParquet(empty, props([])));
    const blob = await sink.close();
    onProgress({ rowsWritten: 0, bytesWritten: blob.size });
    return { blob, rowsWritten: 0, rowsInFooter: 0, rowGroups: 0 };
  }

  // Each column's encoding, decided from the first batch's values.
  const columns =
    head.t === 'batch' && schema
      ? columnEncodingsFromSample(tableFromIPC(ipcStreamOf(schema, head.parts)))
      : [];

  const input = new ReadableStream<ParquetWasm.RecordBatch>({
    async pull(controller) {
      for (;;) {
        const msg = head ?? (await source.next());
        head = null;
        if (msg.t === 'schema') {
          schema = msg.bytes;
          continue;
        }
        if (msg.t === 'abort') {
          aborted = new DecantError(msg.message);
          controller.error(aborted);
          return;
        }
        if (msg.t === 'end') {
          expected = msg.rows;
          controller.close();
          return;
        }
        if (!schema) throw new DecantError('parquet: a batch arrived before its schema');
        const table = pw.Table.fromIPCStream(ipcStreamOf(schema, msg.parts));
        const batches = table.recordBatches();
        table.free();
        let n = 0;
        for (const b of batches) {
          n += b.numRows;
          controller.enqueue(b);
        }
        if (n !== msg.rows)
          throw new DecantError(`parquet: batch says ${msg.rows} rows, holds ${n}`);
        rowsIn += n;
        source.grant(1);
        return;
      }
    },
  });

  const output = (await pw.transformParquetStream(
    input,
    props(columns),
  )) as ReadableStream<Uint8Array>;
  let bytes = 0;
  const reader = output.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await sink.write(value);
      bytes += value.length;
      onProgress({ rowsWritten: rowsIn, bytesWritten: bytes });
    }
  } catch (e) {
    // The destination failed: stop the writer, so it stops pulling batches.
    await reader.cancel(e).catch(() => undefined);
    throw e;
  }
  if (aborted) throw aborted;
  if (expected !== rowsIn)
    throw new DecantError(`parquet: the engine sent ${expected} rows but ${rowsIn} were encoded`, {
      code: 'row-mismatch',
    });

  const blob = await sink.close();
  const file = await pw.ParquetFile.fromFile(blob);
  const meta = file.metadata();
  const rowsInFooter = Number(meta.fileMetadata().numRows());
  const rowGroups = meta.numRowGroups();
  file.free();
  if (rowsInFooter !== rowsIn)
    throw new DecantError(
      `parquet: the file's footer says ${rowsInFooter} rows, ${rowsIn} were encoded`,
      { code: 'row-mismatch' },
    );
  onProgress({ rowsWritten: rowsIn, bytesWritten: bytes });
  return { blob, rowsWritten: rowsIn, rowsInFooter, rowGroups };
}

/** Arrow IPC's end-of-stream marker: continuation, then a zero length. */
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
