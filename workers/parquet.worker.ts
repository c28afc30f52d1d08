/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import init, * as pw from 'parquet-wasm';
import wasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import type {
  BatchMessage,
  CreditMessage,
  EncodeOptions,
  EncodeProgress,
  ParquetApi,
  TextEncodeOptions,
} from '../src/engine/protocol';
import { encodeBatches, type BatchSource } from './parquet/encode-batches';
import { encodeText } from './parquet/encode-text';
import { toWireError } from './wire-error';

let ready: Promise<void> | null = null;

/** A BatchSource over a MessagePort from the engine worker. */
function portSource(port: MessagePort): BatchSource {
  const queue: BatchMessage[] = [];
  let waiting: ((m: BatchMessage) => void) | null = null;
  port.onmessage = (e: MessageEvent<BatchMessage>) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(e.data);
    } else queue.push(e.data);
  };
  return {
    next: () => {
      const m = queue.shift();
      return m ? Promise.resolve(m) : new Promise((r) => (waiting = r));
    },
    grant: (n) => port.postMessage({ t: 'credit', n } satisfies CreditMessage),
  };
}

const api: ParquetApi = {
  init() {
    ready ??= init({ module_or_path: wasmUrl }).then(() => undefined);
    return ready;
  },
  async encode(port: MessagePort, opts: EncodeOptions, onProgress: (p: EncodeProgress) => void) {
    await api.init();
    try {
      const result = await encodeBatches(pw, portSource(port), opts, onProgress);
      return result;
    } catch (e) {
      throw toWireError(e);
    } finally {
      port.close();
    }
  },
  async encodeText(port: MessagePort, opts: TextEncodeOptions, onProgress) {
    try {
      return await encodeText(portSource(port), opts, onProgress);
    } catch (e) {
      throw toWireError(e);
    } finally {
      port.close();
    }
  },
};

Comlink.expose(api);
