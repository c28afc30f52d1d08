/// <reference lib="webworker" />
import { exposeEngine } from './engine/engine-worker-main';
import { prefetchEngineWasm } from './engine/wasm-prefetch';

// DuckDB's wasm (34 MB) is compiled from the page's start in a worker of its own while this
// worker's script (DuckDB's JS and ours, 1.5 MB) loads; the page's first message says where the
// module will arrive. One static chunk: a lazily imported part was a second round trip (its
// runtime chunk was found only once its 1.5 MB were parsed) before DuckDB could start.
const wasm = prefetchEngineWasm();
self.addEventListener('message', (ev: MessageEvent) => {
  if (wasm.take(ev.data)) ev.stopImmediatePropagation();
});
exposeEngine(wasm.prefetched);
