// `npm run bench`: CSV → Parquet with native DuckDB, in the tab (the built app in headless
// Chromium) and with the two candidate Parquet encoders. Prints a table and writes
// bench/out/results.json (results-<rows>.json for another BENCH_ROWS). It measures; it never
// asserts a time. It does fail when any output holds the wrong number of rows, since a fast wrong
// answer is not a result.
//
// Environment: BENCH_ROWS (default 1,000,000; 11,000,000 is the issue's 1 GB file, which
// bench/all.ts runs too), BENCH_RUNS (default 3), BENCH_SKIP_BUILD=1 to serve the last build
// (bench/out/dist, else dist/) instead of building, BENCH_DIST=dir to serve that build (e.g. an
// older commit's, to compare the two in the same period). Each row count writes figures of its own
// (bench/out/figures/csv-to-parquet[-<rows>].json), so the 1M and 1 GB figures sit side by side.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSV_HEADER, ensureCsv } from './lib/csv';
import { compareEncoders } from './lib/encoders';
import { writeFigures, type Figure } from './lib/figures';

const ENCODER_MAX_ROWS = 2_000_000;
const DEFAULT_ROWS = 1_000_000;
/** From this size on, the issue's memory target is the 1 GB file's (400 MB), not 1M rows' (150). */
const BIG_ROWS = 10_000_000;
import { benchInTab, buildApp } from './lib/in-tab';
import {
  countParquetRows,
  differingRows,
  nativeCopy,
  openNative,
  type NativeResult,
} from './lib/native';
import { formatReport, type BenchResults } from './lib/report';
import { count, megabytes, seconds, timed } from './lib/stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const BUILD_DIR = join(OUT, 'dist');

function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const log = (msg: string) => console.log(`[bench] ${msg}`);

async function packageVersion(name: string): Promise<string> {
  const json = await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8');
  return (JSON.parse(json) as { version: string }).version;
}

async function versions(): Promise<Record<string, string>> {
  const names = ['@duckdb/node-api', '@duckdb/duckdb-wasm', 'parquet-wasm', 'hyparquet-writer'];
  return Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await packageVersion(n)])),
  );
}

/** The app to serve: a fresh build unless BENCH_SKIP_BUILD=1 asks to reuse the last one. */
async function appDir(): Promise<string> {
  const given = process.env.BENCH_DIST;
  if (given) {
    log(`BENCH_DIST: serving ${given}`);
    return given;
  }
  if (process.env.BENCH_SKIP_BUILD === '1') {
    const dir = existsSync(join(BUILD_DIR, 'index.html')) ? BUILD_DIR : join(ROOT, 'dist');
    log(`BENCH_SKIP_BUILD=1: serving ${dir}`);
    return dir;
  }
  const { ms } = await timed(() => buildApp(ROOT, BUILD_DIR));
  log(`built the app into ${BUILD_DIR} in ${seconds(ms)}`);
  return BUILD_DIR;
}

async function main(): Promise<void> {
  const rows = positiveIntFromEnv('BENCH_ROWS', DEFAULT_ROWS);
  const runs = positiveIntFromEnv('BENCH_RUNS', 3);
  const started = performance.now();
  await mkdir(OUT, { recursive: true });

  const gen = await timed(() => ensureCsv(OUT, rows));
  const csv = gen.value;
  log(
    `${csv.reused ? 'reusing' : `generated in ${seconds(gen.ms)}`} ${csv.path} ` +
      `(${count(rows)} rows, ${megabytes(csv.bytes)})`,
  );

  const conn = await openNative();
  const countRows = (path: string) => countParquetRows(conn, path);
  // Native DuckDB's output is the reference the app's output is compared with, and the encoder
  // comparison's input (same rows, same types). Deleted at the end: its name has no row count.
  const reference = join(OUT, 'native-reference.parquet');
  const native: NativeResult[] = [];
  for (const threads of [1, 2]) {
    const keepAs = threads === 1 ? reference : undefined;
    const opts = { csv: csv.path, outDir: OUT, threads, runs, rows, keepAs };
    native.push(
      await nativeCopy(conn, opts, (ms) => log(`native threads=${threads}: ${seconds(ms)}`)),
    );
  }

  const inTab = await benchInTab({
    distDir: await appDir(),
    csv: csv.path,
    rows,
    runs,
    downloadDir: OUT,
    countRows,
    differingFromNative: (path) => differingRows(conn, reference, path),
    onRun: (r) =>
      log(
        `in-tab: inspect ${seconds(r.inspectMs)}, convert ${seconds(r.convertMs)}, ` +
          `memory +${megabytes(r.rssPeak - r.rssBaseline)}`,
      ),
  });

  // The encoder comparison holds the whole table as JS arrays (hyparquet-writer's input): past a
  // few million rows that exceeds Node's heap, and the comparison says nothing more at that size.
  const encoders =
    rows > ENCODER_MAX_ROWS || process.env.BENCH_ENCODERS === '0'
      ? null
      : await compareEncoders({
          parquetPath: reference,
          outDir: OUT,
          runs,
          differingRows: (a, b) => differingRows(conn, a, b),
          onRun: (name, ms) => log(`encoder ${name}: ${seconds(ms)}`),
        });
  if (!encoders)
    log(`encoders: skipped (BENCH_ENCODERS=0, or above ${count(ENCODER_MAX_ROWS)} rows)`);

  // Native DuckDB's own file for the same rows: the tab's output size is reported beside it.
  const nativeParquetBytes = (await stat(reference)).size;
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.versions.node, platform: process.platform },
    versions: await versions(),
    csv: { ...csv, columns: CSV_HEADER.length },
    runs,
    native,
    inTab,
    encoders,
  };
  await rm(reference, { force: true });
  const suffix = rows === DEFAULT_ROWS ? '' : `-${rows}`;
  const resultsFile = join(OUT, `results${suffix}.json`);
  await writeFile(resultsFile, JSON.stringify(results, null, 2) + '\n');
  await writeFigures(OUT, `csv-to-parquet${suffix}`, convertFigures(results, nativeParquetBytes));
  console.log('\n' + formatReport(results) + '\n');
  log(`wrote ${resultsFile}; total ${seconds(performance.now() - started)}`);
}

/** The issue's conversion figures, for the one table of `npm run bench`. */
function convertFigures(r: BenchResults, nativeParquetBytes: number): Figure[] {
  const n = `${count(r.csv.rows)}-row`;
  const anchors = r.native.map((x) => ({
    label: `native DuckDB t${x.threads}`,
    runs: x.time.runs,
  }));
  const runs = r.inTab.runs;
  return [
    {
      section: 'convert',
      label: `${n} CSV → Parquet, Convert click → download`,
      unit: 'ms',
      runs: r.inTab.convert.runs,
      anchors,
      target: '≤ 1.2× native t1 (+10% for click-to-download)',
    },
    {
      section: 'convert',
      label: `${n} CSV picked → card ready`,
      unit: 'ms',
      runs: r.inTab.inspect.runs,
    },
    {
      section: 'convert',
      label: `${n} convert: tab memory growth`,
      unit: 'bytes',
      runs: r.inTab.memoryGrowth.runs,
      target: r.csv.rows >= BIG_ROWS ? '≤ 400 MB' : '≤ 150 MB',
    },
    {
      section: 'convert',
      label: `${n} CSV → Parquet (ZSTD): output size`,
      unit: 'bytes',
      runs: runs.map((x) => x.parquetBytes),
      anchors: [{ label: 'native DuckDB', runs: runs.map(() => nativeParquetBytes) }],
      target: '≤ native DuckDB',
    },
    {
      section: 'main thread',
      label: `long tasks converting the ${n} CSV`,
      unit: 'longtask',
      runs: runs.map((x) => x.longTasks.longestMs),
      counts: runs.map((x) => x.longTasks.count),
      culprits: runs.at(-1)?.longTasks.culprits,
      target: 'none over 50 ms',
    },
  ];
}

main().catch((err: unknown) => {
  console.error('\n[bench] FAILED:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
