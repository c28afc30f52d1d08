import { describe, expect, it } from 'vitest';
import type { CatalogTable, TableSource } from '../../src/catalog/model';
import type { CsvDialect } from '../../src/core/csv/dialect';
import { csvFormatKey, type TablePlan } from '../../src/crawler';
import { kindOf, newCrawler, tableDraftFor } from '../../src/crawler/crawl-drafts';

const plan: TablePlan = {
  name: 'sales',
  root: 'sales',
  classification: 'csv',
  formatKey: 'k',
  columns: [
    { name: 'id', type: 'BIGINT' },
    { name: 'note', type: 'VARCHAR' },
  ],
  partitionKeys: [{ name: 'year', type: 'BIGINT' }],
  partitions: [],
  files: [
    {
      path: 'sales/year=1/a.csv',
      size: 10,
      lastModified: 1,
      classification: 'csv',
      columns: [],
      formatKey: 'k',
      rowCount: 2,
    },
    {
      path: 'sales/year=2/b.csv',
      size: 5,
      lastModified: 1,
      classification: 'csv',
      columns: [],
      formatKey: 'k',
      rowCount: 3,
    },
  ],
  sizeBytes: 15,
};

describe('tableDraftFor', () => {
  it('keeps the user’s description, comments and parameters; clears the deprecated mark', () => {
    const current = {
      description: 'mine',
      columns: [{ name: 'id', type: 'BIGINT', comment: 'the key' }],
      partitionKeys: [{ name: 'year', type: 'BIGINT', comment: 'when' }],
      parameters: { owner: 'ana', DEPRECATED_BY_CRAWLER: 5, UPDATED_BY_CRAWLER: 'c' },
    } as unknown as CatalogTable;
    const crawler = { ...newCrawler(), name: 'c', database: ' lake ' };
    const d = tableDraftFor(plan, [], { crawler, current });
    expect(d.database).toBe('lake');
    expect(d.description).toBe('mine');
    expect(d.columns).toEqual([
      { name: 'id', type: 'BIGINT', comment: 'the key' },
      { name: 'note', type: 'VARCHAR', comment: '' },
    ]);
    expect(d.partitionKeys[0]?.comment).toBe('when');
    expect(d.parameters).toMatchObject({
      owner: 'ana',
      recordCount: 5,
      sizeBytes: 15,
      objectCount: 2,
    });
    expect(d.parameters.DEPRECATED_BY_CRAWLER).toBeUndefined();
    expect(d.updatedBy).toEqual({ kind: 'crawler', name: 'c' });
  });

  it('stores the quoting of the plan’s format key, which reads every file, not the first file’s', () => {
    const dialect: CsvDialect = {
      delimiter: ',',
      quote: '',
      escape: '',
      header: true,
      encoding: 'utf-8',
      decimalSeparator: '.',
      compression: 'none',
    };
    // The first file held no quoted value; another doubled its quotes.
    const formatKey = csvFormatKey({ ...dialect, quote: '"', escape: '"' });
    const d = tableDraftFor({ ...plan, formatKey }, [], { crawler: newCrawler(), dialect });
    expect(d.parameters).toMatchObject({ delimiter: ',', quote: '"', escape: '"', header: true });
  });

  it('an unsaved crawler marks no table as its own', () => {
    const d = tableDraftFor(plan, [], { crawler: newCrawler() });
    expect(d.parameters.UPDATED_BY_CRAWLER).toBeUndefined();
    expect(d.updatedBy).toEqual({ kind: 'crawler', name: 'folder crawl' });
  });

  it('keeps the S3 folder of a table read from one bucket as its location, and no other', () => {
    const s3 = (bucket: string, key: string): TableSource => ({
      kind: 's3',
      bucket,
      key,
      region: 'eu-west-3',
      path: key,
      size: 1,
      lastModified: 1,
    });
    const one = [s3('lake', 'sales/year=1/a.csv'), s3('lake', 'sales/year=2/b.csv')];
    const crawler = newCrawler();
    expect(tableDraftFor(plan, one, { crawler }).parameters.location).toBe('s3://lake/sales/');
    const two = [s3('lake', 'sales/year=1/a.csv'), s3('other', 'sales/year=2/b.csv')];
    expect(tableDraftFor(plan, two, { crawler }).parameters.location).toBeUndefined();
    const url: TableSource = {
      kind: 'url',
      url: 'https://x/a.csv',
      path: 'a.csv',
      size: 1,
      lastModified: 1,
    };
    expect(tableDraftFor(plan, [url], { crawler }).parameters.location).toBeUndefined();
  });
});

describe('kindOf', () => {
  it.each([
    ['a.csv', 'csv'],
    ['a.TSV.gz', 'csv'],
    ['a.ndjson', 'json'],
    ['a.json.gz', 'json'],
    ['a.parquet', 'parquet'],
    ['a.md', null],
  ])('%s → %s', (path, kind) => expect(kindOf(path)).toBe(kind));
});
