// Builders for the crawler's inputs: classified files as a classifier would hand them over.
import type { ClassifiedFile } from '../../src/crawler/crawl-file';

export type Columns = ClassifiedFile['columns'];

/** `cols('id BIGINT', 'price DOUBLE')` → `[{ name: 'id', type: 'BIGINT' }, …]`. */
export function cols(...specs: string[]): Columns {
  return specs.map((spec) => {
    const space = spec.indexOf(' ');
    return { name: spec.slice(0, space), type: spec.slice(space + 1) };
  });
}

export const SALES_COLUMNS = cols('id BIGINT', 'sku VARCHAR', 'price DOUBLE');

/** A CSV file of 100 bytes and 10 rows with `columns` (default: the sales fixture's). */
export function csvFile(
  path: string,
  columns: Columns = SALES_COLUMNS,
  more: Partial<ClassifiedFile> = {},
): ClassifiedFile {
  return {
    path,
    size: 100,
    lastModified: 1_700_000_000_000,
    classification: 'csv',
    columns,
    formatKey: 'delim=,;quote=";header=true;encoding=utf-8',
    rowCount: 10,
    ...more,
  };
}
