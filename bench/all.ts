// `npm run bench`: builds the app once, runs every benchmark behind the figures on that
// build, then prints them as one table (bench/summary.ts). BENCH_RUNS (default 3) applies to all;
// BENCH_SPARK=1 adds the local-Spark run of the job, BENCH_ENCODERS=1 the Node encoder comparison.
// BENCH_ROWS (default 1,000,000) sizes the orders CSV; BENCH_ROWS=11000000 is the 1 GB table.
// The 1 GB conversion (11M rows) runs too, after the 1M one, BENCH_BIG_RUNS times (default 1: on a
// quiet machine one run adds about a minute and a half, plus ~4 minutes the first time, to write
// the CSV into bench/out); BENCH_BIG=0 skips it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { OUT, ROOT } from './lib/app-page';
import { buildApp } from './lib/in-tab';
import { seconds } from './lib/stats';

/** The 1 GB file: 11M rows of bench/lib/csv.ts's orders, 1,013 MB. */
const BIG_ROWS = 11_000_000;

const BENCHES = [
  'csv-to-parquet.ts',
  'job-run.ts',
  'crawl-folder.ts',
  'catalog-scroll.ts',
  'engine-start.ts',
  'table-profile.ts',
  'ruleset.ts',
];

function run(script: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', join('bench', script)], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`bench/${script} exited with ${code}`)),
    );
  });
}

const started = performance.now();
if (process.env.BENCH_SKIP_BUILD !== '1') {
  console.log('[bench] building the app into bench/out/dist');
  await buildApp(ROOT, join(OUT, 'dist'));
}
// Spark and the Node encoder comparison are not figures of the issue, and take minutes: opt-in.
const env = {
  ...process.env,
  BENCH_SKIP_BUILD: '1',
  BENCH_SPARK: process.env.BENCH_SPARK ?? '0',
  BENCH_ENCODERS: process.env.BENCH_ENCODERS ?? '0',
};
// One failing benchmark does not hide the others' figures: it is named at the end.
const failed: string[] = [];
const note = (e: unknown) => failed.push(e instanceof Error ? e.message : String(e));
// Not twice when BENCH_ROWS already asks for the 1 GB file.
const big = process.env.BENCH_BIG !== '0' && process.env.BENCH_ROWS !== String(BIG_ROWS);
for (const b of BENCHES) {
  await run(b, env).catch(note);
  if (b === 'csv-to-parquet.ts' && big)
    await run(b, {
      ...env,
      BENCH_ROWS: String(BIG_ROWS),
      BENCH_RUNS: process.env.BENCH_BIG_RUNS ?? '1',
    }).catch(note);
}
await run('summary.ts', env);
console.log(`[bench] all done in ${seconds(performance.now() - started)}`);
if (failed.length > 0) {
  console.error(`[bench] FAILED:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
