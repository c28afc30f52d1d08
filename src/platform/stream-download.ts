/**
 * Saves a stream of bytes (a zip as it is made) through the browser's download without holding
 * it in the page's memory: written into an OPFS scratch file as it comes, then downloaded from
 * that file on disk (see downloadScratchFile for when it is removed). A browser without OPFS
 * gets the old way, a Blob folded every 16 MiB (its blob store, not the page's heap, holds it).
 */
import { downloadBlob } from './download';
import { createScratchFile, downloadScratchFile } from './scratch-files';

export interface StreamDownloadOptions {
  /** Aborting stops the writing, removes the scratch file and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Bytes taken from the stream so far. */
  onBytes?(bytes: number): void;
  /** The download's media type; default `application/zip`. */
  type?: string;
}

/** Writes at most this many bytes at once: fewer, larger writes to the file. */
const BATCH = 4 * 1024 * 1024;

/**
 * Reads `stream` to its end and saves it as the download `name`. Resolves with its size and
 * whether it went through a file (`onDisk`) or memory (no OPFS here). Rejects with the stream's
 * error or the signal's reason; nothing is left behind then.
 */
export async function downloadStream(
  stream: ReadableStream<Uint8Array>,
  name: string,
  opts: StreamDownloadOptions = {},
): Promise<{ bytes: number; onDisk: boolean }> {
  const type = opts.type ?? 'application/zip';
  const scratch = await createScratchFile(name);
  const writable = scratch
    ? await scratch.handle.createWritable().catch(async () => {
        await scratch.remove();
        return null;
      })
    : null;
  const reader = stream.getReader();
  let bytes = 0;
  let batch: Uint8Array<ArrayBuffer>[] = [];
  let batched = 0;
  // Memory only when there is no file to write (the fallback).
  let blob = new Blob([], { type });
  const flush = async () => {
    if (batched === 0) return;
    const chunks = batch;
    batch = [];
    batched = 0;
    if (writable) await writable.write(new Blob(chunks));
    else blob = new Blob([blob, ...chunks], { type });
  };
  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      batch.push(value as Uint8Array<ArrayBuffer>);
      batched += value.length;
      bytes += value.length;
      if (batched >= (writable ? BATCH : 4 * BATCH)) await flush();
      opts.onBytes?.(bytes);
    }
    opts.signal?.throwIfAborted();
    await flush();
    await writable?.close();
  } catch (e) {
    await reader.cancel(e).catch(() => undefined);
    await writable?.abort().catch(() => undefined);
    await scratch?.remove();
    throw e;
  }
  if (writable && scratch) {
    await downloadScratchFile(scratch, name);
    return { bytes, onDisk: true };
  }
  downloadBlob(blob, name);
  return { bytes, onDisk: false };
}
