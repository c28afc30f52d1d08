import type { DuckDBRuntime } from '@duckdb/duckdb-wasm/blocking';

/**
 * Counts how far DuckDB has read into its files, by wrapping the runtime's readFile (DuckDB calls
 * it through globalThis.DUCKDB_RUNTIME at each read, so patching the object is enough).
 * This gives "bytes read of total" progress, and proves at the end that a scan reached the end of
 * its file: the guard against silently truncated reads.
 */
export class ReadTracker {
  private furthest = new Map<number, number>();

  constructor(runtime: DuckDBRuntime) {
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
