import { describe, expect, it } from 'vitest';
import { validateJob } from '../../src/jobs';
import {
  SAMPLE_JOB,
  sampleJob,
  stepDone,
  stepTargets,
  weatherTableOf,
  type TourSnapshot,
} from '../../src/app/tour-steps';

const weather = {
  database: 'default',
  name: 'samples_weather',
  columns: ['date', 'city_id', 'temp_max', 'temp_min', 'precipitation_mm', 'wind_kmh'].map(
    (name) => ({ name }),
  ),
};
const cities = {
  database: 'default',
  name: 'samples_cities',
  columns: ['city_id', 'city'].map((name) => ({ name })),
};

const at = (over: Partial<TourSnapshot>): TourSnapshot => ({
  route: { area: 'convert' },
  tables: [],
  sampleRunStates: [],
  ...over,
});

describe('tour steps', () => {
  it('finds the crawled weather table by its rain column, whatever its name', () => {
    expect(weatherTableOf([cities, weather])).toBe(weather);
    expect(weatherTableOf([cities])).toBeUndefined();
  });

  it('is done with the crawl once the weather table is in the catalog', () => {
    expect(stepDone('crawl', at({ tables: [cities] }))).toBe(false);
    expect(stepDone('crawl', at({ tables: [cities, weather] }))).toBe(true);
  });

  it('is done with the catalog once the weather table is open', () => {
    const tables = [cities, weather];
    expect(stepDone('catalog', at({ tables, route: { area: 'catalog' } }))).toBe(false);
    const open = { area: 'catalog', database: 'default', table: 'samples_weather' } as const;
    expect(stepDone('catalog', at({ tables, route: open }))).toBe(true);
  });

  it('is done with the job once it is open, with the run once one SUCCEEDED', () => {
    expect(stepDone('job', at({ route: { area: 'jobs' } }))).toBe(false);
    expect(stepDone('job', at({ route: { area: 'jobs', job: SAMPLE_JOB } }))).toBe(true);
    expect(stepDone('run', at({ sampleRunStates: ['RUNNING', 'FAILED'] }))).toBe(false);
    expect(stepDone('run', at({ sampleRunStates: ['FAILED', 'SUCCEEDED'] }))).toBe(true);
    expect(stepDone('schedule', at({ route: { area: 'schedule' } }))).toBe(true);
  });

  it('points at the area link until the user is there, then at the control to use', () => {
    expect(stepTargets('crawl', at({}))).toEqual(['nav[aria-label="Areas"] a[href="#/crawl"]']);
    expect(stepTargets('crawl', at({ route: { area: 'crawl' } }))[1]).toBe(
      '[data-testid="run-crawl"]',
    );
    expect(stepTargets('catalog', at({ tables: [weather], route: { area: 'catalog' } }))).toEqual([
      'a[href="#/catalog/default/samples_weather"]',
    ]);
    expect(stepTargets('run', at({ route: { area: 'jobs', job: SAMPLE_JOB } }))).toEqual([
      '[data-testid="run-job"]',
    ]);
  });

  it('prepares a valid job: filter, aggregate, Parquet into the catalog next to its source', () => {
    const job = sampleJob(weather);
    expect(job.nodes.map((n) => n.kind)).toEqual([
      'catalog-source',
      'filter',
      'aggregate',
      'target',
    ]);
    const issues = validateJob(job, {
      tables: [
        {
          database: 'default',
          name: 'samples_weather',
          columns: weather.columns.map((c) => ({
            name: c.name,
            type: c.name === 'date' ? 'DATE' : c.name === 'city_id' ? 'BIGINT' : 'DOUBLE',
          })),
          partitionKeys: [
            { name: 'year', type: 'BIGINT' },
            { name: 'month', type: 'BIGINT' },
          ],
          partitions: [],
        },
      ],
    });
    expect(issues).toEqual([]);
    const target = job.nodes.find((n) => n.kind === 'target')!;
    expect(target.options).toMatchObject({
      destination: 'opfs',
      format: { kind: 'parquet' },
      catalog: { database: 'default', table: 'rainy_days' },
    });
  });
});
