/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import init, * as parquetWasm from 'parquet-wasm';
import wasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { RowGroupDecoder, type DecodedRowGroup } from './engine/row-group-decoder';
import { watchWorkerTraps } from './engine/worker-traps';

let loaded: Promise<typeof parquetWasm> | null = null;
const decoder = new RowGroupDecoder({
  parquetWasm: () => (loaded ??= init({ module_or_path: wasmUrl }).then(() => parquetWasm)),
  watchTraps: watchWorkerTraps,
});

// Started by the engine worker: decodes Parquet row groups while the engine imports the last one.
Comlink.expose({
  async decode(file: Blob, group: number, batchSize: number): Promise<DecodedRowGroup> {
    const r = await decoder.decode(file, group, batchSize);
    return r.ok ? Comlink.transfer(r, [r.ipc.buffer]) : r;
  },
});
