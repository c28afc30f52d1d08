import { describe, expect, it } from 'vitest';
import type { CatalogTable, TableSource } from '../../src/catalog/model';
import { writeFormat } from '../../src/jobs/nodes/target';
import { rowsInFromCatalog } from '../../src/jobs/run-metrics';
import {
  escapePartitionValue,
  outputTableDraft,
  partFileName,
  partitionFolder,
  type WrittenFile,
} from '../../src/jobs/output-files';

const parquet = writeFormat({ kind: 'parquet' });
const src = (path: string): TableSource => ({
  kind: 'opfs',
  path,
  opfsPath: path,
  size: 5,
  lastModified: 1,
});
const file = (path: string, values: string[], rows: number): WrittenFile => ({
  path,
  values,
  rows,
  bytes: 5,
  source: src(path),
});

describe('output paths', () => {
  it('escapes what Hive escapes, NULL and empty as the default partition', () => {
    expect(escapePartitionValue('2024')).toBe('2024');
    expect(escapePartitionValue('a/b=c:d%')).toBe('a%2Fb%3Dc%3Ad%25');
    expect(escapePartitionValue('..')).toBe('%2E%2E');
    expect(escapePartitionValue('Ünïcödé 表')).toBe('Ünïcödé 表');
    expect(escapePartitionValue(null)).toBe('__HIVE_DEFAULT_PARTITION__');
    expect(escapePartitionValue('')).toBe('__HIVE_DEFAULT_PARTITION__');
    expect(partitionFolder(['year', 'month'], ['2024', '1'])).toBe('year=2024/month=1');
    expect(decodeURIComponent('a%2Fb%3Dc%3Ad%25')).toBe('a/b=c:d%');
  });

  it('names files per run and format', () => {
    expect(partFileName('jr_1', 3, parquet)).toBe('part-jr_1-00003.parquet');
    expect(partFileName('r', 0, writeFormat({ kind: 'csv', compression: 'gzip' }))).toBe(
      'part-r-00000.csv.gz',
    );
    expect(partFileName('r', 0, writeFormat({ kind: 'ndjson' }))).toBe('part-r-00000.ndjson');
  });
});

describe('outputTableDraft', () => {
  const columns = [{ name: 'sku', type: 'VARCHAR' }];
  const keys = [{ name: 'year', type: 'BIGINT' }];

  it('a first run makes a Parquet table with its partitions', () => {
    const { draft, partitions } = outputTableDraft({
      database: 'out',
      table: 'sales',
      job: 'daily',
      format: parquet,
      columns,
      keys,
      files: [file('year=2024/p1.parquet', ['2024'], 3), file('year=2025/p2.parquet', ['2025'], 2)],
    });
    expect(draft).toMatchObject({
      classification: 'parquet',
      updatedBy: { kind: 'job', name: 'daily' },
      parameters: { recordCount: 5, sizeBytes: 10, objectCount: 2 },
      partitionKeys: [{ name: 'year', type: 'BIGINT', comment: '' }],
    });
    expect(partitions.map((p) => [p.location, p.values, p.files, p.rowCount])).toEqual([
      ['year=2024', ['2024'], ['year=2024/p1.parquet'], 3],
      ['year=2025', ['2025'], ['year=2025/p2.parquet'], 2],
    ]);
  });

  it("a later run of the same job appends to its table's files and partitions", () => {
    const first = outputTableDraft({
      database: 'out',
      table: 'sales',
      job: 'daily',
      format: parquet,
      columns,
      keys,
      files: [file('year=2024/p1.parquet', ['2024'], 3)],
    });
    const current: CatalogTable = { ...first.draft, version: 1, createdAt: 1, updatedAt: 1 };
    const next = outputTableDraft({
      database: 'out',
      table: 'sales',
      job: 'daily',
      format: parquet,
      columns,
      keys,
      files: [file('year=2024/p9.parquet', ['2024'], 4)],
      current: { table: current, partitions: first.partitions },
    });
    expect(next.draft.sources.map((s) => s.path)).toEqual([
      'year=2024/p1.parquet',
      'year=2024/p9.parquet',
    ]);
    expect(next.draft.parameters.recordCount).toBe(7);
    expect(next.partitions).toHaveLength(1);
    expect(next.partitions[0]!.files).toEqual(['year=2024/p1.parquet', 'year=2024/p9.parquet']);
    expect(next.partitions[0]!.rowCount).toBe(7);
    // Another job (or format) replaces instead of appending.
    const other = outputTableDraft({
      database: 'out',
      table: 'sales',
      job: 'other',
      format: parquet,
      columns,
      keys,
      files: [file('year=2024/q.parquet', ['2024'], 1)],
      current: { table: current, partitions: first.partitions },
    });
    expect(other.draft.sources.map((s) => s.path)).toEqual(['year=2024/q.parquet']);
  });
});

describe('rowsInFromCatalog', () => {
  const part = (location: string, files: string[], rowCount?: number) => ({
    database: 'd',
    table: 't',
    values: [location],
    location,
    files,
    sizeBytes: 0,
    ...(rowCount === undefined ? {} : { rowCount }),
  });
  const table = {
    partitionKeys: [{ name: 'k', type: 'VARCHAR' }],
    partitions: [part('k=a', ['k=a/1.csv', 'k=a/2.csv'], 5), part('k=b', ['k=b/1.csv'], 7)],
    scan: {
      dialect: {} as never,
      files: ['k=a/1.csv', 'k=a/2.csv', 'k=b/1.csv'].map((p) => ({ path: p, registered: p })),
    },
  };

  it('sums the partitions read whole, from the crawl', () => {
    expect(rowsInFromCatalog({ partitions: ['k=a', 'k=b'], files: null }, table, 12)).toBe(12);
    expect(rowsInFromCatalog({ partitions: ['k=b'], files: ['k=b/1.csv'] }, table, 12)).toBe(7);
    // A bookmark left only the new partition's file: its count.
    expect(rowsInFromCatalog({ partitions: ['k=a', 'k=b'], files: ['k=b/1.csv'] }, table, 12)).toBe(
      7,
    );
  });

  it('does not guess for a partition read in part, or a count it lacks', () => {
    expect(
      rowsInFromCatalog({ partitions: ['k=a'], files: ['k=a/2.csv'] }, table, 12),
    ).toBeUndefined();
    const noCount = { ...table, partitions: [part('k=a', ['k=a/1.csv', 'k=a/2.csv'])] };
    expect(rowsInFromCatalog({ partitions: ['k=a'], files: null }, noCount, 12)).toBeUndefined();
    const flat = { partitionKeys: [], partitions: [], scan: table.scan };
    expect(rowsInFromCatalog({ partitions: null, files: null }, flat, 3)).toBe(3);
    expect(rowsInFromCatalog({ partitions: null, files: ['k=a/1.csv'] }, flat, 3)).toBeUndefined();
  });
});
