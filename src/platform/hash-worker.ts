/**
 * SHA-256 of a stream in a worker of its own (workers/hash.worker.ts): the stream is transferred,
 * never copied, and a cancel terminates the worker at once.
 */
import type { StreamDigest } from '../core/hash/sha256-stream';

/** Hashes `stream` off the main thread; rejects with an 'AbortError' when `signal` aborts. */
export function digestInWorker(
  stream: ReadableStream<Uint8Array>,
  onBytes: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<StreamDigest> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../../workers/hash.worker.ts', import.meta.url), {
      type: 'module',
      name: 'decant-hash',
    });
    const end = () => {
      worker.terminate();
      signal?.removeEventListener('abort', abort);
    };
    const abort = () => {
      end();
      reject(Object.assign(new Error('hashing was cancelled'), { name: 'AbortError' }));
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort);
    worker.onmessage = (
      e: MessageEvent<
        | { kind: 'progress'; bytes: number }
        | ({ kind: 'done' } & StreamDigest)
        | { kind: 'failed'; message: string }
      >,
    ) => {
      const m = e.data;
      if (m.kind === 'progress') return onBytes(m.bytes);
      end();
      if (m.kind === 'done') {
        onBytes(m.bytes);
        resolve({ bytes: m.bytes, sha256: m.sha256 });
      } else reject(new Error(m.message));
    };
    worker.onerror = (e) => {
      end();
      reject(new Error(`the hash worker failed: ${e.message}`));
    };
    worker.postMessage({ stream }, [stream as unknown as Transferable]);
  });
}
