/**
 * Computes a table's profile in the engine worker: three read-only passes (see profile-sql.ts),
 * each one query over every column, with progress after each and cancel between them (the
 * signal: rejects with code 'cancelled', as the engine's qualityQueries does).
 */
import type { ColumnInfo } from '../../core/csv/dialect';
import { columnStatisticsFromRow, type ColumnStatisticsValues } from '../../core/sql/column-stats';
import { DecantError } from '../../core/errors';
import { ident } from '../../core/sql/sql-template';
import type { QualityProgress, QualityQueryResult } from '../../engine/protocol';
import type { TableRef } from '../evaluate/compile-rules';
import type { QualityEngine } from '../evaluate/evaluate-ruleset';
import { planBins } from './bins';
import {
  PROFILE_QUANTILES,
  VALUE_TEXT_LIMIT,
  type ColumnProfile,
  type HistogramBin,
  type ProfileSample,
  type TableProfile,
  type ValueCount,
} from './model';
import { valuePattern } from './value-pattern';
import {
  countPassSql,
  distributionPassSql,
  isIntegral,
  MAX_CORRELATED,
  profileKind,
  statisticsPassSql,
  TOP_K,
  type CountPlan,
  type DistributionPlan,
} from './profile-sql';

export interface ProfileOptions {
  table: TableRef;
  /** The table's columns as the engine serves it (data columns, then partition keys). */
  columns: ColumnInfo[];
  /** Default: all rows. */
  sample?: ProfileSample;
  /**
   * The table's rows as the catalog knows them (Glue's recordCount), for a profile of the first
   * rows: it reads only those, so it cannot count the rest.
   */
  tableRows?: number;
  /** See profileStamp; stored with the profile. */
  stamp: string;
  tableVersion: number;
  /**
   * Text columns with at most this many distinct values (approx_count_distinct) have every value
   * counted in pass 2, their patterns derived from those counts; others go through approx_top_k
   * and pass 3. Default EXACT_VALUES_UP_TO.
   */
  exactValuesUpTo?: number;
  onProgress?: (p: QualityProgress) => void;
  signal?: AbortSignal;
}

/** See ProfileOptions.exactValuesUpTo. */
export const EXACT_VALUES_UP_TO = 2_000;

type Row = Record<string, string | number | boolean | null>;

/** The profile; a pass the engine cannot run rejects with a `quality:` DecantError. */
export async function computeProfile(
  engine: QualityEngine,
  o: ProfileOptions,
): Promise<TableProfile> {
  const sample = o.sample ?? { kind: 'all' };
  const table = ident(o.table.database, o.table.name);
  const columns = o.columns;
  const exactUpTo = o.exactValuesUpTo ?? EXACT_VALUES_UP_TO;
  const total = 3;
  let done = 0;
  o.onProgress?.({ done, total });
  const pass = async (query: string | undefined): Promise<Row[]> => {
    let rows: Row[] = [];
    if (query) rows = rowsOf(await engine.qualityQueries([query], () => undefined, o.signal), o);
    o.onProgress?.({ done: ++done, total });
    return rows;
  };
  let passes = 0;
  const counted = (q: string | undefined) => (q ? (passes++, q) : q);

  // Pass 1: statistics, ranges, correlations.
  const stats = (await pass(counted(statisticsPassSql(table, sample, columns))))[0] ?? {};
  const base = columnStatisticsFromRow(stats, columns);
  const num = (k: string) => {
    const v = stats[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const profiles: ColumnProfile[] = base.columns.map((b, i) => {
    const kind = profileKind(columns[i]!.type);
    const p: ColumnProfile = { ...b, kind };
    if (kind === 'number' || kind === 'date') {
      setIfDefined(p, 'mean', num(`mean${i}`));
      setIfDefined(p, 'stddev', num(`sd${i}`));
      const quantiles = PROFILE_QUANTILES.flatMap((q, j) => {
        const value = num(`q${i}_${j}`);
        return value === undefined ? [] : [{ p: q, value }];
      });
      if (quantiles.length) p.quantiles = quantiles;
    }
    if (kind === 'text') setIfDefined(p, 'minLength', num(`l0${i}`));
    return p;
  });

  // Pass 2: histograms, lengths, candidate top values and patterns.
  const plans: DistributionPlan[] = profiles.map((p, i) => {
    const plan: DistributionPlan = { index: i, kind: p.kind };
    const lo = num(`x0${i}`);
    const hi = num(`x1${i}`);
    if ((p.kind === 'number' || p.kind === 'date') && lo !== undefined && hi !== undefined)
      plan.histogram = planBins(lo, hi, p.kind === 'number' && isIntegral(columns[i]!.type));
    if (p.kind === 'text' && p.minLength !== undefined && p.maxLength !== undefined)
      plan.lengths = planBins(p.minLength, p.maxLength, true);
    if (p.kind === 'text') plan.exactValues = p.distinct <= exactUpTo;
    return plan;
  });
  const distRows = await pass(counted(distributionPassSql(table, sample, columns, plans)));
  const dist = distRows[0] ?? {};
  const countPlans: CountPlan[] = [];
  for (const plan of plans) {
    const p = profiles[plan.index]!;
    const i = plan.index;
    if (plan.histogram) p.histogram = filled(plan.histogram, dist, `h${i}_`);
    if (plan.lengths) p.lengths = filled(plan.lengths, dist, `len${i}_`);
    if (p.kind === 'text' && plan.exactValues) {
      const counts = distRows.flatMap((r) =>
        typeof r[`vk${i}`] === 'string'
          ? [{ value: r[`vk${i}`] as string, count: Number(r[`vc${i}`]) }]
          : [],
      );
      p.topValues = top(counts).map((v) => ({ ...v, value: v.value.slice(0, VALUE_TEXT_LIMIT) }));
      p.patterns = top(patternCounts(counts));
    } else if (p.kind === 'text') {
      const pick = (prefix: string) =>
        Array.from({ length: TOP_K }, (_, j) => dist[`${prefix}${i}_${j + 1}`]).filter(
          (v): v is string => typeof v === 'string',
        );
      countPlans.push({ index: i, values: pick('tv'), patterns: pick('tp') });
    }
  }

  // Pass 3: exact counts of the candidates.
  const counts = (await pass(counted(countPassSql(table, sample, columns, countPlans))))[0] ?? {};
  for (const c of countPlans) {
    const p = profiles[c.index]!;
    p.topValues = ranked(c.values, counts, `cv${c.index}_`);
    p.patterns = ranked(c.patterns, counts, `cp${c.index}_`);
  }
  for (const p of profiles)
    if (p.kind === 'boolean' && (p.trues !== undefined || p.falses !== undefined))
      p.topValues = [
        { value: 'true', count: p.trues ?? 0 },
        { value: 'false', count: p.falses ?? 0 },
      ].sort((a, b) => b.count - a.count);

  return {
    database: o.table.database,
    table: o.table.name,
    stamp: o.stamp,
    tableVersion: o.tableVersion,
    computedAt: Date.now(),
    sample,
    rowCount: base.rowCount,
    ...tableRowsOf(sample, base.rowCount, num('total'), o.tableRows),
    columns: profiles,
    correlations: correlations(columns, profiles, num),
    passes,
  };
}

/** TableProfile.tableRows, where known. */
function tableRowsOf(
  sample: ProfileSample,
  profiled: number,
  counted: number | undefined,
  known: number | undefined,
): { tableRows?: number } {
  if (sample.kind === 'all') return { tableRows: profiled };
  if (sample.kind === 'random') return { tableRows: counted ?? profiled };
  // Fewer rows than asked: those were all of them.
  if (profiled < Math.max(1, Math.floor(sample.rows))) return { tableRows: profiled };
  return known !== undefined && known >= profiled ? { tableRows: known } : {};
}

function rowsOf(results: QualityQueryResult[], o: ProfileOptions): Row[] {
  const r = results[0];
  if (!r || 'error' in r)
    throw new DecantError(
      `quality: cannot profile ${o.table.database}.${o.table.name}: ${r?.error ?? 'no result'}`,
    );
  return r.rows;
}

/** The TOP_K largest counts, most first, ties by value. */
function top(counts: ValueCount[]): ValueCount[] {
  return [...counts]
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, TOP_K);
}

/** Rows per pattern, from rows per value (see valuePattern). */
function patternCounts(counts: readonly ValueCount[]): ValueCount[] {
  const by = new Map<string, number>();
  for (const { value, count } of counts) {
    const p = valuePattern(value);
    by.set(p, (by.get(p) ?? 0) + count);
  }
  return [...by].map(([value, count]) => ({ value, count }));
}

function setIfDefined<K extends keyof ColumnProfile>(
  p: ColumnProfile,
  key: K,
  value: ColumnProfile[K] | undefined,
): void {
  if (value !== undefined) p[key] = value;
}

function filled(bins: HistogramBin[], row: Row, prefix: string): HistogramBin[] {
  return bins.map((b, k) => ({ ...b, count: Number(row[`${prefix}${k}`] ?? 0) }));
}

/** Candidates with their exact counts, most first (ties in approx_top_k's order), none empty. */
function ranked(candidates: string[], row: Row, prefix: string): ValueCount[] {
  return candidates
    .map((value, j) => ({
      value: value.slice(0, VALUE_TEXT_LIMIT),
      count: Number(row[`${prefix}${j}`] ?? 0),
      j,
    }))
    .filter((v) => v.count > 0)
    .sort((a, b) => b.count - a.count || a.j - b.j)
    .map(({ value, count }) => ({ value, count }));
}

function correlations(
  columns: readonly ColumnInfo[],
  profiles: readonly ColumnProfile[],
  num: (k: string) => number | undefined,
): TableProfile['correlations'] {
  const numeric = profiles
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.kind === 'number')
    .slice(0, MAX_CORRELATED);
  return {
    columns: numeric.map(({ i }) => columns[i]!.name),
    values: numeric.map(({ i }) =>
      numeric.map(({ i: j }) =>
        // A column with no spread correlates with nothing, itself included.
        i === j
          ? (profiles[i]!.stddev ?? 0) > 0
            ? 1
            : null
          : (num(i < j ? `r${i}_${j}` : `r${j}_${i}`) ?? null),
      ),
    ),
  };
}

/**
 * The catalog's column statistics (Glue's) held in a profile: a profile of all rows computes
 * exactly the same aggregates, so they can be stored with the table version without a scan.
 */
export function statisticsOfProfile(p: TableProfile): {
  rowCount: number;
  columns: ColumnStatisticsValues[];
} {
  return {
    rowCount: p.rowCount,
    columns: p.columns.map((c) => {
      const optional = {
        min: c.min,
        max: c.max,
        maxLength: c.maxLength,
        avgLength: c.avgLength,
        trues: c.trues,
        falses: c.falses,
      };
      return {
        column: c.column,
        type: c.type,
        nulls: c.nulls,
        distinct: c.distinct,
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      };
    }),
  };
}
