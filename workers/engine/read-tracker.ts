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
export class ReadTracker {
  private furthest = new Map<number, number>();

  constructor(runtime: DuckDBRuntime = activeRuntime()) {
    const read = runtime.readFile.bind(runtime);
    runtime.readFile = (mod, fileId, buffer, bytes, location) => {
      const n = read(mod, fileId, buffer, bytes, location);
      const end = location + n;
      if (end > (this.furthest.get(fileId) ?? 0)) this.furthest.set(fileId, end);
      return n;
    };
  }

  /** Forget earlier reads; call before a scan. */
  reset(): void {
    this.furthest.clear();
  }

  /** The furthest byte read in any file since reset; one file is scanned at a time. */
  furthestByte(): number {
    let max = 0;
    for (const v of this.furthest.values()) max = Math.max(max, v);
    return max;
  }
}
