/**
 * Every hook Decant puts on DuckDB-WASM's runtime (the object its wasm imports call for file I/O:
 * globalThis.DUCKDB_RUNTIME; the browser bundle puts the runtime itself there, the Node bundle a
 * copy, so patch that object, after instantiate()):
 * - remote files the user added are read by ranged GETs (never the HEAD that presigned URLs refuse);
 * - every other http(s)/s3 read, glob or existence check is refused, so SQL cannot reach the network
 *   behind the user's back (`read_csv('http://host/?d=' || secret)`);
 * - reads are counted, for progress and to prove a scan reached the end of its file.
 * They patch runtime internals (`openFile`, `readFile`, `glob`, `checkFile`, file infos) as
 * @duckdb/duckdb-wasm HOOKED_VERSION has them; installRuntimeHooks refuses any other version.
 */
import type { DuckDBRuntime } from '@duckdb/duckdb-wasm/blocking';
import { DecantError } from '../../src/core/errors';
import { RemoteError } from '../../src/core/remote';
import { redactUrl } from '../../src/core/remote/redact';
import { readRangeSync, xhrGet, type RemoteFile, type SyncGet } from './remote-files';

/** The @duckdb/duckdb-wasm version whose runtime these hooks were written against. */
export const HOOKED_VERSION = '1.32.0';

/** Throws unless `packageVersion` is the version the hooks were written for. */
export function checkHookedVersion(packageVersion: string): void {
  if (packageVersion === HOOKED_VERSION) return;
  throw new DecantError(
    `engine: the DuckDB runtime hooks (workers/engine/runtime-hooks.ts) were written for ` +
      `@duckdb/duckdb-wasm ${HOOKED_VERSION}, but ${packageVersion} is loaded: check openFile, ` +
      'readFile, glob and checkFile in its runtime, then update HOOKED_VERSION',
    { code: 'engine' },
  );
}

/** The runtime DuckDB's wasm imports call at each file read; set by instantiate(). */
export function activeRuntime(): DuckDBRuntime {
  const rt = (globalThis as { DUCKDB_RUNTIME?: DuckDBRuntime }).DUCKDB_RUNTIME;
  if (!rt) throw new Error('engine: DuckDB is not instantiated yet');
  return rt;
}

/** The parts of the wasm module a hook touches. */
interface WasmModule {
  _malloc(n: number): number;
  HEAPF64: Float64Array;
  HEAPU8: Uint8Array;
  ccall(name: string, ret: null, types: string[], args: unknown[]): void;
}

type FileInfo = { fileName?: string; dataProtocol?: number } | null;
type Hooked = DuckDBRuntime & {
  _fileInfoCache?: Map<number, unknown>;
  getFileInfo?: (mod: unknown, fileId: number) => FileInfo;
  resolveFileInfo?: (mod: unknown, fileId: number) => FileInfo;
};

const FILE_FLAGS_WRITE = 2;
/** DuckDBDataProtocol.HTTP and .S3: files DuckDB would fetch itself. */
const NETWORK_PROTOCOLS = new Set([4, 5]);
/** Names DuckDB (or an extension) treats as remote. */
const NETWORK_NAME = /^\s*[a-z][a-z0-9+.-]*:\/\//i;

function infoOf(rt: Hooked): (mod: unknown, fileId: number) => FileInfo {
  const info = (rt.getFileInfo ?? rt.resolveFileInfo)?.bind(rt);
  if (!info) throw new Error('engine: this DuckDB runtime cannot name its files');
  return info;
}

function stringAt(mod: unknown, ptr: number, len: number): string {
  return new TextDecoder().decode((mod as unknown as WasmModule).HEAPU8.subarray(ptr, ptr + len));
}

function failWith(mod: unknown, message: string): void {
  (mod as unknown as WasmModule).ccall('duckdb_web_fail_with', null, ['string'], [message]);
}

/** The refusal for a URL that SQL names but the user never added: no query string shown. */
export function refusedUrlMessage(url: string): string {
  return `query: reading "${redactUrl(url.trim())}" is not allowed: add it as a source first`;
}

/**
 * Counts how far DuckDB has read into its files by wrapping readFile. This gives "bytes read of
 * total" progress, and proves at the end that a scan reached the end of its file: the guard
 * against silently truncated reads.
 */
export class ReadTracker {
  private furthest = new Map<number, number>();
  /** fileId → registered name, looked up once per id (the browser runtime caches the info). */
  private names = new Map<number, string | null>();

  constructor(runtime: DuckDBRuntime = activeRuntime()) {
    const rt = runtime as Hooked;
    const read = rt.readFile.bind(rt);
    rt.readFile = (mod, fileId, buffer, bytes, location) => {
      const n = read(mod, fileId, buffer, bytes, location);
      const end = location + n;
      if (end > (this.furthest.get(fileId) ?? 0)) this.furthest.set(fileId, end);
      if (!this.names.has(fileId))
        this.names.set(
          fileId,
          (rt.getFileInfo ?? rt.resolveFileInfo)?.call(rt, mod, fileId)?.fileName ?? null,
        );
      return n;
    };
  }

  /** Forget earlier reads; call before a scan. */
  reset(): void {
    this.furthest.clear();
    this.names.clear();
  }

  /**
   * The furthest byte read since reset in the file registered as `path`. Other files read
   * meanwhile (an inspection during a conversion) do not count. Where the runtime cannot name
   * its files (DuckDB-WASM's Node bundle), the furthest byte in any file.
   */
  furthestByte(path?: string): number {
    let max = 0;
    for (const [id, v] of this.furthest) {
      const name = this.names.get(id);
      if (path === undefined || name === null || name === undefined || name === path)
        max = Math.max(max, v);
    }
    return max;
  }
}

/**
 * Makes DuckDB read RemoteFiles registered through `register` by range GETs, and nothing else
 * from the network. Hooks openFile (the size is known, so no HEAD), readFile (one ranged GET per
 * read; a failure becomes DuckDB's error with the RemoteError's message), the modification time,
 * and glob/checkFile/openFile for URLs: a URL that is a registered file's URL is served like that
 * file; any other URL is refused (refusedUrlMessage) before a request is made. Local files pass
 * through untouched. Create it after instantiate() and before a ReadTracker, so the tracker
 * counts remote reads too.
 */
export class RemoteReads {
  private files = new Map<string, RemoteFile>();
  /** Registered files by their URL, for SQL that names a source's URL itself. */
  private byUrl = new Map<string, { file: RemoteFile; names: number }>();
  /** Ranged GETs made and bytes they returned, since start (for tests and diagnostics). */
  readonly stats = { requests: 0, bytes: 0, refused: 0 };

  constructor(runtime: DuckDBRuntime = activeRuntime(), get: SyncGet = xhrGet) {
    const rt = runtime as Hooked;
    const info = infoOf(rt);
    const fileOf = (mod: unknown, fileId: number) => {
      const name = info(mod, fileId)?.fileName;
      return name === undefined ? undefined : this.lookup(name);
    };
    const open = rt.openFile.bind(rt);
    const read = rt.readFile.bind(rt);
    const write = rt.writeFile.bind(rt);
    const modified = rt.getLastFileModificationTime.bind(rt);
    const glob = rt.glob.bind(rt);
    const check = rt.checkFile.bind(rt);
    const refuse = (mod: unknown, name: string) => {
      this.stats.refused++;
      failWith(mod, refusedUrlMessage(name));
    };
    rt.openFile = (mod, fileId, flags) => {
      // File ids are reused: forget what the runtime cached for this one.
      rt._fileInfoCache?.delete(fileId);
      const fileInfo = info(mod, fileId);
      const f = fileInfo?.fileName === undefined ? undefined : this.lookup(fileInfo.fileName);
      if (!f) {
        if (isNetwork(fileInfo)) {
          refuse(mod, fileInfo?.fileName ?? '');
          return 0 as unknown as void;
        }
        return open(mod, fileId, flags);
      }
      const m = mod as unknown as WasmModule;
      if (flags & FILE_FLAGS_WRITE) {
        failWith(m, `remote: "${f.name}" is read-only`);
        return 0 as unknown as void;
      }
      const result = m._malloc(3 * 8);
      m.HEAPF64[(result >> 3) + 0] = f.size;
      m.HEAPF64[(result >> 3) + 1] = 0;
      m.HEAPF64[(result >> 3) + 2] = f.lastModified / 1000;
      return result as unknown as void;
    };
    rt.readFile = (mod, fileId, buffer, bytes, location) => {
      const f = fileOf(mod, fileId);
      if (!f) {
        const fileInfo = info(mod, fileId);
        if (isNetwork(fileInfo)) {
          refuse(mod, fileInfo?.fileName ?? '');
          return 0;
        }
        return read(mod, fileId, buffer, bytes, location);
      }
      if (bytes <= 0) return 0;
      const m = mod as unknown as WasmModule;
      try {
        const data = readRangeSync(f, location, location + bytes - 1, get);
        this.stats.requests++;
        this.stats.bytes += data.length;
        m.HEAPU8.set(data, buffer);
        return data.length;
      } catch (e) {
        failWith(m, e instanceof RemoteError ? e.message : `remote: "${f.name}": ${String(e)}`);
        return 0;
      }
    };
    rt.writeFile = (mod, fileId, buffer, bytes, location) => {
      const fileInfo = info(mod, fileId);
      if (isNetwork(fileInfo) || fileOf(mod, fileId)) {
        refuse(mod, fileInfo?.fileName ?? '');
        return 0;
      }
      return write(mod, fileId, buffer, bytes, location);
    };
    rt.getLastFileModificationTime = (mod, fileId) => {
      const f = fileOf(mod, fileId);
      return f ? f.lastModified / 1000 : modified(mod, fileId);
    };
    rt.glob = (mod, ptr, len) => {
      const path = stringAt(mod, ptr, len);
      if (!NETWORK_NAME.test(path)) return glob(mod, ptr, len);
      // DuckDB also globs `<url>/**/*.csv` after a miss: only the exact URL of a source matches.
      if (this.byUrl.has(path))
        (mod as unknown as WasmModule).ccall(
          'duckdb_web_fs_glob_add_path',
          null,
          ['string'],
          [path],
        );
      else if (!path.endsWith('/**/*.csv')) refuse(mod, path);
    };
    rt.checkFile = (mod, ptr, len) => {
      const path = stringAt(mod, ptr, len);
      if (!NETWORK_NAME.test(path)) return check(mod, ptr, len);
      return this.byUrl.has(path);
    };
  }

  private lookup(name: string): RemoteFile | undefined {
    return this.files.get(name) ?? this.byUrl.get(name)?.file;
  }

  /** Registers `f` with DuckDB under `name`, to be read lazily by ranges. */
  register(
    db: {
      registerFileHandle(name: string, handle: unknown, protocol: number, direct: boolean): void;
    },
    name: string,
    f: RemoteFile,
  ): void {
    // Protocol BROWSER_FILEREADER (2): a name DuckDB reads through the runtime, never over HTTP.
    db.registerFileHandle(name, f, 2, true);
    this.drop(null, name);
    this.files.set(name, f);
    const entry = this.byUrl.get(f.url);
    this.byUrl.set(f.url, { file: f, names: (entry?.names ?? 0) + 1 });
  }

  /** Unregisters `name` (from DuckDB too when `db` is given); unknown names are ignored. */
  drop(db: { dropFile(name: string): void } | null, name: string): void {
    const f = this.files.get(name);
    if (f) {
      this.files.delete(name);
      const entry = this.byUrl.get(f.url);
      if (entry && entry.names > 1) entry.names--;
      else this.byUrl.delete(f.url);
    }
    db?.dropFile(name);
  }

  has(name: string): boolean {
    return this.files.has(name);
  }
}

function isNetwork(info: FileInfo): boolean {
  if (!info) return false;
  return NETWORK_PROTOCOLS.has(info.dataProtocol ?? -1) || NETWORK_NAME.test(info.fileName ?? '');
}

/** The hooks of one engine: remote reads first, so the tracker counts them too. */
export interface RuntimeHooks {
  remote: RemoteReads;
  tracker: ReadTracker;
}

/**
 * Checks the DuckDB-WASM version, then installs every hook on `runtime` (after instantiate()).
 * `get` makes the ranged GETs of registered remote files (synchronous XHR in the worker).
 */
export function installRuntimeHooks(
  packageVersion: string,
  runtime: DuckDBRuntime = activeRuntime(),
  get: SyncGet = xhrGet,
): RuntimeHooks {
  checkHookedVersion(packageVersion);
  const remote = new RemoteReads(runtime, get);
  const tracker = new ReadTracker(runtime);
  return { remote, tracker };
}
