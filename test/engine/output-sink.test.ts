// The encoder's sinks: text gzipped on its way to a file, and a destination that fails mid-way
// (a full disk, a revoked folder) failing the encode with its own error, the sink aborted.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Int32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import type { BatchMessage } from '../../src/engine/protocol';
import { encodeBatches, type BatchSource } from '../../workers/parquet/encode-batches';
import { encodeText } from '../../workers/parquet/encode-text';
import { fileHandleSink, type OutputSink } from '../../workers/parquet/output-sink';
import { DecantError } from '../../src/core/errors';
import { nodeFileSink } from '../support/node-file-sink';

const dir = mkdtempSync(join(tmpdir(), 'decant-sink-'));

/** `batches` batches of 1,000 rows (id, label), as the engine sends them. */
function source(batches: number): BatchSource {
  const msgs: BatchMessage[] = [];
  const table = (ids: number[]) =>
    new Table({
      id: vectorFromArray(ids, new Int32()),
      label: vectorFromArray(
        ids.map((i) => `row ${i}`),
        new Utf8(),
      ),
    });
  // The schema message alone (no batch, its end-of-stream marker cut), as the engine sends it.
  const schema = tableToIPC(new Table(table([]).schema));
  const schemaLength = schema.length - 8;
  msgs.push({ t: 'schema', bytes: schema.slice(0, schemaLength) });
  for (let b = 0; b < batches; b++) {
    const ids = Array.from({ length: 1000 }, (_, i) => b * 1000 + i);
    msgs.push({ t: 'batch', parts: [tableToIPC(table(ids)).slice(schemaLength)], rows: 1000 });
  }
  msgs.push({ t: 'end', rows: batches * 1000 });
  return { next: () => Promise.resolve(msgs.shift()!), grant: () => undefined };
}

describe('encoder sinks', () => {
  it('gzips CSV on its way into the file, a batch at a time', async () => {
    const path = join(dir, 'out.csv.gz');
    const r = await encodeText(
      source(5),
      { kind: 'csv', delimiter: ',', quote: '"', header: true, compression: 'gzip' },
      () => undefined,
      await nodeFileSink(path),
    );
    expect(r.rowsWritten).toBe(5000);
    const lines = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(5001);
    expect(lines[0]).toBe('id,label');
    expect(lines[4321]).toBe('4320,row 4320');
    expect(r.blob.size).toBe(readFileSync(path).length);
  });

  it('a destination that fails mid-way fails the encode with its error, and is aborted', async () => {
    let writes = 0;
    let aborted = false;
    const failing: OutputSink = {
      write() {
        if (++writes === 2) return Promise.reject(new Error('disk full'));
        return Promise.resolve();
      },
      close: () => Promise.resolve(new Blob([])),
      abort() {
        aborted = true;
        return Promise.resolve();
      },
    };
    // Row groups of 1,000 rows: the second write comes while batches are still arriving.
    const e = await encodeBatches(
      pw,
      source(10),
      { compression: 'snappy', rowGroupSize: 1000 },
      () => undefined,
      failing,
    ).catch((x: unknown) => x);
    expect((e as Error).message).toBe('disk full');
    expect(aborted).toBe(true);
  });

  it('an OPFS file at the quota fails with storage-full, though Chromium returns no error', async () => {
    // Chromium 156's FileSystemSyncAccessHandle.write() does not throw at the quota: it returns
    // a negative error code read as unsigned (seen: 4294967288) and writes nothing.
    const room = 100;
    let size = 0;
    const handle = {
      name: 'out.parquet',
      createSyncAccessHandle: () =>
        Promise.resolve({
          write(data: Uint8Array, opts: { at: number }) {
            if (opts.at + data.length > room) return 4294967288;
            size = Math.max(size, opts.at + data.length);
            return data.length;
          },
          truncate: (n: number) => void (size = n),
          flush: () => undefined,
          close: () => undefined,
        }),
      getFile: () => Promise.resolve(new File([new Uint8Array(size)], 'out.parquet')),
    } as unknown as FileSystemFileHandle;
    const sink = await fileHandleSink(handle);
    await sink.write(new Uint8Array(60));
    const e = await sink.write(new Uint8Array(60)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DecantError);
    expect((e as DecantError).code).toBe('storage-full');
    expect((e as DecantError).message).toContain("the browser's storage is full");
  });
});
