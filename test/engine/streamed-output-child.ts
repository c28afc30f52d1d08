// Run by streamed-output.test.ts in a Node with a small heap: encodes a generated stream of
// Arrow batches, several times larger than that heap, through encodeBatches into a file sink,
// and prints what it wrote, a checksum of what it generated and the process's peak memory.
import { randomFillSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import * as pw from 'parquet-wasm/node';
import {
  Field,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
} from 'apache-arrow';
import type { BatchMessage } from '../../src/engine/protocol';
import {
  encodeBatches,
  PARQUET_TYPE,
  type BatchSource,
} from '../../workers/parquet/encode-batches';
import { blobSink, type OutputSink } from '../../workers/parquet/output-sink';
import { nodeFileSink } from '../support/node-file-sink';

const [out, rowsArg, sinkKind] = process.argv.slice(2);
const ROWS = Number(rowsArg);
const BATCH = 16_384;
/** Bytes of text per row: random letters, so the file is as large as the rows. */
const WIDTH = 200;

const fields = [new Field('id', new Int64(), false), new Field('payload', new Utf8(), false)];
const schema = new Schema(fields);
// The schema message alone (its end-of-stream marker cut), as the engine sends it first.
const schemaIpc = tableToIPC(new Table(schema), 'stream');
const SCHEMA_LENGTH = schemaIpc.length - 8;

let peakRss = 0;
let firstLetters = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

/** Rows `from…from+n` as one IPC record batch message: ids in order, random letters. */
function batchBytes(from: number, n: number): Uint8Array {
  const ids = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ids[i] = BigInt(from + i);
  const text = randomFillSync(new Uint8Array(n * WIDTH));
  for (let i = 0; i < text.length; i++) text[i] = 97 + (text[i]! % 26);
  for (let i = 0; i < n; i++) firstLetters += text[i * WIDTH]!;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) offsets[i] = i * WIDTH;
  const data = makeData({
    type: new Struct(fields),
    length: n,
    children: [
      makeData({ type: new Int64(), data: ids }),
      makeData({ type: new Utf8(), data: text, valueOffsets: offsets }),
    ] as never,
  });
  return tableToIPC(new Table([new RecordBatch(schema, data)]), 'stream').slice(SCHEMA_LENGTH);
}

/** Makes each batch only when the encoder asks for one: nothing queues up here. */
function generated(): BatchSource {
  let sent = -1;
  return {
    next(): Promise<BatchMessage> {
      sample();
      if (sent < 0) {
        sent = 0;
        return Promise.resolve({ t: 'schema', bytes: schemaIpc.slice(0, SCHEMA_LENGTH) });
      }
      if (sent >= ROWS) return Promise.resolve({ t: 'end', rows: ROWS });
      const n = Math.min(BATCH, ROWS - sent);
      const bytes = batchBytes(sent, n);
      sent += n;
      return Promise.resolve({ t: 'batch', parts: [bytes], rows: n });
    },
    grant: () => undefined,
  };
}

// 'blob' gathers the output in memory, as downloads do: the test's proof that it would notice.
const inner = sinkKind === 'blob' ? blobSink(PARQUET_TYPE) : await nodeFileSink(out!);
// Memory once a few row groups are out (the encoder's working set is allocated by then), and
// the bytes out at that point: from there on, memory must not grow with the output.
const SETTLED = 64 << 20;
let written = 0;
let settled: { rss: number; bytes: number } | null = null;
const sink: OutputSink = {
  ...inner,
  write(chunk) {
    written += chunk.length;
    if (!settled && written >= SETTLED) settled = { rss: sample(), bytes: written };
    return inner.write(chunk);
  },
};
let bytes = 0;
const r = await encodeBatches(
  pw,
  generated(),
  { compression: 'none' },
  (p) => {
    bytes = p.bytesWritten;
    sample();
  },
  sink,
);
sample();
if (sinkKind === 'blob') await writeFile(out!, new Uint8Array(await r.blob.arrayBuffer()));
process.stdout.write(
  JSON.stringify({
    rowsWritten: r.rowsWritten,
    rowsInFooter: r.rowsInFooter,
    rowGroups: r.rowGroups,
    bytes,
    peakRss,
    settled,
    firstLetters,
  }) + '\n',
);
