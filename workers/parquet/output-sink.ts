import { DecantError } from '../../src/core/errors';

/**
 * Where the encoder's output goes, chunk by chunk as it is produced. A file sink never holds
 * the whole output: memory stays at one chunk, and the result is the written file (a Blob read
 * from disk on demand), so checks such as the Parquet footer read only the bytes they need.
 */
export interface OutputSink {
  write(chunk: Uint8Array): Promise<void>;
  /** Finishes the output; resolves with it as a Blob (for a file: the file itself, on disk). */
  close(): Promise<Blob>;
  /** Gives up: what was written is truncated or dropped, as far as the destination allows. */
  abort(): Promise<void>;
}

/** Gathers the output in memory: only for downloads, where no file can be written instead. */
export function blobSink(type: string): OutputSink {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  return {
    write(chunk) {
      parts.push(chunk as Uint8Array<ArrayBuffer>);
      return Promise.resolve();
    },
    close: () => Promise.resolve(new Blob(parts, { type })),
    abort() {
      parts.length = 0;
      return Promise.resolve();
    },
  };
}

/** The error of a write the browser's storage had no room for (code 'storage-full'). */
function storageFull(name: string, written: number): DecantError {
  return new DecantError(
    `storage: the browser's storage is full: "${name}" stopped at ${written.toLocaleString('en-US')} bytes`,
    { code: 'storage-full' },
  );
}

/** An OPFS file's synchronous handle (dedicated workers only); the typings may lack it. */
interface SyncAccessHandle {
  write(data: Uint8Array, opts: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
type SyncCapable = FileSystemFileHandle & {
  createSyncAccessHandle?: () => Promise<SyncAccessHandle>;
};

/**
 * Writes into `handle` as chunks come. An OPFS file is written through a synchronous access
 * handle (no swap copy on close); any other file (a picked folder) through createWritable,
 * which the browser moves into place only on close. The caller chose a temporary name: it
 * renames the file once the output is checked, or removes it.
 */
export async function fileHandleSink(handle: FileSystemFileHandle): Promise<OutputSink> {
  const sync = await openSync(handle as SyncCapable);
  if (sync) {
    sync.truncate(0);
    let at = 0;
    let open = true;
    return {
      async write(chunk) {
        let done = 0;
        while (done < chunk.length) {
          const n = sync.write(chunk.subarray(done), { at: at + done });
          // Chromium 156 does not throw at the quota: write() returns a negative error code as
          // an unsigned number (e.g. 4294967288), so anything but real progress means full.
          if (!(n > 0 && n <= chunk.length - done)) throw storageFull(handle.name, at + done);
          done += n;
        }
        at += chunk.length;
      },
      async close() {
        sync.flush();
        sync.close();
        open = false;
        const file = await handle.getFile();
        if (file.size !== at) throw storageFull(handle.name, file.size);
        return file;
      },
      // After close (a failed check of the finished file) the caller removes the file.
      async abort() {
        if (!open) return;
        open = false;
        try {
          sync.truncate(0);
        } finally {
          sync.close();
        }
      },
    };
  }
  const writable = await handle.createWritable({ keepExistingData: false });
  let open = true;
  return {
    write: (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer>),
    async close() {
      open = false;
      await writable.close();
      return handle.getFile();
    },
    async abort() {
      if (!open) return;
      open = false;
      await writable.abort();
    },
  };
}

/** A synchronous handle when the file is in OPFS and this is a worker; else null. */
async function openSync(handle: SyncCapable): Promise<SyncAccessHandle | null> {
  if (typeof handle.createSyncAccessHandle !== 'function') return null;
  try {
    return await handle.createSyncAccessHandle();
  } catch {
    return null; // Not OPFS (a picked folder), or not a dedicated worker: use a writable.
  }
}

/** Gzips what is written before it reaches `inner`, as a stream (never the whole file). */
export function gzipSink(inner: OutputSink): OutputSink {
  const gz = new CompressionStream('gzip');
  const writer = gz.writable.getWriter();
  const reader = gz.readable.getReader();
  const pumping = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      await inner.write(value);
    }
  })();
  // A failure of `inner` surfaces on the next write or on close.
  pumping.catch(() => undefined);
  return {
    async write(chunk) {
      await Promise.race([writer.write(chunk as Uint8Array<ArrayBuffer>), pumping.then(never)]);
    },
    async close() {
      await writer.close();
      await pumping;
      return inner.close();
    },
    async abort() {
      await writer.abort().catch(() => undefined);
      await inner.abort();
    },
  };
}

/** Never settles: lets a race end only through the other side (or a rejection). */
function never(): Promise<never> {
  return new Promise(() => undefined);
}

/** Where an encode writes: a file handle from the page, or memory. */
export async function openSink(
  handle: FileSystemFileHandle | undefined,
  type: string,
): Promise<OutputSink> {
  if (!handle) return blobSink(type);
  try {
    return await fileHandleSink(handle);
  } catch (e) {
    throw new DecantError(
      `parquet: cannot open "${handle.name}" for writing: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}
