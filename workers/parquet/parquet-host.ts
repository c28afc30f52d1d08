import type {
  BatchMessage,
  CreditMessage,
  EncodeOptions,
  EncodeProgress,
  EncodeResult,
  ParquetApi,
  TextEncodeOptions,
  TextEncodeResult,
} from '../../src/engine/protocol';
import {
  encodeBatches,
  PARQUET_TYPE,
  type BatchSource,
  type ParquetWasmApi,
} from './encode-batches';
import { encodeText, textTypeOf } from './encode-text';
import { openSink } from './output-sink';

/** A BatchSource over a MessagePort from the engine worker. */
export function portSource(port: MessagePort): BatchSource {
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

/**
 * The encoder gave up (its file could not be written, or the batches were wrong): credit
 * enough for the engine to leave its wait and see the cancel the page sends it.
 */
function releaseSender(port: MessagePort): void {
  port.postMessage({ t: 'credit', n: 1 << 30 } satisfies CreditMessage);
}

/**
 * The encoder behind the worker boundary (ParquetApi): what arrives on a port from the engine
 * becomes a Parquet, CSV or NDJSON file written as it is encoded into the handle given, or a
 * Blob without one. `loadParquetWasm` instantiates parquet-wasm (the
 * browser build in the worker, the Node build in tests); it is called once.
 */
export class ParquetHost implements ParquetApi {
  private parquetWasm: Promise<ParquetWasmApi> | null = null;

  constructor(private readonly loadParquetWasm: () => Promise<ParquetWasmApi>) {}

  private ready(): Promise<ParquetWasmApi> {
    this.parquetWasm ??= this.loadParquetWasm().catch((e: unknown) => {
      this.parquetWasm = null;
      throw e;
    });
    return this.parquetWasm;
  }

  async init(): Promise<void> {
    await this.ready();
  }

  async encode(
    port: MessagePort,
    opts: EncodeOptions,
    onProgress: (p: EncodeProgress) => void,
    sink?: FileSystemFileHandle,
  ): Promise<EncodeResult> {
    try {
      const pw = await this.ready();
      const out = await openSink(sink, PARQUET_TYPE);
      return await encodeBatches(pw, portSource(port), opts, onProgress, out);
    } catch (e) {
      releaseSender(port);
      throw e;
    } finally {
      port.close();
    }
  }

  async encodeText(
    port: MessagePort,
    opts: TextEncodeOptions,
    onProgress: (p: EncodeProgress) => void,
    sink?: FileSystemFileHandle,
  ): Promise<TextEncodeResult> {
    try {
      const out = await openSink(sink, textTypeOf(opts));
      return await encodeText(portSource(port), opts, onProgress, out);
    } catch (e) {
      releaseSender(port);
      throw e;
    } finally {
      port.close();
    }
  }
}
