// How the Catalog area copes with a big catalog, in the real app in headless Chromium: 1,000
// tables with 50,000 columns are imported once through the UI (Glue JSON), then the page is
// reloaded and timed until every table is in the navigation, and search is timed per keystroke.
// Prints medians; asserts nothing about time.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OUT, withAppPage } from './lib/app-page';
import { catalogExport } from '../src/catalog/glue-export';
import type { CatalogDatabase, CatalogTable } from '../src/catalog/model';
import { median } from './lib/stats';

const DATABASES = 10;
const TABLES_PER_DB = 100;
const COLUMNS = 50;
const TYPES = ['BIGINT', 'DOUBLE', 'VARCHAR', 'TIMESTAMP', 'BOOLEAN', 'DATE'];

function bigCatalog() {
  const now = Date.now();
  const databases: CatalogDatabase[] = [];
  const tables: CatalogTable[] = [];
  for (let d = 0; d < DATABASES; d++) {
    const database = `db_${d}`;
    databases.push({ name: database, description: '', createdAt: now, updatedAt: now });
    for (let t = 0; t < TABLES_PER_DB; t++) {
      tables.push({
        database,
        name: `table_${d}_${t}`,
        description: '',
        classification: 'csv',
        sources: [],
        columns: Array.from({ length: COLUMNS }, (_, c) => ({
          name: `col_${t}_${c}`,
          type: TYPES[c % TYPES.length]!,
          comment: '',
        })),
        partitionKeys: [],
        parameters: { delimiter: ',', header: true },
        updatedBy: { kind: 'user' },
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
    }
  }
  return catalogExport(databases, tables);
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const docPath = join(OUT, 'catalog-1000.json');
  await writeFile(docPath, JSON.stringify(bigCatalog()));
  await withAppPage('#/catalog', async (page) => {
    await page.getByLabel('New database').waitFor();
    await page.getByTestId('import-input').setInputFiles(docPath);
    await page.getByTestId('apply-import').click();
    const total = DATABASES * TABLES_PER_DB;
    const allListed = (n: number) =>
      document.querySelectorAll('[data-testid=table-link]').length >= n;
    await page.waitForFunction(allListed, total, { timeout: 120_000 });

    const opens: number[] = [];
    const fromAppStart: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.reload();
      await page.waitForFunction(allListed, total, { timeout: 60_000, polling: 'raf' });
      const [fromNavigation, fromStart] = await page.evaluate(() => {
        const now = performance.now();
        const start = performance.getEntriesByName('decant-start')[0]?.startTime ?? 0;
        return [now, now - start];
      });
      opens.push(fromNavigation);
      fromAppStart.push(fromStart);
    }

    const searches: number[] = [];
    for (const q of ['col_7_', 'table_3_4', 'db_9', 'col_99_49', 'zzz', 'col_1']) {
      searches.push(
        await page.evaluate(async (text) => {
          const input = document.querySelector<HTMLInputElement>('[data-testid=catalog-search]')!;
          input.value = '';
          input.dispatchEvent(new Event('input', { bubbles: true }));
          await new Promise((r) => requestAnimationFrame(r));
          const t0 = performance.now();
          input.value = text;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          // Done when the results list shows hits, or says nothing matches.
          for (;;) {
            await new Promise((r) => requestAnimationFrame(r));
            const list = document.querySelector('[data-testid=search-results]');
            if (list && list.children.length > 0) return performance.now() - t0;
          }
        }, q),
      );
    }
    console.log(
      `Catalog of ${total.toLocaleString('en-US')} tables, ${(total * COLUMNS).toLocaleString('en-US')} columns, in Chromium:\n` +
        `  page load → every table listed: median ${median(opens).toFixed(0)} ms (runs ${opens.map((x) => x.toFixed(0)).join(' / ')})\n` +
        `  app start → every table listed: median ${median(fromAppStart).toFixed(0)} ms (runs ${fromAppStart.map((x) => x.toFixed(0)).join(' / ')})\n` +
        `  search, keystroke → results drawn: median ${median(searches).toFixed(1)} ms (runs ${searches.map((x) => x.toFixed(1)).join(' / ')})`,
    );
  });
}

await main();
