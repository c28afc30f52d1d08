/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import init, * as parquetWasm from 'parquet-wasm';
import wasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { registerErrorTransfer } from '../src/engine/error-transfer';
import { ParquetHost } from './parquet/parquet-host';

registerErrorTransfer();
Comlink.expose(
  new ParquetHost(async () => {
    await init({ module_or_path: wasmUrl });
    return parquetWasm;
  }),
);
