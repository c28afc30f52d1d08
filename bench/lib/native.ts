// Native DuckDB (same engine version as the wasm build) as the yardstick for the in-tab numbers.
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { series, timed, type Series } from './stats';

export interface NativeResult {
  threads: number;
  time: Series;
}

/** SQL string literal: paths go into COPY/read_csv as literals, not parameters. */
const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export async function openNative(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  return instance.connect();
}

/** Rows in a Parquet file per its footer; used to check every output the benchmark produces. */
export async function countParquetRows(conn: DuckDBConnection, path: string): Promise<number> {
  const reader = await conn.runAndReadAll(`SELECT count(*) FROM read_parquet(${literal(path)})`);
  return Number(reader.getRows()[0]?.[0]);
}

/**
 * Rows in one file and not the other, both ways, compared as multisets: 0 when both files hold
 * the same values (whatever their physical types, e.g. timestamps in ms or µs).
 */
export async function differingRows(conn: DuckDBConnection, a: string, b: string): Promise<number> {
  const minus = (x: string, y: string) =>
    `(SELECT count(*) FROM (FROM read_parquet(${literal(x)}) EXCEPT ALL FROM read_parquet(${literal(y)})))`;
  const reader = await conn.runAndReadAll(`SELECT ${minus(a, b)} + ${minus(b, a)}`);
  return Number(reader.getRows()[0]?.[0]);
}

/**
 * Times `COPY (SELECT * FROM read_csv(csv)) TO parquet` `runs` times at the given thread count.
 * Each run writes a fresh file name: COPY onto an existing path returned stale bytes here (see
 * /work/shared/notes/duckdb-wasm.md). The last run's output is kept at `keepAs` when given (the
 * encoder comparison reads it); the others are deleted.
 */
export async function nativeCopy(
  conn: DuckDBConnection,
  opts: {
    csv: string;
    outDir: string;
    threads: number;
    runs: number;
    rows: number;
    keepAs?: string;
  },
  onRun: (ms: number) => void,
): Promise<NativeResult> {
  await conn.run(`SET threads = ${opts.threads}`);
  const times: number[] = [];
  for (let run = 1; run <= opts.runs; run++) {
    const out = join(opts.outDir, `native-t${opts.threads}-${Date.now()}-${run}.parquet`);
    const { ms } = await timed(() =>
      conn.run(
        `COPY (SELECT * FROM read_csv(${literal(opts.csv)})) TO ${literal(out)} ` +
          '(FORMAT parquet, COMPRESSION zstd)',
      ),
    );
    const rows = await countParquetRows(conn, out);
    if (rows !== opts.rows)
      throw new Error(`native DuckDB wrote ${rows} rows to ${out}, expected ${opts.rows}`);
    times.push(ms);
    onRun(ms);
    if (run === opts.runs && opts.keepAs) await rename(out, opts.keepAs);
    else await rm(out, { force: true });
  }
  return { threads: opts.threads, time: series(times) };
}
