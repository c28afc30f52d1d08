// A 10M-row table in the catalog, scrolled in the Data tab of the real app (headless Chromium):
// how long until the first rows show, and how long a jump to the middle and to the end takes to
// draw. Prints the numbers; asserts nothing about time.
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/support/chromium';
import { serveStatic } from '../test/support/static-server';
import { buildApp } from './lib/in-tab';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench/out');
const ROWS = Number(process.env.BENCH_SCROLL_ROWS ?? 10_000_000);

async function ensureCsv(path: string): Promise<void> {
  if ((await stat(path).catch(() => null))?.size) return;
  const out = createWriteStream(path);
  out.write('id,name,amount\n');
  for (let i = 0; i < ROWS; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(ROWS, i + 10_000); j++)
      chunk += `${j},name ${j % 9973},${(j % 10007) / 100}\n`;
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

/** Scrolls the grid so row `index` is at the top and waits until that row's cells are drawn. */
async function jumpTo(page: Page, index: number): Promise<number> {
  return page.evaluate(async (i) => {
    const grid = document.querySelector<HTMLElement>('[data-testid=virtual-grid]')!;
    const t0 = performance.now();
    grid.scrollTop = i * 28;
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const row = grid.querySelector(`[data-row="${i}"]`);
      if (row && !row.textContent?.includes('…')) return performance.now() - t0;
    }
  }, index);
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const csv = join(OUT, `scroll-${ROWS}.csv`);
  await ensureCsv(csv);
  const dist = join(OUT, 'dist');
  if (process.env.BENCH_SKIP_BUILD !== '1') await buildApp(ROOT, dist);
  const { url, server } = await serveStatic(dist);
  const browser = await chromium.launch({
    executablePath: await findChromium(),
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
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
    const middle = await jumpTo(page, Math.floor(ROWS / 2));
    const end = await jumpTo(page, ROWS - 20);
    const rows = await page.getByTestId('row-count').innerText();
    console.log(
      `Data tab over a ${ROWS.toLocaleString('en-US')}-row CSV table (${rows}):\n` +
        `  add to catalog (copy into OPFS): ${(copyMs / 1000).toFixed(1)} s\n` +
        `  open Data tab → first rows drawn: ${(firstRowsMs / 1000).toFixed(1)} s (reads the table once into the engine)\n` +
        `  jump to the middle → drawn: ${middle.toFixed(0)} ms; to the end → drawn: ${end.toFixed(0)} ms`,
    );
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
