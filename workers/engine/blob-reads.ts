/**
 * DuckDB-WASM reads a registered File (BROWSER_FILEREADER) with FileReaderSync: each read makes
 * a new ArrayBuffer of the read's size (32 MB for a CSV buffer), copies it into wasm memory and
 * leaves it to the garbage collector, which rarely runs in a worker busy inside one long wasm
 * call: crawling a 275 MB CSV kept ~220 MB of such buffers in the tab. The read here is the
 * same, and then frees the buffer at once (releaseBuffer).
 */
import type { DuckDBRuntime } from '@duckdb/duckdb-wasm/blocking';

/** DuckDBDataProtocol.BROWSER_FILEREADER. */
const BROWSER_FILEREADER = 2;

type FileInfo = { fileName?: string; dataProtocol?: number } | null;
type Runtime = DuckDBRuntime & {
  /** The browser runtime's registered files by name (File, RemoteFile, OPFS handles). */
  _files?: Map<string, unknown>;
  getFileInfo?: (mod: unknown, fileId: number) => FileInfo;
};
/** FileReaderSync: a worker's only synchronous way to read a Blob. */
type SyncReader = new () => { readAsArrayBuffer(blob: Blob): ArrayBuffer };

interface WasmModule {
  HEAPU8: Uint8Array;
  ccall(name: string, ret: null, types: string[], args: unknown[]): void;
}

/**
 * Frees `buffer`'s memory now rather than at the next garbage collection, by detaching it
 * (ArrayBuffer.prototype.transfer to length 0). The caller must hold no view of it afterwards.
 * A no-op where transfer is missing (Node 20): there the buffer waits for the collector.
 */
export function releaseBuffer(buffer: ArrayBufferLike): void {
  const transfer = (buffer as { transfer?: (n: number) => ArrayBuffer }).transfer;
  if (typeof transfer === 'function' && !(buffer as { detached?: boolean }).detached)
    transfer.call(buffer, 0);
}

/**
 * Replaces the runtime's read of registered Blobs by one that frees each read's buffer at once.
 * Other files (OPFS handles, remote files, Node's disk files) go to the runtime's own read.
 * Does nothing where FileReaderSync is missing (Node, the main thread). Install it before the
 * other read hooks, which call through it.
 */
export function installBlobReads(runtime: DuckDBRuntime): void {
  const Reader = (globalThis as { FileReaderSync?: SyncReader }).FileReaderSync;
  if (!Reader) return;
  const rt = runtime as Runtime;
  const info = rt.getFileInfo?.bind(rt);
  if (!info || !rt._files) return;
  const read = rt.readFile.bind(rt);
  rt.readFile = (mod, fileId, buffer, bytes, location) => {
    const fileInfo = info(mod, fileId);
    const name = fileInfo?.fileName;
    const blob =
      fileInfo?.dataProtocol === BROWSER_FILEREADER && name !== undefined
        ? rt._files?.get(name)
        : undefined;
    if (!(blob instanceof Blob) || bytes <= 0) return read(mod, fileId, buffer, bytes, location);
    const m = mod as unknown as WasmModule;
    try {
      const data = new Reader().readAsArrayBuffer(blob.slice(location, location + bytes));
      const n = data.byteLength;
      m.HEAPU8.set(new Uint8Array(data), buffer);
      releaseBuffer(data);
      return n;
    } catch (e) {
      m.ccall('duckdb_web_fail_with', null, ['string'], [`engine: cannot read "${name}": ${e}`]);
      return 0;
    }
  };
}
