// A 10M-row table in the catalog, scrolled in the Data tab of the real app (headless Chromium):
// how long until the first rows show, and how long a jump to the middle and to the end takes to
// draw. Prints the numbers; asserts nothing about time.
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OUT, withAppPage } from './lib/app-page';
import { writeFigures } from './lib/figures';
import { recordLongTasks, takeLongTasks } from './lib/long-tasks';
import type { Page } from 'playwright-core';

const ROWS = Number(process.env.BENCH_SCROLL_ROWS ?? 10_000_000);

async function ensureCsv(path: string): Promise<void> {
  if ((await stat(path).catch(() => null))?.size) return;
  const out = createWriteStream(path);
  out.write('id,name,amount\n');
  for (let i = 0; i < ROWS; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(ROWS, i + 10_000); j++)
      chunk += `${j},name ${j % 9973},${(j % 10007) / 100}\n`;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise((r) => out.end(r));
}

/**
 * Drags the scrollbar to `fraction` of its range and waits until every drawn row has its cells;
 * returns the time that took and the first row number in view.
 */
async function jumpTo(page: Page, fraction: number): Promise<{ ms: number; row: number }> {
  return page.evaluate(async (f) => {
    const grid = document.querySelector<HTMLElement>('[data-testid=virtual-grid]')!;
    const t0 = performance.now();
    grid.scrollTop = (grid.scrollHeight - grid.clientHeight) * f;
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const rows = Array.from(grid.querySelectorAll<HTMLElement>('[data-row]'));
      if (rows.length > 0 && rows.every((r) => !r.textContent?.includes('…'))) {
        const inView = rows.filter(
          (r) => r.getBoundingClientRect().top >= grid.getBoundingClientRect().top,
        );
        return { ms: performance.now() - t0, row: Number(inView[0]?.dataset.row ?? -1) + 1 };
      }
      if (performance.now() - t0 > 60_000) throw new Error('rows never drawn');
    }
  }, fraction);
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const csv = join(OUT, `scroll-${ROWS}.csv`);
  await ensureCsv(csv);
  await withAppPage(
    '',
    async (page) => {
      await page.getByTestId('file-input').setInputFiles(csv);
      await page.locator('[data-testid=file-card][data-state=ready]').waitFor({ timeout: 60_000 });
      await page.getByTestId('add-to-catalog').click();
      await page.getByTestId('add-table').fill('big');
      const t0 = Date.now();
      await page.getByTestId('confirm-add').click();
      await page.getByTestId('open-in-catalog').waitFor({ timeout: 300_000 });
      const copyMs = Date.now() - t0;
      await page.getByTestId('open-in-catalog').click();
      await page.getByTestId('tab-data').click();
      const t1 = Date.now();
      await page
        .getByTestId('virtual-grid')
        .locator('[data-row="0"]')
        .filter({ hasNotText: '…' })
        .waitFor({ timeout: 300_000 });
      const firstRowsMs = Date.now() - t1;
      await takeLongTasks(page);
      const middle = await jumpTo(page, 0.5);
      const end = await jumpTo(page, 1);
      // Then what a user skimming does: wheel turns up from the end, and back to the top.
      const grid = page.getByTestId('virtual-grid');
      await grid.hover();
      for (let i = 0; i < 100; i++) await page.mouse.wheel(0, -600);
      await jumpTo(page, 0);
      const longTasks = await takeLongTasks(page);
      const rows = await page.getByTestId('row-count').innerText();
      console.log(
        `Data tab over a ${ROWS.toLocaleString('en-US')}-row CSV table (${rows}):\n` +
          `  add to catalog (copy into OPFS): ${(copyMs / 1000).toFixed(1)} s\n` +
          `  open Data tab → first rows drawn: ${(firstRowsMs / 1000).toFixed(1)} s (reads the table once into the engine)\n` +
          `  jump to the middle (row ${middle.row.toLocaleString('en-US')}) → drawn: ${middle.ms.toFixed(0)} ms\n` +
          `  jump to the end (row ${end.row.toLocaleString('en-US')}) → drawn: ${end.ms.toFixed(0)} ms\n` +
          `  main thread while scrolling: ${longTasks.count} tasks over 50 ms, longest ${Math.round(longTasks.longestMs)} ms`,
      );
      const n = `${ROWS.toLocaleString('en-US')}-row`;
      await writeFigures(OUT, 'catalog-scroll', [
        {
          section: 'scroll',
          label: `${n} grid: jump to the middle → drawn`,
          unit: 'ms',
          runs: [middle.ms],
        },
        {
          section: 'scroll',
          label: `${n} grid: jump to the end → drawn`,
          unit: 'ms',
          runs: [end.ms],
        },
        {
          section: 'main thread',
          label: `long tasks scrolling the ${n} grid`,
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
