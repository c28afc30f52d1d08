/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { registerErrorTransfer } from '../../src/engine/error-transfer';
import { browserEngine } from './browser-engine';
import { EngineHost } from './engine-host';
import type { PrefetchedWasm } from './wasm-prefetch';

/** The engine worker proper, loaded by workers/engine.worker.ts once DuckDB's wasm is on its way. */
export function exposeEngine(prefetched: PrefetchedWasm | null): void {
  registerErrorTransfer();
  Comlink.expose(new EngineHost(browserEngine(prefetched)));
}
