// Apart from client.ts: it names the workers' and the wasm's URLs (Vite's `?url` and `new URL(…,
// import.meta.url)`), which only a browser build resolves; Node's engine path imports client.ts.
import * as Comlink from 'comlink';
import { engineClientOf, type EngineClient } from './client';
import { compileEngineWasm } from './engine-wasm';
import type { EngineApi, ParquetApi } from './protocol';
import { workerOnFirstMessage } from './worker-on-first-message';

/**
 * Connects to the page's two workers: DuckDB's, started here with its wasm compiling beside it,
 * and parquet-wasm's for encoding, made on its first call.
 */
export function connectEngine(): EngineClient {
  const engineWorker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'decant-engine',
  });
  compileEngineWasm(engineWorker);
  // Made when first called (once DuckDB is up, see EngineOperations.ready): until then its
  // script would only compete with DuckDB's start for the CPU.
  const parquetWorker = workerOnFirstMessage(
    () =>
      new Worker(new URL('../../workers/parquet.worker.ts', import.meta.url), {
        type: 'module',
        name: 'decant-parquet',
      }),
  );
  return engineClientOf(
    Comlink.wrap<EngineApi>(engineWorker),
    Comlink.wrap<ParquetApi>(parquetWorker),
    () => {
      engineWorker.terminate();
      parquetWorker.terminate();
    },
  );
}
