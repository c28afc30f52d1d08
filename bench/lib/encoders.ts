// Which Parquet writer should the app keep? Both encode the same in-memory rows here, in Node, on
// one thread, so the comparison is the encoders alone (no CSV parsing, no worker messaging).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataType, tableFromIPC, type Table as ArrowTable, type Vector } from 'apache-arrow';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import * as pw from 'parquet-wasm/node';
import { series, timed, type Series } from './stats';

/** The app's row group size (workers/parquet/encode-batches.ts), used for both writers. */
const ROW_GROUP_ROWS = 1_048_576;

export interface EncoderResult {
  name: string;
  codec: string;
  time: Series;
  bytes: number;
  note: string;
}

export interface EncoderComparison {
  /** Arrow → plain JS arrays for hyparquet-writer, once, not inside its timing. */
  hyparquetPrepMs: number;
  results: EncoderResult[];
}

export interface EncoderOptions {
  parquetPath: string;
  outDir: string;
  runs: number;
  /** Rows that differ between two Parquet files (native DuckDB); 0 means the same data. */
  differingRows: (a: string, b: string) => Promise<number>;
  onRun: (name: string, ms: number) => void;
}

interface Encoder {
  name: string;
  codec: string;
  note: string;
  encode: () => Uint8Array;
}

/**
 * Loads `parquetPath` (native DuckDB's output for the benchmark CSV: the same rows and types the
 * engine hands the app's encoder) into Arrow, then times each writer `runs` times. Every output
 * is compared with the input, value by value, so a writer cannot win by dropping or mangling data.
 */
export async function compareEncoders(opts: EncoderOptions): Promise<EncoderComparison> {
  // Arrow IPC is what the app's engine worker sends its encoder, so parquet-wasm starts from it.
  const ipc = pw.readParquet(await readFile(opts.parquetPath)).intoIPCStream();
  const prep = await timed(() => toColumnSources(tableFromIPC(ipc)));

  const encoders: Encoder[] = [
    parquetWasm(ipc, 'ZSTD'),
    parquetWasm(ipc, 'SNAPPY'),
    {
      name: 'hyparquet-writer',
      // Its only built-in compressor; others need a synchronous compressor plugged in, and there
      // is none for ZSTD in the browser without shipping another wasm module.
      codec: 'SNAPPY',
      note: 'from JS arrays; pure JS snappy',
      encode: () =>
        new Uint8Array(
          parquetWriteBuffer({
            columnData: prep.value,
            codec: 'SNAPPY',
            rowGroupSize: ROW_GROUP_ROWS,
          }),
        ),
    },
  ];

  const results: EncoderResult[] = [];
  for (const enc of encoders)
    results.push(await timeEncoder(enc, opts, (ms) => opts.onRun(`${enc.name} ${enc.codec}`, ms)));
  return { hyparquetPrepMs: prep.ms, results };
}

async function timeEncoder(
  enc: Encoder,
  opts: EncoderOptions,
  onRun: (ms: number) => void,
): Promise<EncoderResult> {
  const times: number[] = [];
  let last: Uint8Array = new Uint8Array(0);
  for (let run = 0; run < opts.runs; run++) {
    const { value, ms } = await timed(enc.encode);
    times.push(ms);
    onRun(ms);
    last = value;
  }
  const file = join(opts.outDir, `encoder-${enc.name}-${enc.codec}-${Date.now()}.parquet`);
  await writeFile(file, last);
  const differing = await opts.differingRows(opts.parquetPath, file);
  await rm(file, { force: true });
  if (differing !== 0)
    throw new Error(`${enc.name} (${enc.codec}): ${differing} rows differ from the input`);
  return {
    name: enc.name,
    codec: enc.codec,
    time: series(times),
    bytes: last.length,
    note: enc.note,
  };
}

/** parquet-wasm's one-shot writer. Table import is timed too: writeParquet consumes the table. */
function parquetWasm(ipc: Uint8Array, codec: 'ZSTD' | 'SNAPPY'): Encoder {
  return {
    name: 'parquet-wasm',
    codec,
    note: 'from Arrow IPC; Rust codecs in wasm',
    encode: () => {
      const props = new pw.WriterPropertiesBuilder()
        .setCompression(pw.Compression[codec])
        .setMaxRowGroupSize(ROW_GROUP_ROWS)
        .build();
      return pw.writeParquet(pw.Table.fromIPCStream(ipc), props);
    },
  };
}

/** hyparquet-writer takes one JS array per column, with `null` for missing values. */
function toColumnSources(table: ArrowTable): ColumnSource[] {
  return table.schema.fields.map((field) => {
    const vector = table.getChild(field.name) as Vector;
    const { type, data } = columnData(field.type, vector);
    return { name: field.name, type, data, nullable: field.nullable };
  });
}

function columnData(type: DataType, vector: Vector): Pick<ColumnSource, 'type' | 'data'> {
  const values = (map: (v: unknown) => unknown = (v) => v) =>
    Array.from(vector, (v) => (v === null ? null : map(v)));
  // Typed arrays where there are no nulls: the form a careful caller would hand over.
  const typedOrValues = () => (vector.nullCount === 0 ? vector.toArray() : values());
  if (DataType.isInt(type))
    return { type: type.bitWidth === 64 ? 'INT64' : 'INT32', data: typedOrValues() };
  if (DataType.isFloat(type)) return { type: 'DOUBLE', data: typedOrValues() };
  // Arrow JS returns timestamps as epoch milliseconds; hyparquet-writer's TIMESTAMP wants Dates.
  if (DataType.isTimestamp(type))
    return { type: 'TIMESTAMP', data: values((ms) => new Date(ms as number)) };
  if (DataType.isBool(type)) return { type: 'BOOLEAN', data: values() };
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type))
    return { type: 'STRING', data: values() };
  throw new Error(`encoder comparison: no hyparquet-writer mapping for Arrow type ${type}`);
}
