/// <reference lib="webworker" />
// Hashes one transferred stream per message, off the main thread: a package file's check before
// "Add to catalog". Progress is posted about ten times a second; the page ends a cancelled run
// by terminating the worker.
import { digestStream } from '../src/core/hash/sha256-stream';

self.onmessage = async (e: MessageEvent<{ stream: ReadableStream<Uint8Array> }>) => {
  let last = 0;
  try {
    const digest = await digestStream(e.data.stream, (bytes) => {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      self.postMessage({ kind: 'progress', bytes });
    });
    self.postMessage({ kind: 'done', ...digest });
  } catch (err) {
    self.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
};
