// The job offered to rewrite a JSON table Athena cannot read is a valid job, named uniquely.
import { describe, expect, it } from 'vitest';
import { rewriteJob } from '../../src/app/rewrite-job';
import { compileJob, validateJob } from '../../src/jobs';
import type { CatalogTable } from '../../src/catalog/model';

const movies: CatalogTable = {
  database: 'default',
  name: 'movies',
  description: '',
  classification: 'json',
  sources: [],
  columns: [
    { name: 'title', type: 'VARCHAR', comment: '' },
    { name: 'year', type: 'BIGINT', comment: '' },
  ],
  partitionKeys: [],
  parameters: {},
  updatedBy: { kind: 'user' },
  version: 1,
  createdAt: 1,
  updatedAt: 1,
};
const ctx = {
  tables: [
    {
      database: 'default',
      name: 'movies',
      columns: movies.columns,
      partitionKeys: [],
      partitions: [],
    },
  ],
};

describe('rewriteJob', () => {
  it('reads the table and writes NDJSON or Parquet to this browser, registered beside it', () => {
    for (const format of ['ndjson', 'parquet'] as const) {
      const job = rewriteJob(movies, format, () => false);
      expect(validateJob(job, ctx)).toEqual([]);
      const target = job.nodes.find((n) => n.kind === 'target');
      expect(target?.options).toMatchObject({
        format: { kind: format },
        destination: 'opfs',
        catalog: { database: 'default', table: `movies_${format}` },
      });
      expect(compileJob(job, ctx).script).toContain('"default"."movies"');
    }
    expect(rewriteJob(movies, 'ndjson', () => false).name).toBe('rewrite default.movies as NDJSON');
  });

  it('picks a name no job has', () => {
    const taken = new Set([
      'rewrite default.movies as Parquet',
      'rewrite default.movies as Parquet (2)',
    ]);
    expect(rewriteJob(movies, 'parquet', (n) => taken.has(n)).name).toBe(
      'rewrite default.movies as Parquet (3)',
    );
  });
});
