// The sales fixtures (test/fixtures/sales/year=…/month=…/part-0.csv) as the engine's attach calls
// take a CSV table of them: one dialect, one column list, the files given by the caller (paths on
// disk for AttachedTables, DiskFiles for the EngineHost).
import type { CsvDialect } from '../../src/core/csv/dialect';
import type { ColumnInfo } from '../../src/core/csv/dialect';

/** Plain RFC 4180 CSV with a header, as the fixtures are written. */
export const CSV: CsvDialect = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  encoding: 'utf-8',
  decimalSeparator: '.',
  compression: 'none',
};

/** The sales files' columns: `id,sku,price`. */
export const SALES_COLUMNS: ColumnInfo[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'sku', type: 'VARCHAR' },
  { name: 'price', type: 'DOUBLE' },
];

export interface SalesFile<F> {
  path: string;
  file: F;
  partitionValues: string[];
}

/** `database.name` (default `shop.sales`) over `files`, unpartitioned unless `partitionKeys` say. */
export function salesTable<F>(
  files: SalesFile<F>[],
  over: { database?: string; name?: string; partitionKeys?: ColumnInfo[] } = {},
) {
  return {
    database: over.database ?? 'shop',
    name: over.name ?? 'sales',
    classification: 'csv' as const,
    dialect: CSV,
    columns: SALES_COLUMNS,
    partitionKeys: over.partitionKeys ?? [],
    files,
  };
}

/** One sales fixture (`2024/01`) as the only file of an unpartitioned table, through `open`. */
export function oneSalesFile<F>(month: string, open: (fixture: string) => F): SalesFile<F>[] {
  const [year, m] = month.split('/');
  return [
    {
      path: 'part-0.csv',
      file: open(`sales/year=${year}/month=${m}/part-0.csv`),
      partitionValues: [],
    },
  ];
}
