/// <reference lib="webworker" />

import type { WasmCompileRequest, WasmCompiled } from '../src/engine/protocol';

// Nothing else runs on this thread, so the streamed bytes are taken as they arrive (in the engine
// worker they waited while it parsed its 1.5 MB of JS). Closes once it has answered.
self.addEventListener(
  'message',
  (ev: MessageEvent<WasmCompileRequest>) => {
    const { url, port } = ev.data;
    const answer = (m: WasmCompiled) => {
      port.postMessage(m);
      port.close();
      self.close();
    };
    // compileStreaming on the fetched response itself (not a copy): it keeps the response's URL.
    WebAssembly.compileStreaming(fetch(url, { credentials: 'same-origin' })).then(
      (module) => answer({ module }),
      (e: unknown) => answer({ error: e instanceof Error ? e.message : String(e) }),
    );
  },
  { once: true },
);
