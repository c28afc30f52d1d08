// `npm run bench` (last step): every figure the benchmarks wrote into bench/out/figures/, as one
// table, each beside its anchor from the same run (native DuckDB threads=1 and 2, a bare
// DuckDB-WASM page) with the ratio and the spread of the runs. Also `tsx bench/summary.ts` alone.
import { cpus } from 'node:os';
import { OUT } from './lib/app-page';
import { figureTable, readFigures } from './lib/figures';

const order = ['convert', 'job', 'crawl', 'scroll', 'start', 'quality', 'main thread'];
const benches = await readFigures(OUT);
if (benches.length === 0) {
  console.error('[bench] no figures in bench/out/figures: run `npm run bench` first');
  process.exit(1);
}
const figures = benches
  .flatMap((b) => b.figures)
  .sort((a, b) => {
    const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
    return rank(a.section) - rank(b.section);
  });
console.log(
  `\nDecant benchmark: median of the runs, min–max over them; ratios are median/median, ` +
    `"per run" pairs the runs taken side by side. ${cpus().length} CPUs.`,
);
for (const b of benches)
  console.log(`  ${b.bench}: ${b.date}${b.load ? `, load average ${b.load.join(' / ')}` : ''}`);
console.log('\n' + figureTable(figures) + '\n');
