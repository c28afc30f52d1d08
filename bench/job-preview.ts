// A job node's data preview over a 1 GB catalog table, in the real app (headless Chromium): the
// 1 GB orders CSV is crawled into the catalog (a copy kept in OPFS), a job of catalog source →
// Filter → Aggregate is built on the canvas, and each node's preview is timed from the click to
// rows on screen. Previews read the first 100,000 rows of each source, as Glue Studio's sample.
// Prints numbers; asserts nothing on time.
import type { Page } from 'playwright-core';
import { OUT, withAppPage } from './lib/app-page';
import { ensureCsv } from './lib/csv';

const ROWS = Number(process.env.BENCH_PREVIEW_ROWS ?? 11_000_000);

async function main() {
  const csv = await ensureCsv(OUT, ROWS);
  await withAppPage('#/crawl', async (page) => {
    await page.getByTestId('crawl-files-input').setInputFiles(csv.path);
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('big');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('crawl-plan').waitFor({ timeout: 600_000 });
    const table = (await page.getByTestId('plan-table').first().innerText()).split('\t')[0]!;
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor({ timeout: 600_000 });

    const panel = () => page.getByTestId('node-panel');
    const palette = (title: string) =>
      page.getByTestId('node-palette').getByRole('button', { name: title, exact: true });
    const settled = () =>
      page.waitForFunction(
        () =>
          !/Checking/.test(
            document.querySelector('[data-testid=editor-status]')?.textContent ?? '',
          ),
        undefined,
        { timeout: 120_000 },
      );
    await page.goto(page.url().replace(/#.*$/, '#/jobs'));
    await page.getByTestId('new-job-name').fill('preview bench');
    await page.getByTestId('create-job').click();
    await palette('Data Catalog table').click();
    await panel().getByLabel('Database', { exact: true }).selectOption('big');
    await panel().getByLabel('Table', { exact: true }).selectOption(table.split('.')[1]!);
    await palette('Filter').click();
    await panel().getByRole('button', { name: 'Add a condition' }).click();
    await panel().getByLabel('Column', { exact: true }).fill('quantity');
    await panel().getByLabel('Operator', { exact: true }).selectOption('GT');
    await panel().getByLabel('Value', { exact: true }).fill('2');
    await settled();
    await palette('Aggregate').click();
    await settled();
    await panel()
      .getByRole('checkbox', { name: /^country( |$)/ })
      .check();
    await panel().getByRole('button', { name: 'Add an aggregation' }).click();
    await panel().getByLabel('Column', { exact: true }).fill('amount');
    await panel().getByLabel('Function', { exact: true }).selectOption('sum');
    await settled();
    const lines: string[] = [];
    for (const id of ['catalog-source-1', 'filter-1', 'aggregate-1'])
      lines.push(await preview(page, id));
    console.log(
      `Preview over a ${(csv.bytes / 1e6).toFixed(0)} MB catalog table (${table}):\n  ${lines.join('\n  ')}`,
    );
  });
}

/** Selects the node, asks for its preview, and times the click until its first row is drawn. */
async function preview(page: Page, id: string): Promise<string> {
  await page
    .locator(`.svelte-flow__node[data-id="${id}"] [data-testid=job-node]`)
    .click({ position: { x: 60, y: 12 } });
  const t0 = Date.now();
  await page.getByTestId('node-panel').getByTestId('preview-node').click();
  const row = page
    .getByTestId('preview-panel')
    .getByTestId('virtual-grid')
    .locator('[data-row]')
    .first();
  await row.waitFor({ timeout: 120_000 });
  await page.waitForFunction(
    (el) => !!el && !el.textContent?.includes('…'),
    await row.elementHandle(),
    { timeout: 120_000 },
  );
  const meta = await page.getByTestId('preview-meta').innerText();
  return `${id}: ${Date.now() - t0} ms to rows on screen (${meta})`;
}

await main();
