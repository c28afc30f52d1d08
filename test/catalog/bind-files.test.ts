import { describe, expect, it } from 'vitest';
import {
  bindIssues,
  boundTable,
  definitionsOnlyWarning,
  type BindCandidate,
  type CatalogTable,
} from '../../src/catalog';

const TABLE: CatalogTable = {
  database: 'shop',
  name: 'orders',
  description: '',
  classification: 'parquet',
  sources: [],
  columns: [
    { name: 'id', type: 'BIGINT', comment: '' },
    { name: 'amount', type: 'DOUBLE', comment: '' },
    { name: 'note', type: 'VARCHAR', comment: '' },
  ],
  partitionKeys: [{ name: 'region', type: 'VARCHAR', comment: '' }],
  parameters: { recordCount: 1461 },
  updatedBy: { kind: 'user' },
  version: 3,
  createdAt: 1,
  updatedAt: 2,
};

const file = (path: string, columns: [string, string][], size = 10): BindCandidate => ({
  path,
  columns: columns.map(([name, type]) => ({ name, type })),
  source: { kind: 'url', path, url: `https://h/${path}`, size, lastModified: 0 },
});

const GOOD: [string, string][] = [
  ['id', 'INTEGER'],
  ['amount', 'DOUBLE'],
  ['note', 'VARCHAR'],
];

describe('binding a definition to files', () => {
  it('names each missing column, each column of another type, and a file outside key folders', () => {
    expect(
      bindIssues(TABLE, [
        file('region=north/a.parquet', [
          ['id', 'VARCHAR'],
          ['amount', 'DOUBLE'],
        ]),
        file('b.parquet', GOOD),
      ]),
    ).toEqual([
      '"region=north/a.parquet" has no column "note"',
      '"region=north/a.parquet": column "id" is VARCHAR, the table says BIGINT',
      '"b.parquet" is not in a "region"=… folder',
    ]);
    // A narrower integer reads losslessly as the wider one; a wider one does not fit.
    expect(bindIssues(TABLE, [file('region=n/a.parquet', GOOD)])).toEqual([]);
    expect(
      bindIssues({ ...TABLE, columns: [{ name: 'id', type: 'INTEGER', comment: '' }] }, [
        file('region=n/a.parquet', [['id', 'BIGINT']]),
      ]),
    ).toEqual(['"region=n/a.parquet": column "id" is BIGINT, the table says INTEGER']);
  });

  it('rewrites the table to read the files, with partitions from their folders', () => {
    const { draft, partitions } = boundTable(TABLE, [
      file('region=north/a.parquet', GOOD, 100),
      file('region=north/b.parquet', GOOD, 50),
      file('region=s%C3%BCd/c.parquet', GOOD, 7),
    ]);
    expect(draft.sources.map((s) => s.path)).toEqual([
      'region=north/a.parquet',
      'region=north/b.parquet',
      'region=s%C3%BCd/c.parquet',
    ]);
    expect(draft.parameters).toMatchObject({ recordCount: 1461, sizeBytes: 157, objectCount: 3 });
    expect(partitions.map((p) => [p.values, p.location, p.files.length, p.sizeBytes])).toEqual([
      [['north'], 'region=north', 2, 150],
      [['süd'], 'region=s%C3%BCd', 1, 7],
    ]);
    expect(() => boundTable(TABLE, [file('a.parquet', GOOD)])).toThrow(
      /^catalog: cannot bind shop\.orders: "a\.parquet" is not in a "region"=… folder$/,
    );
  });

  it('says plainly when imported tables hold no data', () => {
    const tables = Array.from({ length: 13 }, (_, i) => ({ ...TABLE, name: `t${i}` }));
    expect(definitionsOnlyWarning(tables)).toBe(
      '13 tables, none with files: they hold no data until you bind them to files (Bind to files… on each table).',
    );
    const withFiles = { ...TABLE, sources: [file('x', GOOD).source] };
    expect(definitionsOnlyWarning([withFiles, TABLE])).toBe(
      '1 of 2 tables have no files: they hold no data until you bind them to files (Bind to files… on each table).',
    );
    expect(definitionsOnlyWarning([withFiles])).toBe('');
  });
});
