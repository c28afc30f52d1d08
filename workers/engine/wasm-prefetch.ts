/// <reference lib="webworker" />
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';

/**
 * DuckDB's `eh` module, fetched and compiled from the first line of the engine worker, while the
 * rest of the worker's script (1.5 MB of JS) still loads: the compile runs on the engine's
 * background threads and overlaps it. Null where `eh` cannot run (no wasm exceptions): then
 * DuckDB picks `mvp` and that one is fetched as before.
 */
export interface PrefetchedWasm {
  url: string;
  module: Promise<WebAssembly.Module>;
}

/** DuckDB's own feature test for wasm exceptions (what its createDuckDB checks to pick `eh`). */
const EXCEPTIONS_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 6, 64, 25, 11, 11,
]);

export function prefetchEngineWasm(): PrefetchedWasm | null {
  if (!WebAssembly.validate(EXCEPTIONS_PROBE)) return null;
  const url = new URL(ehWasm, self.location.href).href;
  // compileStreaming on the fetched response itself (not a copy): it keeps the response's URL.
  const module = WebAssembly.compileStreaming(fetch(url, { credentials: 'same-origin' }));
  // Handled where it is used; here only so an early failure is not reported as unhandled.
  module.catch(() => undefined);
  return { url, module };
}
