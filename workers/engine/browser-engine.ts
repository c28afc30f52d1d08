/// <reference lib="webworker" />
import {
  BROWSER_RUNTIME,
  createDuckDB,
  DuckDBDataProtocol,
  PACKAGE_VERSION,
  VoidLogger,
  type DuckDBRuntime,
} from '@duckdb/duckdb-wasm/blocking';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import parquetWasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import type { EngineHostOptions } from './engine-host';
import type { ParquetWasmReader } from './parquet-tables';
import { activeRuntime } from './runtime-hooks';
import { xhrGet } from './remote-files';

let parquetWasm: Promise<ParquetWasmReader> | null = null;

/** parquet-wasm, for reading Parquet tables: loaded with the first one, off the start-up path. */
function loadParquetWasm(): Promise<ParquetWasmReader> {
  parquetWasm ??= import('parquet-wasm').then(
    async (pw) => {
      await pw.default({ module_or_path: parquetWasmUrl });
      return pw;
    },
    (e) => {
      parquetWasm = null;
      throw e;
    },
  );
  return parquetWasm;
}

/** The EngineHost's browser side: DuckDB's blocking `eh` bundle in this worker. */
export const browserEngine: EngineHostOptions = {
  async startDuckDB() {
    const db = await createDuckDB(
      { mvp: { mainModule: mvpWasm, mainWorker: '' }, eh: { mainModule: ehWasm, mainWorker: '' } },
      new VoidLogger(),
      BROWSER_RUNTIME,
    );
    await db.instantiate(() => {});
    db.open({});
    const runtime: DuckDBRuntime = activeRuntime();
    return { db, runtime, packageVersion: PACKAGE_VERSION };
  },
  registerFile(db, name, file) {
    db.registerFileHandle(name, file, DuckDBDataProtocol.BROWSER_FILEREADER, true);
  },
  syncGet: xhrGet,
  parquetWasm: loadParquetWasm,
  /** A trap in parquet-wasm's async reader is thrown from a microtask: it reaches `self` here. */
  watchTraps(onTrap) {
    const listener = (ev: ErrorEvent) => {
      if (!(ev.error instanceof WebAssembly.RuntimeError)) return;
      ev.preventDefault();
      onTrap(ev.error);
    };
    self.addEventListener('error', listener);
    return () => self.removeEventListener('error', listener);
  },
};
