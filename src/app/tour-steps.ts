/**
 * The sample-data walkthrough as data: its steps, what each asks, which control it points at,
 * and when the user has done it — pure functions of a snapshot of the app, so they are tested in
 * Node and the tour (tour.svelte.ts) only watches and advances.
 */
import { newJob, type Job } from '../jobs';
import type { Route } from './routes';

export type TourStepId = 'crawl' | 'catalog' | 'job' | 'run' | 'schedule';

export const TOUR_STEPS: readonly TourStepId[] = ['crawl', 'catalog', 'job', 'run', 'schedule'];

/** The prepared job's name. */
export const SAMPLE_JOB = 'rainy days';
/** The catalog table the prepared job writes (in the sample tables' database). */
export const SAMPLE_OUTPUT_TABLE = 'rainy_days';

/** What the steps look at; tables are reduced to what the tour needs. */
export interface TourSnapshot {
  route: Route;
  tables: readonly { database: string; name: string; columns: readonly { name: string }[] }[];
  /** States of the prepared job's runs known to this tab. */
  sampleRunStates: readonly string[];
}

/** The crawled weather table: the one with the sample's rain column, whatever it was named. */
export function weatherTableOf(
  tables: TourSnapshot['tables'],
): { database: string; name: string } | undefined {
  return tables.find(
    (t) => t.name !== SAMPLE_OUTPUT_TABLE && t.columns.some((c) => c.name === 'precipitation_mm'),
  );
}

/** True once the user has done what `step` asks. */
export function stepDone(step: TourStepId, s: TourSnapshot): boolean {
  const r = s.route;
  switch (step) {
    case 'crawl':
      return weatherTableOf(s.tables) !== undefined;
    case 'catalog': {
      const w = weatherTableOf(s.tables);
      return r.area === 'catalog' && w !== undefined && r.table === w.name;
    }
    case 'job':
      return r.area === 'jobs' && r.job === SAMPLE_JOB;
    case 'run':
      return s.sampleRunStates.includes('SUCCEEDED');
    case 'schedule':
      return r.area === 'schedule';
  }
}

/**
 * The control a step points at, as CSS selectors tried in order (the first on the page wins):
 * the area's link in the top bar until the user is there, then the control to use.
 */
export function stepTargets(step: TourStepId, s: TourSnapshot): string[] {
  const nav = (area: string) => `nav[aria-label="Areas"] a[href="#/${area}"]`;
  const r = s.route;
  switch (step) {
    case 'crawl':
      return r.area === 'crawl'
        ? ['[data-testid="commit-crawl"]', '[data-testid="run-crawl"]']
        : [nav('crawl')];
    case 'catalog': {
      const w = weatherTableOf(s.tables);
      return r.area === 'catalog' && w
        ? [`a[href="#/catalog/${encodeURIComponent(w.database)}/${encodeURIComponent(w.name)}"]`]
        : [nav('catalog')];
    }
    case 'job':
      return r.area === 'jobs'
        ? [`a[href="#/jobs/${encodeURIComponent(SAMPLE_JOB)}"]`]
        : [nav('jobs')];
    case 'run':
      return r.area === 'jobs' && r.job === SAMPLE_JOB
        ? ['[data-testid="run-job"]']
        : [`a[href="#/jobs/${encodeURIComponent(SAMPLE_JOB)}"]`, nav('jobs')];
    case 'schedule':
      return r.area === 'schedule' ? ['#schedule-title'] : [nav('schedule')];
  }
}

/**
 * The prepared job over the crawled weather table: rainy days (precipitation > 0), counted and
 * summed per city and month, written as Parquet into the browser's storage and registered in the
 * catalog as `<database>.rainy_days`, next to the tables it reads.
 */
export function sampleJob(weather: { database: string; name: string }): Job {
  return {
    ...newJob(SAMPLE_JOB),
    description: 'Rainy days per city and month, from the sample weather table (the tour).',
    nodes: [
      {
        id: 'weather',
        kind: 'catalog-source',
        name: weather.name,
        options: { database: weather.database, table: weather.name },
        position: { x: 0, y: 0 },
      },
      {
        id: 'rainy',
        kind: 'filter',
        name: 'precipitation_mm > 0',
        options: {
          filter: {
            combine: 'AND',
            clauses: [
              { column: 'precipitation_mm', op: 'GT', value: { kind: 'constant', value: '0' } },
            ],
          },
        },
        position: { x: 260, y: 0 },
      },
      {
        id: 'per-month',
        kind: 'aggregate',
        name: 'rain per city and month',
        options: {
          groupBy: ['city_id', 'month'],
          aggregations: [
            { column: '*', fn: 'count', as: 'rainy_days' },
            { column: 'precipitation_mm', fn: 'sum', as: 'rain_mm' },
          ],
        },
        position: { x: 520, y: 0 },
      },
      {
        id: 'out',
        kind: 'target',
        name: 'rainy days',
        options: {
          format: { kind: 'parquet' },
          partitionKeys: [],
          destination: 'opfs',
          path: 'rainy-days',
          catalog: { database: weather.database, table: SAMPLE_OUTPUT_TABLE },
        },
        position: { x: 780, y: 0 },
      },
    ],
    edges: [
      { from: 'weather', to: 'rainy', port: 0 },
      { from: 'rainy', to: 'per-month', port: 0 },
      { from: 'per-month', to: 'out', port: 0 },
    ],
  };
}
