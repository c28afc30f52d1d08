import { describe, expect, it } from 'vitest';
import { runDuration, runHref, type RunRow } from '../../src/app/run-rows';
import { routeFromHash } from '../../src/app/routes';
import { UNSAVED } from '../../src/crawler';

describe('where a run on the Runs page links to', () => {
  it('a job run opens that run of that job', () => {
    expect(runHref('job', 'daily/revenue', 'run-7')).toBe('#/jobs/daily%2Frevenue/runs/run-7');
    expect(routeFromHash(runHref('job', 'daily/revenue', 'run-7'))).toEqual({
      area: 'jobs',
      job: 'daily/revenue',
      run: 'run-7',
    });
  });
  it("a crawler run opens the saved crawler (with its runs); an unsaved crawl, the crawlers' page", () => {
    expect(routeFromHash(runHref('crawler', 'nightly lake', 'c-1'))).toEqual({
      area: 'crawl',
      crawler: 'nightly lake',
    });
    expect(runHref('crawler', UNSAVED, 'c-2')).toBe('#/crawl');
  });
  it('a workflow run opens the workflow', () => {
    expect(routeFromHash(runHref('workflow', 'etl', 'w-1'))).toEqual({
      area: 'schedule',
      workflow: 'etl',
    });
  });
});

describe('a run’s duration', () => {
  const row: RunRow = {
    kind: 'crawler',
    id: 'c',
    name: 'x',
    state: 'SUCCEEDED',
    startedAt: 0,
    href: '',
  };
  it('is its work time when recorded (a plan waiting for Commit is not counted)', () => {
    expect(runDuration({ ...row, endedAt: 600_000, activeMs: 1_500 })).toBe(1_500);
  });
  it('is its span otherwise, and undefined while it runs', () => {
    expect(runDuration({ ...row, endedAt: 4_000 })).toBe(4_000);
    expect(runDuration({ ...row, state: 'RUNNING' })).toBeUndefined();
  });
});
