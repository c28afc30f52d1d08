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
import { encodeBatches, type BatchSource, type ParquetWasmApi } from './encode-batches';
import { encodeText } from './encode-text';

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
 * The encoder behind the worker boundary (ParquetApi): what arrives on a port from the engine
 * becomes a Parquet, CSV or NDJSON Blob. `loadParquetWasm` instantiates parquet-wasm (the
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
  ): Promise<EncodeResult> {
    try {
      return await encodeBatches(await this.ready(), portSource(port), opts, onProgress);
    } finally {
      port.close();
    }
  }

  async encodeText(
    port: MessagePort,
    opts: TextEncodeOptions,
    onProgress: (p: EncodeProgress) => void,
  ): Promise<TextEncodeResult> {
    try {
      return await encodeText(portSource(port), opts, onProgress);
    } finally {
      port.close();
    }
  }
}
