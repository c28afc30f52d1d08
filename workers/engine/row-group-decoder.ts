import type { ParquetReaderHost } from './parquet-tables';

/** One row group as Arrow IPC, or why not: `crashed` when parquet-wasm trapped on its data. */
export type DecodedRowGroup =
  { ok: true; ipc: Uint8Array } | { ok: false; crashed: boolean; message: string };

/** What ParquetTables asks of a decoder that runs beside the engine (see ParquetReaderHost). */
export interface RowGroupDecoding {
  /**
   * A failure to decode is a result; a rejection means the decoder itself failed (its worker did
   * not start, or died), and the caller decodes elsewhere.
   */
  decode(file: Blob, group: number, batchSize: number): Promise<DecodedRowGroup>;
}

class Trapped extends Error {}

/**
 * Decodes Parquet row groups to Arrow IPC with parquet-wasm, each call on its own: the row-groups
 * worker's host (workers/row-groups.worker.ts), so the engine imports one row group while the next
 * is decoded on the other core. Runs unchanged in Node tests. Each call reads the file's footer
 * again (a range read of a few kB): a Blob posted to a worker arrives as a new object each time.
 */
export class RowGroupDecoder implements RowGroupDecoding {
  constructor(private readonly host: ParquetReaderHost) {}

  async decode(file: Blob, group: number, batchSize: number): Promise<DecodedRowGroup> {
    let stop = () => {};
    const trapped = new Promise<never>((_, reject) => {
      stop = this.host.watchTraps((e) => reject(new Trapped(reason(e), { cause: e })));
    });
    trapped.catch(() => undefined);
    try {
      const pw = await this.host.parquetWasm();
      const parquet = await Promise.race([pw.ParquetFile.fromFile(file), trapped]);
      try {
        const table = await Promise.race([
          parquet.read({ rowGroups: [group], batchSize }),
          trapped,
        ]);
        return { ok: true, ipc: table.intoIPCStream() };
      } finally {
        try {
          parquet.free();
        } catch {
          // A reader that trapped may not free cleanly; its worker is ended anyway.
        }
      }
    } catch (e) {
      return { ok: false, crashed: e instanceof Trapped, message: reason(e) };
    } finally {
      stop();
    }
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
