/**
 * A table's profile, as DataBrew shows one: per column the catalog's column statistics plus
 * mean, spread, quantiles and distributions, and correlations between numeric columns. Stored
 * per table version (`stamp`, see profile-stamp.ts). Plain, structured-cloneable data.
 */
import type { ColumnStatisticsValues } from '../../core/sql/column-stats';

/** How a column is profiled, from its DuckDB type. */
export type ProfileKind = 'number' | 'date' | 'text' | 'boolean' | 'other';

/**
 * Values in `[from, to)`; the last bin of a histogram also holds `to`. Dates and timestamps
 * are in epoch milliseconds (UTC); lengths in characters.
 */
export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

/** A value (or pattern) and how many rows hold it, exactly counted. */
export interface ValueCount {
  value: string;
  count: number;
}

/** Top values longer than this many characters are kept cut. */
export const VALUE_TEXT_LIMIT = 200;

/** The quantiles every number and date column gets, in this order. */
export const PROFILE_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

export interface ColumnProfile extends ColumnStatisticsValues {
  kind: ProfileKind;
  /** Numbers and dates (epoch ms for dates). */
  mean?: number;
  /** Sample standard deviation; numbers and dates (ms). */
  stddev?: number;
  /** approx_quantile (t-digest) at PROFILE_QUANTILES; numbers and dates (epoch ms). */
  quantiles?: { p: number; value: number }[];
  /** Text: the shortest value's length (maxLength/avgLength come with the statistics). */
  minLength?: number;
  /** Numbers and dates: equal-width bins from min to max; counts sum to the non-NULL values. */
  histogram?: HistogramBin[];
  /** Text: value lengths in equal-width bins (one bin per length when there are few). */
  lengths?: HistogramBin[];
  /** Text: the most frequent values (found by approx_top_k, counted exactly), most first. */
  topValues?: ValueCount[];
  /**
   * Text: the most frequent shapes of the first PATTERN_PREFIX characters, upper-case letters as
   * `A`, lower-case as `a`, digits as `9`, everything else kept; most first.
   */
  patterns?: ValueCount[];
}

/** Which rows a profile reads. */
export type ProfileSample =
  | { kind: 'all' }
  /** The first `rows` rows in the files' order. */
  | { kind: 'first'; rows: number }
  /** A repeatable reservoir sample of `rows` rows (the whole table is still read once). */
  | { kind: 'random'; rows: number };

export interface TableProfile {
  database: string;
  table: string;
  /** The table version it describes: see profileStamp. */
  stamp: string;
  /** The catalog's version number of the table then, for the page. */
  tableVersion: number;
  computedAt: number;
  sample: ProfileSample;
  /** Rows profiled (the sample's size, or all rows). */
  rowCount: number;
  /**
   * All rows of the table: counted for all rows or a random sample (which read them all); for
   * the first rows, the catalog's record count, or the rows read when fewer than asked; absent
   * when unknown (the first rows are never followed by a count of the whole table).
   */
  tableRows?: number;
  columns: ColumnProfile[];
  /**
   * Pearson correlation (DuckDB's corr) between the first MAX_CORRELATED numeric columns;
   * `values[i][j]` for `columns[i]`, `columns[j]`; NULL where undefined (a constant column).
   */
  correlations: { columns: string[]; values: (number | null)[][] };
  /** Queries that read the table: one per pass, whatever the column count. */
  passes: number;
}
