import { beforeAll, describe, expect, it } from 'vitest';
import {
  Dictionary,
  Int32,
  MessageReader,
  RecordBatchStreamWriter,
  Table,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { rowsInIpcMessages } from '../../workers/engine/ipc-rows';
import { nextBatch } from '../../workers/engine/sql-session';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

/** apache-arrow's own reading of the same headers: the reference. */
function rowsByArrow(bytes: Uint8Array): number {
  const reader = new MessageReader(bytes);
  let rows = 0;
  for (let m = reader.readMessage(); m; m = reader.readMessage()) {
    if (m.isRecordBatch()) rows += Number(m.header().length);
    reader.readMessageBody(m.bodyLength);
  }
  return rows;
}

const MIXED =
  "SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'v' || i END AS s, i * 0.5 AS d, " +
  "TIMESTAMP '2024-01-01' + to_seconds(i) AS ts, i % 3 = 0 AS b, [i, i + 1] AS l, " +
  '{a: i} AS st FROM range(10007) r(i)';

describe('rowsInIpcMessages', () => {
  it('counts what apache-arrow counts, chunk by chunk and joined, on DuckDB output', () => {
    const stream = engine.s.stream(MIXED);
    const chunks: Uint8Array[] = [];
    for (let c = stream.next(); c; c = stream.next()) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(rowsInIpcMessages(c)).toBe(rowsByArrow(c));
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (joined.set(c, at), at + c.length), 0);
    expect(rowsInIpcMessages(joined)).toBe(10_007);
    expect(rowsByArrow(joined)).toBe(10_007);
  });

  it('gives nextBatch the rows of the parts it hands out', () => {
    const stream = engine.s.stream('SELECT i FROM range(150000) r(i)');
    const sizes: number[] = [];
    for (let b = nextBatch(stream, 65_536); b; b = b.done ? null : nextBatch(stream, 65_536)) {
      expect(b.rows).toBe(b.parts.reduce((n, part) => n + rowsByArrow(part), 0));
      sizes.push(b.rows);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(150_000);
    expect(sizes.length).toBe(3);
  });

  it('skips a schema and dictionary batches, and stops at the end-of-stream marker', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `k${i % 5}`);
    const table = new Table({ s: vectorFromArray(keys, new Dictionary(new Utf8(), new Int32())) });
    const bytes = RecordBatchStreamWriter.writeAll(table).toUint8Array(true);
    const kinds: number[] = [];
    const reader = new MessageReader(bytes);
    for (let m = reader.readMessage(); m; m = reader.readMessage()) {
      kinds.push(m.headerType);
      reader.readMessageBody(m.bodyLength);
    }
    expect(kinds).toEqual([1, 2, 3]); // Schema, DictionaryBatch, RecordBatch.
    expect(rowsByArrow(bytes)).toBe(300);
    expect(rowsInIpcMessages(bytes)).toBe(300);
    // Bytes after the end marker are not messages of this stream.
    const tail = new Uint8Array([...bytes, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rowsInIpcMessages(tail)).toBe(300);
  });

  it('throws on bytes that are not IPC messages, or are cut short', () => {
    const stream = engine.s.stream('SELECT i FROM range(10) r(i)');
    const chunk = stream.next()!;
    expect(() => rowsInIpcMessages(chunk.subarray(0, chunk.length - 8))).toThrow(/arrow:/);
    expect(() => rowsInIpcMessages(new Uint8Array([0xff, 0xff, 0xff, 0xff, 9, 9, 9, 9]))).toThrow(
      /arrow:/,
    );
    while (stream.next());
  });
});
