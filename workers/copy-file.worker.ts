/// <reference lib="webworker" />
// Copies dropped files into the browser's storage (OPFS), one per message, off the main thread:
// piped on the page, a 920 MB copy held it in tasks of up to 118 ms (the stream's promise
// callbacks) while the file converted beside it. Here each chunk is read from the File and written
// through OPFS's synchronous handle (workers/parquet/output-sink.ts), one chunk in memory at a time.
import { fileHandleSink } from './parquet/output-sink';

/** Bytes read from the File and written per step: few steps, little memory. */
const CHUNK = 8 * 1024 * 1024;

interface CopyRequest {
  file: File;
  /** A folder at the top of OPFS (created when missing) and the copy's name in it. */
  folder: string;
  name: string;
}

type CopyReply = { kind: 'done' } | { kind: 'failed'; message: string };

async function copy({ file, folder, name }: CopyRequest): Promise<void> {
  const dir = await (
    await navigator.storage.getDirectory()
  ).getDirectoryHandle(folder, {
    create: true,
  });
  const sink = await fileHandleSink(await dir.getFileHandle(name, { create: true }));
  try {
    for (let at = 0; at < file.size; at += CHUNK)
      await sink.write(new Uint8Array(await file.slice(at, at + CHUNK).arrayBuffer()));
    await sink.close();
  } catch (e) {
    await sink.abort().catch(() => undefined);
    // A partial copy would pass for a whole one after a reload.
    await dir.removeEntry(name).catch(() => undefined);
    throw e;
  }
}

self.onmessage = async (e: MessageEvent<CopyRequest>) => {
  let reply: CopyReply;
  try {
    await copy(e.data);
    reply = { kind: 'done' };
  } catch (err) {
    reply = { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};
