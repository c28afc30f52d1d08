/// <reference lib="webworker" />
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import type { EngineWasmFailed, EngineWasmMessage, WasmCompiled } from '../../src/engine/protocol';

/**
 * DuckDB's `eh` module, compiled from the page's start in a worker of its own
 * (src/engine/engine-wasm.ts) while this worker loads its 1.5 MB of JS. Null where `eh` cannot
 * run (no wasm exceptions): then DuckDB picks `mvp` and that one is fetched as before.
 */
export interface PrefetchedWasm {
  url: string;
  module: Promise<WebAssembly.Module>;
}

/** DuckDB's own feature test for wasm exceptions (what its createDuckDB checks to pick `eh`). */
const EXCEPTIONS_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 6, 64, 25, 11, 11,
]);

const isWasmMessage = (d: unknown): d is EngineWasmMessage | EngineWasmFailed =>
  typeof d === 'object' && d !== null && ('decantEngineWasm' in d || 'decantEngineWasmFailed' in d);

/**
 * The module the page's compile worker sends, through the port the page's first message carries.
 * `take` is given every message this worker receives, and says whether it was one of the page's
 * messages about the wasm (not for comlink). Without a port, or when that worker fails, the
 * module is compiled here instead.
 */
export function prefetchEngineWasm(): {
  prefetched: PrefetchedWasm | null;
  take(data: unknown): boolean;
} {
  if (!WebAssembly.validate(EXCEPTIONS_PROBE))
    return { prefetched: null, take: (data) => isWasmMessage(data) };
  const url = new URL(ehWasm, self.location.href).href;
  let settle: (m: Promise<WebAssembly.Module> | WebAssembly.Module) => void = () => undefined;
  const module = new Promise<WebAssembly.Module>((resolve) => (settle = resolve));
  // Handled where it is used; here only so an early failure is not reported as unhandled.
  module.catch(() => undefined);
  const compileHere = () =>
    settle(WebAssembly.compileStreaming(fetch(url, { credentials: 'same-origin' })));
  return {
    prefetched: { url, module },
    take(data) {
      if (!isWasmMessage(data)) return false;
      if ('decantEngineWasmFailed' in data) compileHere();
      else if (data.decantEngineWasm === null) compileHere();
      else
        data.decantEngineWasm.onmessage = (ev: MessageEvent<WasmCompiled>) =>
          'module' in ev.data ? settle(ev.data.module) : compileHere();
      return true;
    },
  };
}
