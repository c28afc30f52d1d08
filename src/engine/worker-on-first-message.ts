import type { Endpoint } from 'comlink';

/**
 * A comlink endpoint whose Worker is made only when the first message is sent to it. The encoder
 * worker is one: its 200 kB of JS, parsed at the page's start, took CPU from DuckDB's start on two
 * cores, though nothing calls the encoder before DuckDB is up. `terminate` ends the worker if it
 * was made.
 */
export function workerOnFirstMessage(create: () => Worker): Endpoint & { terminate(): void } {
  let worker: Worker | null = null;
  let ended = false;
  const listeners: [string, EventListenerOrEventListenerObject, AddEventListenerOptions?][] = [];
  const spawn = (): Worker => {
    if (worker) return worker;
    worker = create();
    for (const [type, l, o] of listeners) worker.addEventListener(type, l, o);
    return worker;
  };
  return {
    postMessage(message: unknown, transfer: Transferable[] = []) {
      if (ended) return;
      spawn().postMessage(message, transfer);
    },
    addEventListener(
      type: string,
      l: EventListenerOrEventListenerObject,
      o?: AddEventListenerOptions,
    ) {
      if (worker) worker.addEventListener(type, l, o);
      else listeners.push([type, l, o]);
    },
    removeEventListener(type: string, l: EventListenerOrEventListenerObject) {
      if (worker) worker.removeEventListener(type, l);
      const i = listeners.findIndex(([t, x]) => t === type && x === l);
      if (i >= 0) listeners.splice(i, 1);
    },
    terminate() {
      ended = true;
      worker?.terminate();
    },
  };
}
