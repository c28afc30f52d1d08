// The human-readable summary printed at the end of `npm run bench`.
import type { EncoderComparison } from './encoders';
import type { InTabResult } from './in-tab';
import type { NativeResult } from './native';
import { count, megabytes, ratio, runList, seconds } from './stats';

export interface BenchResults {
  date: string;
  machine: { cpus: number; node: string; platform: string };
  versions: Record<string, string>;
  csv: { path: string; rows: number; columns: number; bytes: number; reused: boolean };
  runs: number;
  native: NativeResult[];
  inTab: InTabResult;
  /** Null when the run was too large to compare encoders. */
  encoders: EncoderComparison | null;
}

type Row = [label: string, value: string, detail: string];

/** Rows as three left-aligned columns; a row with only a label is a section heading. */
function table(rows: Row[]): string {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows
    .map(([a, b, c]) => (b || c ? `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}` : a))
    .join('\n')
    .replace(/ +$/gm, '');
}

function nativeRows(native: NativeResult[]): Row[] {
  return native.map((n) => [
    `native DuckDB, threads=${n.threads}`,
    seconds(n.time.median),
    runList(n.time),
  ]);
}

function inTabRows(r: BenchResults): Row[] {
  const { inspect, convert, memoryGrowth, runs } = r.inTab;
  const rows: Row[] = [
    ['in-tab inspect (file picked → card ready)', seconds(inspect.median), runList(inspect)],
    ['in-tab convert (Convert click → download)', seconds(convert.median), runList(convert)],
  ];
  for (const n of r.native)
    rows.push([
      `ratio in-tab convert / native t${n.threads}`,
      ratio(convert.median, n.time.median),
      `inspect + convert: ${ratio(inspect.median + convert.median, n.time.median)}`,
    ]);
  const peaks = runs.map((run) => megabytes(run.rssPeak)).join(' / ');
  rows.push([
    'tab memory growth (peak − baseline RSS)',
    megabytes(memoryGrowth.median),
    `runs ${memoryGrowth.runs.map(megabytes).join(' / ')}; peak totals ${peaks}`,
  ]);
  rows.push(['in-tab output vs native DuckDB output', '', vsNativeSummary(runs)]);
  return rows;
}

/** "identical values" when every run matched native DuckDB's output row for row, else details. */
function vsNativeSummary(runs: InTabResult['runs']): string {
  if (runs.every((run) => run.vsNative === 0)) return 'identical values in every run';
  return runs
    .map((run, i) =>
      typeof run.vsNative === 'number'
        ? `run ${i + 1}: ${count(run.vsNative)} rows differ`
        : `run ${i + 1}: not comparable (${run.vsNative})`,
    )
    .join('; ');
}

function encoderRows(enc: EncoderComparison): Row[] {
  const rows: Row[] = enc.results.map((e) => [
    `${e.name} ${e.codec}`,
    seconds(e.time.median),
    `${runList(e.time)}  → ${megabytes(e.bytes)}  (${e.note})`,
  ]);
  rows.push([
    '(Arrow → JS arrays for hyparquet-writer)',
    seconds(enc.hyparquetPrepMs),
    'once, not in its time above',
  ]);
  return rows;
}

export function formatReport(r: BenchResults): string {
  const { csv } = r;
  const last = r.inTab.runs.at(-1);
  const header =
    `Decant CSV → Parquet benchmark: ${count(csv.rows)} rows × ${csv.columns} columns, ` +
    `${megabytes(csv.bytes)} CSV, median of ${r.runs} (all runs in s after the median)\n` +
    `${r.machine.cpus} CPUs, Node ${r.machine.node}, Chromium ${r.inTab.chromiumVersion}, ` +
    `DuckDB ${r.versions['@duckdb/node-api']} native / duckdb-wasm ${r.versions['@duckdb/duckdb-wasm']}`;
  const rows: Row[] = [
    ['Native DuckDB (COPY … TO parquet, ZSTD)', '', ''],
    ...nativeRows(r.native),
    ['In the tab (headless Chromium, ZSTD, fresh page per run)', '', ''],
    ...inTabRows(r),
    [`Encoders in Node (same ${count(csv.rows)} rows from Arrow, one thread)`, '', ''],
    ...(r.encoders ? encoderRows(r.encoders) : []),
  ];
  const footer = [
    last ? `App said (last run): ${last.doneText} Downloaded ${megabytes(last.parquetBytes)}.` : '',
    r.inTab.console.length > 0
      ? `Browser console (errors/warnings):\n${r.inTab.console.map((m) => `  ${m}`).join('\n')}`
      : 'Browser console: no errors or warnings.',
  ];
  return [header, '', table(rows), '', ...footer].join('\n');
}
