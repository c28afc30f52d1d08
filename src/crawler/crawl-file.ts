/**
 * The crawler's view of a file: where it sits and what the classifier found in it. Plain data, so
 * a worker can hand it over; the bytes stay behind a handle or URL that the I/O layer keeps.
 */
import type { Classification } from '../catalog';

export interface CrawlFile {
  /**
   * Relative to the crawl root, '/'-separated, no leading '/', e.g.
   * `sales/year=2024/month=01/part-0.csv`. A dropped or picked folder contributes paths that
   * start with its own name, so the folder can become a table named after it.
   */
  path: string;
  size: number;
  lastModified: number;
}

export interface ClassifiedFile extends CrawlFile {
  classification: Classification;
  /** DuckDB type names, e.g. BIGINT, DOUBLE, VARCHAR; `NULL` for a column the sample never filled. */
  columns: { name: string; type: string }[];
  /**
   * The dialect as a stable string (for CSV: delimiter, quote, escape, header, encoding…; may be
   * '' for Parquet and JSON). One table is read with one set of reader options: files share a
   * table only when their keys merge (mergeFormatKeys: CSV quote and escape characters need
   * only be compatible, e.g. none in a file that never holds the other's quote).
   */
  formatKey: string;
  rowCount?: number;
}
