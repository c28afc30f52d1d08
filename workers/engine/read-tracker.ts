import type { DuckDBRuntime } from '@duckdb/duckdb-wasm/blocking';

/** The runtime DuckDB's wasm imports call at each file read; set by instantiate(). */
export function activeRuntime(): DuckDBRuntime {
  const rt = (globalThis as { DUCKDB_RUNTIME?: DuckDBRuntime }).DUCKDB_RUNTIME;
  if (!rt) throw new Error('engine: DuckDB is not instantiated yet');
  return rt;
}

/**
 * Counts how far DuckDB has read into its files, by wrapping readFile on the runtime that the
 * wasm imports call through (globalThis.DUCKDB_RUNTIME: the browser bundle puts the runtime
 * itself there, the Node bundle a copy, so patch that object, after instantiate()).
 * This gives "bytes read of total" progress, and proves at the end that a scan reached the end of
 * its file: the guard against silently truncated reads.
 */
type RuntimeWithInfo = DuckDBRuntime & {
  getFileInfo?: (mod: unknown, fileId: number) => { fileName?: string } | null;
};

export class ReadTracker {
  private furthest = new Map<number, number>();
  /** fileId → registered name, looked up once per id (the browser runtime caches the info). */
  private names = new Map<number, string | null>();

  constructor(runtime: DuckDBRuntime = activeRuntime()) {
    const rt = runtime as RuntimeWithInfo;
    const read = rt.readFile.bind(rt);
    rt.readFile = (mod, fileId, buffer, bytes, location) => {
      const n = read(mod, fileId, buffer, bytes, location);
      const end = location + n;
      if (end > (this.furthest.get(fileId) ?? 0)) this.furthest.set(fileId, end);
      if (!this.names.has(fileId))
        this.names.set(fileId, rt.getFileInfo?.(mod, fileId)?.fileName ?? null);
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
