/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { registerErrorTransfer } from '../../src/engine/error-transfer';
import { browserEngine } from './browser-engine';
import { EngineHost } from './engine-host';
import type { PrefetchedWasm } from './wasm-prefetch';

/** The engine worker proper, exposed by workers/engine.worker.ts with DuckDB's wasm on its way. */
export function exposeEngine(prefetched: PrefetchedWasm | null): void {
  registerErrorTransfer();
  Comlink.expose(new EngineHost(browserEngine(prefetched)));
}
