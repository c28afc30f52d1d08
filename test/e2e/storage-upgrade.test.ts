import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppPage } from './app-page';
import { CATALOG_DB_VERSION } from '../../src/storage/schema';

// Issue 16 items 6 and 7: a tab left behind by an upgrade, and links that cannot be read.
let app: AppPage;

beforeAll(async () => {
  app = await openApp();
}, 120_000);

afterAll(async () => {
  await app?.browser.close();
});

describe('an upgrade in another tab', () => {
  it('asks the old tab to reload, and its saves say why they fail', async () => {
    const { page, url } = app;
    await page.goto(`${url}/#/catalog`);
    await page.getByLabel('New database').waitFor();

    // Tab B: a newer Decant opens the same database at the next version.
    const second = await page.context().newPage();
    await second.goto(`${url}/#/catalog`);
    const opened = await second.evaluate(
      (version) =>
        new Promise<number>((resolve, reject) => {
          const request = indexedDB.open('decant', version);
          request.onsuccess = () => {
            request.result.close();
            resolve(request.result.version);
          };
          request.onerror = () => reject(new Error(String(request.error)));
          request.onblocked = () => reject(new Error('blocked by an older tab'));
        }),
      CATALOG_DB_VERSION + 1,
    );
    expect(opened).toBe(CATALOG_DB_VERSION + 1);

    const banner = page.getByTestId('storage-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.innerText()).toContain('Decant was updated in another tab — reload');
    await banner.getByRole('button', { name: 'Reload' }).waitFor();

    // A save in the old tab: the same words, not a raw InvalidStateError, and nothing stored.
    await page.getByLabel('New database').fill('after the upgrade');
    await page.getByRole('button', { name: 'Create' }).click();
    const alert = page.locator('p.error[role=alert]');
    await alert.waitFor({ timeout: 10_000 });
    const message = await alert.innerText();
    expect(message).toContain('Decant was updated in another tab — reload');
    expect(message).not.toContain('InvalidStateError');
    await second.close();
  });

  it('an old build opening the newer database says so in words', async () => {
    const { page, url } = app;
    await page.goto(`${url}/#/catalog`);
    await page.reload();
    const banner = page.getByTestId('storage-banner');
    await banner.waitFor({ timeout: 10_000 });
    const text = await banner.innerText();
    expect(text).toContain(
      `it was saved by a newer Decant (storage version ${CATALOG_DB_VERSION + 1}; this page knows version ${CATALOG_DB_VERSION})`,
    );
    expect(text).toContain('reload it');
  });
});

describe('malformed links', () => {
  it.each(['#/catalog/%E0%A4%A', '#/jobs/%'])(
    '%s opens the home area with a notice',
    async (hash) => {
      // A context of its own: the tests above leave this one's database at a newer version.
      const context = await app.page.context().browser()!.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.url}/${hash}`);
      const notice = page.getByTestId('link-notice');
      await notice.waitFor({ timeout: 10_000 });
      expect(await notice.innerText()).toContain(`The link "${hash}" is malformed`);
      // The app is there: its areas, the home one current.
      expect(
        await page.getByRole('link', { name: 'Quick convert' }).getAttribute('aria-current'),
      ).toBe('page');
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
