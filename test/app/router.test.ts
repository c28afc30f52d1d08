import { describe, expect, it } from 'vitest';
import { hashFromRoute, routeFromHash, type Route } from '../../src/app/routes';

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
});
