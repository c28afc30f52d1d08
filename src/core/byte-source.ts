/**
 * One file's bytes wherever they are: a dropped or picked File, a copy kept in the browser (OPFS),
 * an object behind an HTTP(S) or presigned S3 URL read by range GETs (the engine's RemoteFile).
 * Every reader of a file's bytes (Parquet footers, parquet-wasm, CSV heads, whole-file reads)
 * takes this one shape, so a URL and a local file are read by the same code.
 *
 * Kept apart on purpose: `UrlFile` (src/engine/protocol.ts), the crawler's `CrawlInput` and the
 * catalog's `TableSource` are plain data that crosses postMessage or sits in IndexedDB, where no
 * method survives; each names a source, and the worker makes a ByteSource of it (a File through
 * byteSourceFromBlob, a UrlFile as a RemoteFile).
 */
export interface ByteSource {
  /** For messages: a file's name or its path in a crawl or table. Never a presigned URL. */
  readonly name: string;
  readonly size: number;
  /** Milliseconds since the epoch, when known. */
  readonly lastModified?: number;
  /**
   * Bytes `[start, end)`, clamped to `size` (empty when `end <= start`). Throws the source's own
   * error: a RemoteError for a URL (expired, CORS, 404…).
   */
  read(start: number, end: number): Promise<Uint8Array>;
}

/** A Blob (a File) as a ByteSource: each read slices only its own range, never the whole file. */
export function byteSourceFromBlob(
  blob: Blob,
  name = (blob as Partial<File>).name ?? '',
): ByteSource {
  const lastModified = (blob as Partial<File>).lastModified;
  return {
    name,
    size: blob.size,
    ...(lastModified === undefined ? {} : { lastModified }),
    async read(start, end) {
      if (end <= start) return new Uint8Array(0);
      return new Uint8Array(await blob.slice(start, end).arrayBuffer());
    },
  };
}

/**
 * A Blob-shaped view of a source, for readers that take a Blob (parquet-wasm's
 * `ParquetFile.fromFile`): only `size`, `slice` and `arrayBuffer` exist, each `arrayBuffer` one
 * read of its range.
 */
export function blobFromSource(source: ByteSource): Blob {
  const part = (start: number, end: number) => {
    const length = end - start;
    // Blob.slice's rules: negative offsets count from the end; both are clamped to the part.
    const at = (x: number) => Math.min(length, Math.max(0, x < 0 ? length + x : x));
    return {
      size: length,
      slice: (a = 0, b = length) => part(start + at(a), start + Math.max(at(a), at(b))),
      async arrayBuffer(): Promise<ArrayBuffer> {
        if (length === 0) return new ArrayBuffer(0);
        return exactBuffer(await source.read(start, end));
      },
    };
  };
  return part(0, source.size) as unknown as Blob;
}

/** The bytes as an ArrayBuffer of their own: the view's buffer when it is exactly them, else a copy. */
export function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
}
