import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, queryRows, type AppPage } from './app-page';

const ROWS = 1_000_000;

describe('The virtual grid while scrolling', () => {
  let app: AppPage;
  beforeAll(async () => {
    app = await openApp();
  });
  afterAll(async () => {
    await app?.browser.close();
  });

  it('draws the rows of a jump far away in the row elements it already had', async () => {
    const { page, url, consoleErrors } = app;
    await queryRows(page, url, `SELECT i, i * 2 AS twice FROM range(${ROWS}) t(i) ORDER BY i`);
    const grid = page.getByTestId('virtual-grid');
    // Tag every row element drawn now.
    const before = await grid.evaluate((g) => {
      const rows = [...g.querySelectorAll<HTMLElement>('[data-row]')];
      rows.forEach((r, k) => (r.dataset.tag = String(k)));
      return rows.length;
    });
    expect(before).toBeGreaterThan(10);

    // Halfway down, as a dragged scrollbar does.
    await grid.evaluate((g) => (g.scrollTop = (g.scrollHeight - g.clientHeight) / 2));
    await expect
      .poll(() => grid.evaluate((g) => g.querySelector<HTMLElement>('[data-row]')?.dataset.row))
      .not.toBe('0');
    await expect.poll(() => grid.innerText()).not.toContain('…');

    const drawn = await grid.evaluate((g) =>
      [...g.querySelectorAll<HTMLElement>('[data-row]')].map((r) => ({
        row: Number(r.dataset.row),
        tag: r.dataset.tag,
        cells: [...r.querySelectorAll('.cell')].map((c) => c.textContent),
        number: r.querySelector('.rn')?.textContent,
      })),
    );
    // The right rows: each shows its own values and number, in order.
    expect(drawn[0]!.row).toBeGreaterThan(ROWS / 2 - 100);
    for (const [k, d] of drawn.entries()) {
      expect(d.row).toBe(drawn[0]!.row + k);
      expect(d.cells).toEqual([String(d.row), String(d.row * 2)]);
      expect(d.number).toBe((d.row + 1).toLocaleString('en-US'));
    }
    // …drawn in the same elements: every one drawn before the jump is still in use (more are
    // drawn here than at the top, which has no rows above it).
    const kept = new Set(drawn.map((d) => d.tag).filter((t) => t !== undefined));
    expect(kept.size).toBe(before);
    expect(consoleErrors).toEqual([]);
  });
});
