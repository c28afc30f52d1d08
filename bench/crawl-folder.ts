// Crawling a folder of many small CSV files in the real app (headless Chromium): time from
// "Run crawler" to the plan, and the plan's shape. Prints the numbers; asserts nothing on time.
import { mkdir, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OUT, withAppPage } from './lib/app-page';
import { writeFigures } from './lib/figures';
import { recordLongTasks, takeLongTasks } from './lib/long-tasks';

const FILES = Number(process.env.BENCH_CRAWL_FILES ?? 1000);
const PER_FOLDER = 100;

/** `events/day=NN/part-MMM.csv`, each a few rows with the same header. */
async function ensureFolder(): Promise<string> {
  const root = join(OUT, `crawl-${FILES}`, 'events');
  if (await stat(join(root, `day=${Math.ceil(FILES / PER_FOLDER)}`)).catch(() => null)) return root;
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, `day=${Math.floor(i / PER_FOLDER) + 1}`);
    await mkdir(dir, { recursive: true });
    const rows = Array.from(
      { length: 5 },
      (_, r) => `${i * 5 + r},user ${r},${(r * 1.5).toFixed(2)}`,
    );
    await writeFile(
      join(dir, `part-${String(i).padStart(5, '0')}.csv`),
      `id,name,score\n${rows.join('\n')}\n`,
    );
  }
  return root;
}

async function main() {
  const folder = await ensureFolder();
  await withAppPage(
    '#/crawl',
    async (page) => {
      await page.getByTestId('crawl-folder-input').setInputFiles(folder);
      await page.getByTestId('crawl-found').waitFor();
      await takeLongTasks(page);
      const t0 = Date.now();
      await page.getByTestId('run-crawl').click();
      await page.getByTestId('crawl-plan').waitFor({ timeout: 600_000 });
      const ms = Date.now() - t0;
      const longTasks = await takeLongTasks(page);
      const plan = (await page.getByTestId('plan-table').first().innerText()).split('\t');
      console.log(
        `Crawl of ${FILES.toLocaleString('en-US')} small CSV files in ${Math.ceil(FILES / PER_FOLDER)} partition folders:\n` +
          `  run → plan: ${(ms / 1000).toFixed(1)} s (${(ms / FILES).toFixed(1)} ms a file: sniff + full read of each)\n` +
          `  plan: ${plan[0]}, keys ${plan[3]}, ${plan[4]} partitions, ${plan[5]} files\n` +
          `  main thread: ${longTasks.count} tasks over 50 ms, longest ${Math.round(longTasks.longestMs)} ms`,
      );
      const files = `${FILES.toLocaleString('en-US')} files`;
      await writeFigures(OUT, 'crawl-folder', [
        { section: 'crawl', label: `crawl of ${files}, Run → plan`, unit: 'ms', runs: [ms] },
        {
          section: 'main thread',
          label: `long tasks crawling ${files}`,
          unit: 'longtask',
          runs: [longTasks.longestMs],
          counts: [longTasks.count],
          culprits: longTasks.culprits,
          target: 'none over 50 ms',
        },
      ]);
    },
    recordLongTasks,
  );
}

await main();
