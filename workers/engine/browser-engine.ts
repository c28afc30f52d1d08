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
import * as Comlink from 'comlink';
import type { ParquetWasmReader } from './parquet-tables';
import type { RowGroupDecoding } from './row-group-decoder';
import { watchWorkerTraps } from './worker-traps';
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
  watchTraps: watchWorkerTraps,
  rowGroupDecoder,
});

let decoderWorker: { worker: Worker; decoder: Comlink.Remote<RowGroupDecoding> } | null = null;
/** Set once the row-groups worker failed to start or died: parquet-wasm here decodes instead. */
let decoderBroken = false;

/**
 * The row-groups worker (workers/row-groups.worker.ts), started with the first Parquet table
 * read: parquet-wasm decodes there, on the other core, while DuckDB imports here. Ended and made
 * anew after a trap (its parquet-wasm may be left broken); null once it could not run at all.
 */
function rowGroupDecoder(): RowGroupDecoding | null {
  if (decoderBroken) return null;
  return {
    async decode(file, group, batchSize) {
      if (!decoderWorker) {
        const worker = new Worker(new URL('../row-groups.worker.ts', import.meta.url), {
          type: 'module',
          name: 'decant-row-groups',
        });
        decoderWorker = { worker, decoder: Comlink.wrap<RowGroupDecoding>(worker) };
      }
      const w = decoderWorker;
      // Comlink never settles a call to a worker that died: its error event ends the wait.
      let stop = () => {};
      const died = new Promise<never>((_, reject) => {
        const onError = (ev: ErrorEvent) => reject(new Error(ev.message || 'worker failed'));
        w.worker.addEventListener('error', onError);
        stop = () => w.worker.removeEventListener('error', onError);
      });
      try {
        const got = await Promise.race([w.decoder.decode(file, group, batchSize), died]);
        if (!got.ok && got.crashed) end(w);
        return got;
      } catch (e) {
        end(w);
        decoderBroken = true;
        throw e;
      } finally {
        stop();
      }
    },
  };
}

function end(w: NonNullable<typeof decoderWorker>): void {
  w.worker.terminate();
  if (decoderWorker === w) decoderWorker = null;
}
