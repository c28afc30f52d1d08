import { describe, expect, it } from 'vitest';
import { hashFromRoute, readHash, routeFromHash, type Route } from '../../src/app/routes';

describe('routes ↔ hashes', () => {
  const routes: [string, Route][] = [
    ['#/convert', { area: 'convert' }],
    ['#/catalog/sales%20db/orders', { area: 'catalog', database: 'sales db', table: 'orders' }],
    ['#/jobs', { area: 'jobs' }],
    ['#/jobs/daily%2Frevenue', { area: 'jobs', job: 'daily/revenue' }],
    ['#/jobs/j/runs/r-1', { area: 'jobs', job: 'j', run: 'r-1' }],
    ['#/schedule', { area: 'schedule' }],
    ['#/schedule/workflows/nightly', { area: 'schedule', workflow: 'nightly' }],
    ['#/runs', { area: 'runs' }],
    ['#/crawl', { area: 'crawl' }],
    ['#/crawl/nightly%20lake', { area: 'crawl', crawler: 'nightly lake' }],
    ['#/package', { area: 'package' }],
    // A share link: the fragment is the package, kept whole (it is not a path).
    ['#package=eyJ2IjoxfQ', { area: 'package', link: 'package=eyJ2IjoxfQ' }],
  ];
  it.each(routes)('%s', (hash, route) => {
    expect(routeFromHash(hash)).toEqual(
      Object.fromEntries(Object.entries(route).filter(([, v]) => v !== undefined)),
    );
    expect(hashFromRoute(route)).toBe(hash);
  });
  it('an unknown hash lands on Quick convert', () => {
    expect(routeFromHash('#/nowhere')).toEqual({ area: 'convert' });
  });
  it.each(['#/catalog/%E0%A4%A', '#/jobs/%', '#/schedule/workflows/%zz'])(
    'a malformed link (%s) lands on Quick convert with a notice, never a throw',
    (hash) => {
      expect(routeFromHash(hash)).toEqual({ area: 'convert' });
      const read = readHash(hash);
      expect(read.route).toEqual({ area: 'convert' });
      expect(read.notice).toBe(
        `The link ${JSON.stringify(hash)} is malformed (a broken %-escape), so Decant opened on its home page.`,
      );
    },
  );
  it('a well-formed link has no notice', () => {
    expect(readHash('#/catalog/sales%20db')).toEqual({
      route: { area: 'catalog', database: 'sales db', table: undefined },
    });
  });
});
