import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_GRAPH_FILE, type ChunkNode } from '../../scripts/build/chunk-graph';
import { openApp, type AppPage } from './app-page';

// The directory global-setup.ts built the app into.
const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = process.env.DECANT_E2E_OUT ?? join(root, 'dist');

/** Libraries only some areas use: none of them may be evaluated at app start. */
const HEAVY: Record<string, RegExp> = {
  'zip.js (open a package)': /^node_modules\/@zip\.js\//,
  '@xyflow (job canvas, workflow graph)': /^node_modules\/@xyflow\//,
  'dagre (graph layout)': /^node_modules\/@dagrejs\//,
  'uPlot (profile and run charts)': /^node_modules\/uplot\//,
  'CodeMirror (SQL editor)': /^node_modules\/@codemirror\//,
  'hyparquet (package preview)': /^node_modules\/hyparquet/,
};

/** The pages loaded on first visit (src/ui/lazy/pages.ts), likewise. */
const LAZY_PAGES = [
  'src/ui/catalog/CatalogView.svelte',
  'src/ui/crawl/CrawlView.svelte',
  'src/ui/query/QueryView.svelte',
  'src/ui/jobs/JobsView.svelte',
  'src/ui/schedule/ScheduleView.svelte',
  'src/ui/schedule/WorkflowView.svelte',
  'src/ui/runs/RunsView.svelte',
  'src/ui/share/PackageView.svelte',
];

const graph = () =>
  JSON.parse(readFileSync(join(dist, CHUNK_GRAPH_FILE), 'utf8')) as Record<string, ChunkNode>;

/** `chunks` and every chunk they import statically, transitively. */
function staticClosure(g: Record<string, ChunkNode>, chunks: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...chunks];
  while (todo.length > 0) {
    const c = todo.pop()!;
    if (seen.has(c)) continue;
    seen.add(c);
    todo.push(...(g[c]?.imports ?? []));
  }
  return seen;
}

/** The heavy libraries and lazy pages among the modules of `chunks`: "<what>: <module>". */
function heavyIn(g: Record<string, ChunkNode>, chunks: Iterable<string>): string[] {
  const found: string[] = [];
  for (const c of chunks)
    for (const m of g[c]?.modules ?? []) {
      for (const [what, re] of Object.entries(HEAVY)) if (re.test(m)) found.push(`${what}: ${m}`);
      if (LAZY_PAGES.includes(m)) found.push(`lazy page: ${m}`);
    }
  return found;
}

describe('What the app evaluates at start', () => {
  it('has none of the heavy libraries or lazy pages on its start path', () => {
    const g = graph();
    // The page's own script, then the app main.ts imports at once (src/mount-app.ts).
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(entry, 'index.html has a module script').toBeDefined();
    expect(g[entry!]?.modules).toContain('src/main.ts');
    const mountApp = Object.keys(g).find((c) => g[c]!.modules.includes('src/mount-app.ts'));
    expect(mountApp, 'a chunk holds src/mount-app.ts').toBeDefined();
    const start = staticClosure(g, [entry!, mountApp!]);
    expect(heavyIn(g, start)).toEqual([]);

    // Not vacuous: every library and page is in the build, in a chunk of its own path.
    const all = Object.values(g).flatMap((c) => c.modules);
    for (const [what, re] of Object.entries(HEAVY))
      expect(
        all.some((m) => re.test(m)),
        what,
      ).toBe(true);
    for (const p of LAZY_PAGES) expect(all, p).toContain(p);
  });

  it('loads none of them in the browser before the first screen is ready', async () => {
    const app = await openApp();
    try {
      const { page } = app;
      await page.getByTestId('file-input').waitFor({ state: 'attached' });
      const loaded = await scriptsLoaded(page);
      const g = graph();
      expect(loaded.filter((c) => g[c] !== undefined).length).toBeGreaterThan(1);
      expect(heavyIn(g, loaded)).toEqual([]);
    } finally {
      await app.browser.close();
    }
  });
});

/** The app's script chunks the page has fetched so far, as `assets/x.js`. */
const scriptsLoaded = (page: Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname.slice(1))
      .filter((p) => /^assets\/[^/]+\.js$/.test(p)),
  );

describe('Areas loaded on first visit', () => {
  let app: AppPage;
  beforeAll(async () => {
    app = await openApp();
  });
  afterAll(async () => {
    await app?.browser.close();
  });

  /** Opens `area` from the navigation with the keyboard; the link keeps the focus. */
  async function openFromNav(page: Page, label: string) {
    const link = page.getByRole('navigation', { name: 'Areas' }).getByRole('link', {
      name: label,
      exact: true,
    });
    await link.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => link.getAttribute('aria-current')).toBe('page');
    return link;
  }

  it('opens each area with its content, focus kept on the link that opened it', async () => {
    const { page, consoleErrors } = app;
    const areas: [label: string, content: () => Promise<void>][] = [
      ['Catalog', () => page.getByRole('heading', { name: 'Data Catalog', level: 1 }).waitFor()],
      ['Crawlers', () => page.getByTestId('crawl-form-title').waitFor()],
      ['Query', () => page.getByTestId('sql-editor').waitFor()],
      ['Jobs', () => page.getByTestId('jobs-list').waitFor()],
      ['Schedule', () => page.getByRole('heading', { name: 'Schedule', level: 1 }).waitFor()],
      ['Runs', () => page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor()],
    ];
    const next: Record<string, string> = {
      Catalog: 'Crawlers',
      Crawlers: 'Query',
      Query: 'Jobs',
      Jobs: 'Schedule',
      Schedule: 'Runs',
      Runs: 'Tour',
    };
    for (const [label, content] of areas) {
      const link = await openFromNav(page, label);
      await content();
      expect(await page.getByTestId('view-load-error').count(), label).toBe(0);
      // The page arrived without taking the focus away (nor dropping it on <body>).
      expect(await link.evaluate((el) => el === document.activeElement), label).toBe(true);
      // The next Tab goes on from the link (to the next link, after the last to the Tour
      // button), not from the top of the document.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim()), label).toBe(
        next[label],
      );
    }
    expect(consoleErrors).toEqual([]);
  });

  it('opens the job canvas, a workflow and a package page, each loading its own libraries', async () => {
    const { page, url, consoleErrors } = app;
    const g = graph();
    const loadedHeavy = async () => heavyIn(g, await scriptsLoaded(page)).join('\n');

    await openFromNav(page, 'Jobs');
    await page.getByTestId('new-job-name').fill('lazy canvas');
    await page.getByTestId('create-job').click();
    await page.getByTestId('job-editor').waitFor();
    await page.locator('.svelte-flow').first().waitFor();
    expect(await loadedHeavy()).toContain('@xyflow');

    await page.goto(`${url}/#/schedule/workflows/nightly`);
    await page.getByRole('heading', { name: 'Workflow nightly', level: 1 }).waitFor();
    expect(await page.getByText('There is no workflow "nightly".').count()).toBe(1);

    await page.goto(`${url}/#/query`);
    // The editor's content is CodeMirror's own element.
    await page.locator('.cm-content[data-testid=sql-editor]').waitFor();
    expect(await loadedHeavy()).toContain('CodeMirror');

    await page.goto(`${url}/#/package`);
    await page.locator('.package').waitFor();
    expect(await page.getByTestId('view-load-error').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});
