/**
 * The profile's SQL: three passes over the (sampled) table, each one aggregate for every column
 * at once, so the number of scans does not grow with the column count.
 * 1. statistics: the catalog's column statistics (shared SQL), mean, stddev, quantiles, value
 *    ranges, text lengths and correlations; the table's full row count when sampling;
 * 2. distributions: histogram bins (planned from pass 1's ranges), text lengths, top values and
 *    top patterns (approx_top_k);
 * 3. counts: each top value and pattern counted exactly.
 */
import type { ColumnInfo } from '../../core/csv/dialect';
import { columnStatisticsParts } from '../../core/sql/column-stats';
import { ident, joinSql, sql, type Sql } from '../../core/sql/sql-template';
import {
  PROFILE_QUANTILES,
  type HistogramBin,
  type ProfileKind,
  type ProfileSample,
} from './model';

/** Numeric columns correlated pairwise, at most (the first ones in table order). */
export const MAX_CORRELATED = 12;
/** Top values and patterns kept per text column. */
export const TOP_K = 10;
/** Patterns describe this many leading characters of a value. */
export const PATTERN_PREFIX = 40;

const NUMBER =
  /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC)\b/i;
const INTEGRAL =
  /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)\b/i;
const DATE = /^(DATE|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ|DATETIME)$/i;

export function profileKind(type: string): ProfileKind {
  const t = type.trim();
  if (NUMBER.test(t) && !t.endsWith(']')) return 'number';
  if (DATE.test(t)) return 'date';
  if (/^VARCHAR(\(\d+\))?$/i.test(t)) return 'text';
  if (/^BOOLEAN$/i.test(t)) return 'boolean';
  return 'other';
}

/** Integer types: their histograms may have one bin per value. */
export function isIntegral(type: string): boolean {
  return INTEGRAL.test(type.trim());
}

/** The rows a profile reads: the table, its first rows, or a repeatable reservoir sample. */
export function sampledRelation(table: Sql, sample: ProfileSample): Sql {
  if (sample.kind === 'all') return table;
  const rows = Math.max(1, Math.floor(sample.rows));
  return sample.kind === 'first'
    ? sql`(SELECT * FROM ${table} LIMIT ${rows})`
    : sql`(SELECT * FROM ${table} USING SAMPLE reservoir(${rows} ROWS) REPEATABLE (42))`;
}

/** The value a column's mean, quantiles and histogram are of: DOUBLE, dates as epoch ms. */
function measured(c: ColumnInfo, kind: ProfileKind): Sql {
  const q = ident(c.name);
  return kind === 'date'
    ? sql`CAST(epoch_ms(CAST(${q} AS TIMESTAMP)) AS DOUBLE)`
    : sql`CAST(${q} AS DOUBLE)`;
}

/** A value's shape: upper-case letters `A`, lower-case `a`, digits `9`, the rest kept. */
function pattern(c: ColumnInfo): Sql {
  let e = sql`left(${ident(c.name)}, ${PATTERN_PREFIX})`;
  for (const [cls, to] of [
    ['\\p{Lu}', 'A'],
    ['\\p{Ll}', 'a'],
    ['\\p{Nd}', '9'],
  ] as const)
    e = sql`regexp_replace(${e}, ${cls}, ${to}, 'g')`;
  return e;
}

const name = (prefix: string, i: number, j?: number) =>
  ident(j === undefined ? `${prefix}${i}` : `${prefix}${i}_${j}`);

/**
 * Pass 1. Columns are named by position: the statistics' own (`rows`, `n{i}`, `d{i}`, …, see
 * columnStatisticsSql), then `mean{i}`, `sd{i}`, `x0{i}`/`x1{i}` (min/max of the measured
 * value), `q{i}_{j}` (PROFILE_QUANTILES[j]), `l0{i}` (shortest text), `r{i}_{j}` (corr of
 * numeric columns i < j), and `total` (all rows) for a random sample.
 */
export function statisticsPassSql(
  table: Sql,
  sample: ProfileSample,
  columns: readonly ColumnInfo[],
): string {
  const parts = columnStatisticsParts(columns);
  const numeric: number[] = [];
  const lists: ListPicks[] = [];
  columns.forEach((c, i) => {
    const kind = profileKind(c.type);
    if (kind === 'number' || kind === 'date') {
      const v = measured(c, kind);
      parts.push(
        sql`avg(${v}) AS ${name('mean', i)}`,
        sql`stddev_samp(${v}) AS ${name('sd', i)}`,
        sql`min(${v}) AS ${name('x0', i)}`,
        sql`max(${v}) AS ${name('x1', i)}`,
        // One t-digest per column for all the quantiles (one per quantile cost 5 times more).
        sql`approx_quantile(${v}, ${[...PROFILE_QUANTILES]}) AS ${name('ql', i)}`,
      );
      lists.push({ list: name('ql', i), picks: PROFILE_QUANTILES.map((_, j) => name('q', i, j)) });
      if (kind === 'number' && numeric.length < MAX_CORRELATED) numeric.push(i);
    }
    if (kind === 'text') parts.push(sql`min(length(${ident(c.name)})) AS ${name('l0', i)}`);
  });
  for (const [a, i] of numeric.entries())
    for (const j of numeric.slice(a + 1))
      parts.push(
        sql`corr(CAST(${ident(columns[i]!.name)} AS DOUBLE), CAST(${ident(columns[j]!.name)} AS DOUBLE)) AS ${name('r', i, j)}`,
      );
  // A reservoir sample reads the whole table anyway; the first rows must not (no count of all).
  if (sample.kind === 'random') parts.push(sql`(SELECT count(*) FROM ${table}) AS "total"`);
  return picked(
    sql`SELECT ${joinSql(parts)} FROM ${sampledRelation(table, sample)} AS "profiled"`,
    lists,
  ).text;
}

/** A LIST column of the inner query, and the names its elements take (1st, 2nd, …). */
interface ListPicks {
  list: Sql;
  picks: Sql[];
}

/**
 * The one-row `inner` query with each listed LIST column replaced by its elements, each a
 * column of its own (NULL past the end): results cross the worker as plain values only.
 */
function picked(inner: Sql, lists: readonly ListPicks[], more: readonly Sql[] = []): Sql {
  if (!lists.length && !more.length) return inner;
  const picks = lists.flatMap(({ list, picks }) =>
    picks.map((as, j) => sql`${list}[${j + 1}] AS ${as}`),
  );
  const exclude = lists.length ? sql` EXCLUDE (${joinSql(lists.map((l) => l.list))})` : sql``;
  return sql`SELECT *${exclude}, ${joinSql([...picks, ...more])} FROM (${inner})`;
}

/** What pass 2 counts for one column. */
export interface DistributionPlan {
  index: number;
  kind: ProfileKind;
  /** Numbers and dates: bins of the measured value. */
  histogram?: HistogramBin[];
  /** Text: bins of the value lengths. */
  lengths?: HistogramBin[];
  /**
   * Text with few distinct values: count every value exactly (`histogram`), so top values and
   * patterns come from those counts; else approx_top_k finds candidates for pass 3 to count.
   */
  exactValues?: boolean;
}

/**
 * The bin of a projected value `v`, as planBins made the bins: floor((v - lo) / width), the
 * maximum folded into the last bin.
 */
function binIndex(v: Sql, bins: readonly HistogramBin[]): Sql {
  const lo = bins[0]!.from;
  const perValue = bins.every((b) => b.from === b.to);
  const width = perValue ? 1 : (bins.at(-1)!.to - lo) / bins.length;
  return sql`CAST(least(greatest(floor((${v} - CAST(${lo} AS DOUBLE)) / CAST(${width} AS DOUBLE)), 0), ${bins.length - 1}) AS BIGINT)`;
}

/** Bin counts as `histogram` (a MAP from bin to rows), then one column per bin. */
function binCounts(v: Sql, bins: readonly HistogramBin[], prefix: string, i: number) {
  const map = name(`${prefix}m`, i);
  return {
    // greatest/least skip NULLs (NULL would land in bin 0): leave NULL values out first.
    aggregate: sql`histogram(${binIndex(v, bins)}) FILTER (WHERE ${v} IS NOT NULL) AS ${map}`,
    picks: bins.map((_, k) => sql`coalesce(${map}[${k}], 0) AS ${name(prefix, i, k)}`),
    map,
  };
}

/**
 * Pass 2. One row of `h{i}_{k}` (histogram bin k), `len{i}_{k}` (length bin k), `tv{i}_{j}` and
 * `tp{i}_{j}` (the j-th of approx_top_k's values and patterns, 1-based; NULL past the end); and
 * for `exactValues` columns, every value and its count as `vk{i}`/`vc{i}`, one per row (the
 * other columns repeat on every row; rows past a column's last value hold NULL there).
 */
export function distributionPassSql(
  table: Sql,
  sample: ProfileSample,
  columns: readonly ColumnInfo[],
  plans: readonly DistributionPlan[],
): string | undefined {
  const projected: Sql[] = [];
  const aggregates: Sql[] = [];
  const lists: ListPicks[] = [];
  const maps: Sql[] = [];
  const outer: Sql[] = [];
  const binned = (v: Sql, bins: HistogramBin[], prefix: string, i: number) => {
    const b = binCounts(v, bins, prefix, i);
    aggregates.push(b.aggregate);
    outer.push(...b.picks);
    maps.push(b.map);
  };
  for (const p of plans) {
    const c = columns[p.index]!;
    const i = p.index;
    if (p.histogram?.length) {
      projected.push(sql`${measured(c, p.kind)} AS ${name('v', i)}`);
      binned(name('v', i), p.histogram, 'h', i);
    }
    if (p.kind === 'text') {
      projected.push(
        sql`${ident(c.name)} AS ${name('t', i)}`,
        sql`CAST(length(${ident(c.name)}) AS DOUBLE) AS ${name('l', i)}`,
      );
      if (p.lengths?.length) binned(name('l', i), p.lengths, 'len', i);
      if (p.exactValues) {
        const map = name('vm', i);
        aggregates.push(sql`histogram(${name('t', i)}) AS ${map}`);
        maps.push(map);
        outer.push(
          sql`unnest(map_keys(${map})) AS ${name('vk', i)}`,
          sql`unnest(map_values(${map})) AS ${name('vc', i)}`,
        );
      } else {
        projected.push(sql`${pattern(c)} AS ${name('p', i)}`);
        aggregates.push(
          sql`approx_top_k(${name('t', i)}, ${TOP_K}) AS ${name('tvl', i)}`,
          sql`approx_top_k(${name('p', i)}, ${TOP_K}) AS ${name('tpl', i)}`,
        );
        const top = (prefix: string) =>
          Array.from({ length: TOP_K }, (_, j) => name(prefix, i, j + 1));
        lists.push(
          { list: name('tvl', i), picks: top('tv') },
          { list: name('tpl', i), picks: top('tp') },
        );
      }
    }
  }
  if (!aggregates.length) return undefined;
  const inner = sql`SELECT ${joinSql(aggregates)} FROM (SELECT ${joinSql(projected)} FROM ${sampledRelation(table, sample)} AS "profiled")`;
  // The maps are read through `outer` only; unnest of [1] keeps one row when every map is empty.
  const query = picked(
    inner,
    [...lists, ...maps.map((m) => ({ list: m, picks: [] }))],
    [...outer, sql`unnest([1]) AS "row"`],
  );
  return query.text;
}

/** Pass 3 input: a text column's candidate top values and patterns. */
export interface CountPlan {
  index: number;
  values: string[];
  patterns: string[];
}

/** Pass 3: `cv{i}_{j}` and `cp{i}_{j}`, the exact counts of candidate value / pattern j. */
export function countPassSql(
  table: Sql,
  sample: ProfileSample,
  columns: readonly ColumnInfo[],
  plans: readonly CountPlan[],
): string | undefined {
  const projected: Sql[] = [];
  const aggregates: Sql[] = [];
  for (const p of plans) {
    const c = columns[p.index]!;
    const i = p.index;
    if (p.values.length) projected.push(sql`${ident(c.name)} AS ${name('t', i)}`);
    if (p.patterns.length) projected.push(sql`${pattern(c)} AS ${name('p', i)}`);
    p.values.forEach((v, j) =>
      aggregates.push(sql`count(*) FILTER (WHERE ${name('t', i)} = ${v}) AS ${name('cv', i, j)}`),
    );
    p.patterns.forEach((v, j) =>
      aggregates.push(sql`count(*) FILTER (WHERE ${name('p', i)} = ${v}) AS ${name('cp', i, j)}`),
    );
  }
  if (!aggregates.length) return undefined;
  return sql`SELECT ${joinSql(aggregates)} FROM (SELECT ${joinSql(projected)} FROM ${sampledRelation(table, sample)} AS "profiled")`
    .text;
}
