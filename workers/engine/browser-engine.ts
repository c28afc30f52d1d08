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
import type { PrefetchedWasm } from './wasm-prefetch';

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

/** What Emscripten's `instantiateWasm` hook is handed: imports, and where the instance goes. */
type InstantiateWasm = (
  imports: WebAssembly.Imports,
  receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
) => object;

/**
 * DuckDB's own hook pipes the wasm response through a progress TransformStream into a new
 * Response: a body with no URL, which Chromium can never code-cache, so every visit compiled all
 * 34 MB again. Compiling the fetched response itself lets Chromium keep the compiled code with
 * the cached response (HTTP cache or the service worker's) and reuse it on later visits.
 * Failures reject `failed`: Emscripten offers no way to report them through the hook.
 */
function streamingInstantiate(
  url: string,
  runtime: DuckDBRuntime,
  prefetched: PrefetchedWasm | null,
): { hook: InstantiateWasm; failed: Promise<never> } {
  let fail: (e: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const hook: InstantiateWasm = (imports, receive) => {
    // As DuckDB's own hook does: the module's imports call into the runtime found here.
    (globalThis as { DUCKDB_RUNTIME?: DuckDBRuntime }).DUCKDB_RUNTIME = runtime;
    const compiled =
      prefetched && new URL(url, self.location.href).href === prefetched.url
        ? prefetched.module
        : WebAssembly.compileStreaming(fetch(url, { credentials: 'same-origin' }));
    compiled
      .then((module) => {
        performance.mark('decant-duckdb-compiled');
        return WebAssembly.instantiate(module, imports).then((instance) =>
          receive(instance, module),
        );
      })
      .catch(fail);
    return {};
  };
  return { hook, failed };
}

/**
 * The EngineHost's browser side: DuckDB's blocking `eh` bundle in this worker, its module the one
 * `prefetched` brings (compiled since the page's start, wasm-prefetch.ts).
 */
export const browserEngine = (prefetched: PrefetchedWasm | null): EngineHostOptions => ({
  async startDuckDB() {
    const db = await createDuckDB(
      { mvp: { mainModule: mvpWasm, mainWorker: '' }, eh: { mainModule: ehWasm, mainWorker: '' } },
      new VoidLogger(),
      BROWSER_RUNTIME,
    );
    // createDuckDB picked `eh`, or `mvp` where wasm exceptions are missing: only that one is fetched.
    const bindings = db as unknown as { mainModuleURL: string; instantiateWasm: InstantiateWasm };
    const { hook, failed } = streamingInstantiate(
      bindings.mainModuleURL,
      BROWSER_RUNTIME,
      prefetched,
    );
    bindings.instantiateWasm = hook;
    performance.mark('decant-duckdb-created');
    await Promise.race([db.instantiate(() => {}), failed]);
    performance.mark('decant-duckdb-instantiated');
    db.open({});
    performance.mark('decant-duckdb-opened');
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
});
