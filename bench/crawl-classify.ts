// Classifying one large CSV the way the crawler does, in the real app (headless Chromium), against
// native DuckDB reading the same file with the same dialect and types (threads=1) in the same run:
// the first verdict (sniff of a sample: Quick convert's inspection, the crawler's first step) and
// the full validation pass (every value of every column converted). Prints numbers; asserts
// nothing on time.
import { readCsvSql } from '../src/core/sql/read-csv';
import { quoteIdent } from '../src/core/sql/quote';
import { OUT, withAppPage } from './lib/app-page';
import { ensureCsv } from './lib/csv';
import { openNative } from './lib/native';
import { median, timed } from './lib/stats';

/** sniff_csv spells "no character" `(empty)`. */
const none = (c: string) => (c === '(empty)' ? '' : c);
const ROWS = Number(process.env.BENCH_CLASSIFY_ROWS ?? 11_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);

async function main() {
  const csv = await ensureCsv(OUT, ROWS);
  const mb = (csv.bytes / 1e6).toFixed(0);
  console.log(`File: ${csv.path} (${mb} MB, ${ROWS.toLocaleString('en-US')} rows)`);

  // Native: sniff for the dialect and types, then read everything with them.
  const conn = await openNative();
  await conn.run('SET threads = 1');
  const sniffed = (
    await conn.runAndReadAll(
      `SELECT Delimiter, Quote, Escape, HasHeader, Columns FROM sniff_csv('${csv.path.replaceAll("'", "''")}')`,
    )
  ).getRowObjectsJson()[0] as {
    Delimiter: string;
    Quote: string;
    Escape: string;
    HasHeader: boolean;
    Columns: { name: string; type: string }[];
  };
  const columns = sniffed.Columns;
  const scan = readCsvSql(
    csv.path,
    {
      delimiter: sniffed.Delimiter,
      quote: none(sniffed.Quote),
      escape: none(sniffed.Escape),
      header: sniffed.HasHeader,
      encoding: 'utf-8',
      decimalSeparator: '.',
      compression: 'none',
    },
    columns,
  );
  const counts = columns.map((c, i) => `count(${quoteIdent(c.name)}) AS c${i}`).join(', ');
  const nativeSniff: number[] = [];
  const nativeFull: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    nativeSniff.push((await timed(() => conn.run(`SELECT * FROM sniff_csv('${csv.path}')`))).ms);
    nativeFull.push((await timed(() => conn.run(`SELECT count(*), ${counts} FROM ${scan}`))).ms);
  }

  // In the tab: first verdict on the Quick convert page, whole crawl on the Crawlers page.
  const tabVerdict: number[] = [];
  const tabCrawl: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await withAppPage('#/convert', async (page) => {
      const card = page.getByTestId('file-card');
      tabVerdict.push(
        (
          await timed(async () => {
            await page.getByTestId('file-input').setInputFiles(csv.path);
            await card
              .and(page.locator('[data-state=ready], [data-state=failed]'))
              .waitFor({ timeout: 180_000 });
          })
        ).ms,
      );
      await page.goto(page.url().replace('#/convert', '#/crawl'));
      await page.getByTestId('crawl-files-input').setInputFiles(csv.path);
      await page.getByTestId('crawl-found').waitFor();
      tabCrawl.push(
        (
          await timed(async () => {
            await page.getByTestId('run-crawl').click();
            await page
              .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
              .first()
              .waitFor({ timeout: 600_000 });
          })
        ).ms,
      );
      if (await page.getByTestId('crawl-error').count())
        throw new Error(await page.getByTestId('crawl-error').innerText());
    });
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const verdict = median(tabVerdict);
  const crawl = median(tabCrawl);
  const validation = crawl - verdict;
  const native = median(nativeFull);
  console.log(
    `Classify ${mb} MB CSV (medians of ${RUNS}):\n` +
      `  first verdict (sniffed sample) in the tab: ${s(verdict)} · native sniff_csv: ${s(median(nativeSniff))}\n` +
      `  whole crawl of the file in the tab (sniff + full read): ${s(crawl)}\n` +
      `  full validation pass: tab ≈ ${s(validation)} vs native read_csv threads=1 ${s(native)} → ` +
      `${((native / validation) * 100).toFixed(0)}% of native speed (${(csv.bytes / 1e6 / (validation / 1000)).toFixed(0)} MB/s)`,
  );
}

await main();
