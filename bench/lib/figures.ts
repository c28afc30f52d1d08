// The figures `npm run bench` reports: each benchmark writes its own into bench/out/figures/,
// and bench/summary.ts prints them all as one table, each beside its anchor from the same run.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { median } from './stats';

export type Unit = 'ms' | 'bytes' | 'longtask';

/** One figure of the issue: every run's value, and what it is compared with, measured alike. */
export interface Figure {
  /** Groups the table: "convert", "job", "start", "main thread". */
  section: string;
  label: string;
  unit: Unit;
  runs: number[];
  /** Same-run anchors (native DuckDB t1/t2, a bare DuckDB-WASM page), paired run by run. */
  anchors?: { label: string; runs: number[] }[];
  /** Long tasks: how many tasks over 50 ms each run saw (`runs` holds the longest, ms). */
  counts?: number[];
  /** Long tasks: the scripts blamed for the longest ones (from the last run). */
  culprits?: string[];
  /** The target, in words: "≤ 1.2× native t1". */
  target?: string;
  note?: string;
}

export const FIGURES_DIR = (out: string) => join(out, 'figures');

/** Writes one benchmark's figures (replacing its earlier ones). */
export async function writeFigures(out: string, bench: string, figures: Figure[]): Promise<void> {
  await mkdir(FIGURES_DIR(out), { recursive: true });
  // The machine's load when the figures were taken: others' work skews them, both sides alike.
  const body = {
    bench,
    date: new Date().toISOString(),
    load: loadavg().map((l) => +l.toFixed(1)),
    figures,
  };
  await writeFile(join(FIGURES_DIR(out), `${bench}.json`), JSON.stringify(body, null, 2) + '\n');
}

export async function readFigures(
  out: string,
): Promise<{ bench: string; date: string; load?: number[]; figures: Figure[] }[]> {
  const dir = FIGURES_DIR(out);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  // By bench name, not file name: "csv-to-parquet" (1M rows) before "csv-to-parquet-11000000".
  const bench = (n: string) => n.slice(0, -'.json'.length);
  return Promise.all(
    names
      .sort((a, b) => (bench(a) < bench(b) ? -1 : bench(a) > bench(b) ? 1 : 0))
      .map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8'))),
  );
}

function value(unit: Unit, v: number): string {
  if (unit === 'ms') return `${(v / 1000).toFixed(2)} s`;
  if (unit === 'bytes') return `${(v / 1_000_000).toFixed(0)} MB`;
  return `${Math.round(v)} ms`;
}

function spread(unit: Unit, runs: number[]): string {
  if (runs.length < 2) return '';
  const lo = Math.min(...runs);
  const hi = Math.max(...runs);
  if (unit === 'ms') return `${(lo / 1000).toFixed(2)}–${(hi / 1000).toFixed(2)}`;
  if (unit === 'bytes') return `${(lo / 1_000_000).toFixed(0)}–${(hi / 1_000_000).toFixed(0)}`;
  return `${Math.round(lo)}–${Math.round(hi)}`;
}

/** Median ratio, and the range of the per-run ratios (runs paired: same run, side by side). */
export function ratioOf(
  runs: number[],
  anchor: number[],
): { median: number; lo: number; hi: number } {
  const paired = runs.length === anchor.length ? runs.map((v, i) => v / anchor[i]!) : [];
  const m = median(runs) / median(anchor);
  return paired.length > 0
    ? { median: m, lo: Math.min(...paired), hi: Math.max(...paired) }
    : { median: m, lo: m, hi: m };
}

type Row = string[];

/** Every figure with its value (median, min–max), each anchor, the ratio and the target. */
export function figureTable(figures: Figure[]): string {
  const head: Row = [
    'figure',
    'median',
    'min–max',
    'anchor',
    'anchor',
    'min–max',
    'ratio',
    'per run',
    'target',
  ];
  const rows: (Row | string)[] = [];
  let section = '';
  for (const f of figures) {
    if (f.section !== section) {
      section = f.section;
      rows.push(section);
    }
    const own = [f.label, value(f.unit, median(f.runs)), spread(f.unit, f.runs)];
    const anchors = f.anchors ?? [];
    if (f.unit === 'longtask') {
      const counts = f.counts ?? [];
      const n = counts.length ? `${median(counts)} tasks > 50 ms (runs ${counts.join(' / ')})` : '';
      rows.push([...own, '', '', '', '', '', [f.target, n].filter(Boolean).join('; ')]);
    } else if (anchors.length === 0) rows.push([...own, '', '', '', '', '', f.target ?? '']);
    anchors.forEach((a, i) => {
      const r = ratioOf(f.runs, a.runs);
      const cells = [
        a.label,
        value(f.unit, median(a.runs)),
        spread(f.unit, a.runs),
        `${r.median.toFixed(2)}×`,
        a.runs.length === f.runs.length ? `${r.lo.toFixed(2)}–${r.hi.toFixed(2)}×` : '',
        i === 0 ? (f.target ?? '') : '',
      ];
      rows.push(i === 0 ? [...own, ...cells] : ['', '', '', ...cells]);
    });
    if (f.note) rows.push(['', '', '', f.note]);
    for (const c of f.culprits ?? []) rows.push(['', '', '', `  ${c}`]);
  }
  const cells = [head, ...rows.filter((r): r is Row => typeof r !== 'string')];
  const widths = head.map((_, c) =>
    Math.max(...cells.map((r) => (c === r.length - 1 && r.length === 4 ? 0 : (r[c] ?? '').length))),
  );
  const line = (r: Row) =>
    r
      .map((cell, c) =>
        c === 1 || c === 2 || c === 4 || c === 5 || c === 6
          ? cell.padStart(widths[c]!)
          : cell.padEnd(widths[c]!),
      )
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map((r) => (typeof r === 'string' ? r : line(r)))].join('\n');
}
