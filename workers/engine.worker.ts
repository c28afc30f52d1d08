/// <reference lib="webworker" />
import { prefetchEngineWasm } from './engine/wasm-prefetch';

// The engine's wasm (34 MB) is fetched and compiled from here, while the rest of this worker's
// script (DuckDB's JS and ours, 1.5 MB) is still loading: that load no longer delays it.
const prefetched = prefetchEngineWasm();

// The page may call before the rest is loaded: hold its messages until the engine listens.
const held: MessageEvent[] = [];
const hold = (ev: MessageEvent) => held.push(ev);
self.addEventListener('message', hold);
const { exposeEngine } = await import('./engine/engine-worker-main');
exposeEngine(prefetched);
self.removeEventListener('message', hold);
for (const ev of held)
  self.dispatchEvent(new MessageEvent('message', { data: ev.data, ports: [...ev.ports] }));
