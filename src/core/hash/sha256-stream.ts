/**
 * SHA-256 of a stream's bytes, chunk by chunk (never the whole file in memory): the receiving
 * side's check of a package file, run in the hash worker and, in Node tests, in process.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export interface StreamDigest {
  bytes: number;
  /** 64 lower-case hex digits. */
  sha256: string;
}

/**
 * Reads `stream` to its end. `onBytes` gets the running byte count after each chunk; a true
 * `stopped()` cancels the stream and rejects with an Error named 'AbortError'.
 */
export async function digestStream(
  stream: ReadableStream<Uint8Array>,
  onBytes: (bytes: number) => void = () => undefined,
  stopped: () => boolean = () => false,
): Promise<StreamDigest> {
  const hash = sha256.create();
  const reader = stream.getReader();
  let bytes = 0;
  try {
    for (;;) {
      if (stopped()) {
        await reader.cancel().catch(() => undefined);
        throw Object.assign(new Error('hashing was cancelled'), { name: 'AbortError' });
      }
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      bytes += value.length;
      onBytes(bytes);
    }
  } finally {
    reader.releaseLock();
  }
  return { bytes, sha256: bytesToHex(hash.digest()) };
}
