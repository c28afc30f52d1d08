// The built app in a fresh headless Chromium page, for the benchmarks that drive the UI.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../test/support/chromium';
import { serveStatic } from '../../test/support/static-server';
import { buildApp } from './in-tab';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUT = join(ROOT, 'bench/out');

/**
 * Builds the app into bench/out/dist (unless BENCH_SKIP_BUILD=1), serves it on loopback, opens
 * `hash` in a new browser context (`prepare` runs on the page first: e.g. recordLongTasks), waits
 * for the engine (not timed), runs `use`, and closes all.
 */
export async function withAppPage<T>(
  hash: string,
  use: (page: Page) => Promise<T>,
  prepare: (page: Page) => Promise<void> = async () => {},
): Promise<T> {
  const dist = join(OUT, 'dist');
  if (process.env.BENCH_SKIP_BUILD !== '1') await buildApp(ROOT, dist);
  const { url, server } = await serveStatic(dist);
  const browser = await chromium.launch({
    executablePath: await findChromium(),
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await prepare(page);
    await page.goto(`${url}/${hash}`);
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    return await use(page);
  } finally {
    await browser.close();
    server.close();
  }
}
