import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import type { EngineWasmFailed, EngineWasmMessage, WasmCompileRequest } from './protocol';

/** DuckDB's own feature test for wasm exceptions (what its createDuckDB checks to pick `eh`). */
const EXCEPTIONS_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 6, 64, 25, 11, 11,
]);

/**
 * Starts fetching and compiling DuckDB's `eh` wasm (34 MB) in a worker of its own, at the page's
 * start: a streamed compile takes its bytes on the thread that started it, and the engine
 * worker's thread is busy parsing its own 1.5 MB of JS while they arrive. Sends `engineWorker`
 * (workers/engine.worker.ts), as its first message, the port the module will arrive on; null
 * where `eh` cannot run (no wasm exceptions: DuckDB then fetches `mvp` itself).
 */
export function compileEngineWasm(engineWorker: Worker): void {
  if (!WebAssembly.validate(EXCEPTIONS_PROBE)) {
    const none: EngineWasmMessage = { decantEngineWasm: null };
    engineWorker.postMessage(none);
    return;
  }
  const channel = new MessageChannel();
  const compiler = new Worker(new URL('../../workers/wasm-compile.worker.ts', import.meta.url), {
    type: 'module',
    name: 'decant-wasm-compile',
  });
  const request: WasmCompileRequest = {
    url: new URL(ehWasm, location.href).href,
    port: channel.port1,
  };
  // A worker that cannot start (its script refused or missing) would leave the engine waiting.
  compiler.addEventListener('error', (ev) => {
    const failed: EngineWasmFailed = { decantEngineWasmFailed: ev.message || 'did not start' };
    engineWorker.postMessage(failed);
  });
  compiler.postMessage(request, [channel.port1]);
  const first: EngineWasmMessage = { decantEngineWasm: channel.port2 };
  engineWorker.postMessage(first, [channel.port2]);
}
