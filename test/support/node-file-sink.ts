import { openAsBlob } from 'node:fs';
import { open } from 'node:fs/promises';
import type { OutputSink } from '../../workers/parquet/output-sink';

/**
 * The encoder's file sink in Node: each chunk appended to `path` as it comes (what the worker
 * does with a FileSystemFileHandle), the result a Blob read from disk on demand.
 */
export async function nodeFileSink(path: string): Promise<OutputSink> {
  const fh = await open(path, 'w');
  let closed = false;
  return {
    async write(chunk) {
      let done = 0;
      while (done < chunk.length)
        done += (await fh.write(chunk, done, chunk.length - done)).bytesWritten;
    },
    async close() {
      await fh.close();
      closed = true;
      return openAsBlob(path);
    },
    async abort() {
      if (!closed) await fh.close();
      closed = true;
    },
  };
}
