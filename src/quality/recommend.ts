/**
 * A starting ruleset from a table's column statistics or its profile, as Glue's recommendations
 * do: the row count near today's, completeness as it is, likely keys unique, numbers within
 * their range, text within its length, and (from a profile) text with few values within them.
 * The user edits it before saving: it describes the data, not intent.
 */
import type { ColumnStatistics } from '../engine/protocol';
import { VALUE_TEXT_LIMIT, type ValueCount } from './profile/model';

/** A column with at most this many values, all among the profile's top values, gets `in`. */
const FEW_VALUES = 10;

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|REAL|DOUBLE|DECIMAL)/i;

/**
 * DQDL text; `rowCount` and `columns` as the catalog's statistics hold them, or a profile's
 * columns (their `topValues` used too); `from` names the source in the first line.
 */
export function recommendRuleset(
  stats: {
    rowCount: number;
    /** All rows, when `rowCount` and `columns` describe a sample (a profile's). */
    tableRows?: number;
    columns: (ColumnStatistics & { topValues?: ValueCount[] })[];
  },
  from = 'column statistics',
): string {
  // DQDL strings escape `"` and the backslash with a backslash (see dqdl/lexer.ts).
  const q = (name: string) => `"${name.replace(/["\\]/g, '\\$&')}"`;
  const rules: string[] = [];
  const n = stats.rowCount;
  const all = stats.tableRows ?? n;
  if (all > 0) rules.push(`RowCount between ${Math.floor(all * 0.5)} and ${Math.ceil(all * 1.5)}`);
  for (const c of stats.columns) {
    if (c.nulls === 0 && n > 0) rules.push(`IsComplete ${q(c.column)}`);
    else if (n > 0) {
      const share = Math.floor(((n - c.nulls) / n) * 100) / 100;
      if (share > 0) rules.push(`Completeness ${q(c.column)} >= ${share}`);
    }
    // approx_count_distinct is an estimate: near the row count suggests a key worth checking.
    if (n > 1 && c.nulls === 0 && c.distinct >= n * 0.95) rules.push(`IsUnique ${q(c.column)}`);
    if (NUMERIC.test(c.type) && c.min !== undefined && c.max !== undefined)
      rules.push(`ColumnValues ${q(c.column)} between ${c.min} and ${c.max}`);
    if (c.maxLength !== undefined && c.maxLength > 0)
      rules.push(`ColumnLength ${q(c.column)} <= ${c.maxLength}`);
    const top = c.topValues;
    if (
      c.maxLength !== undefined &&
      c.maxLength <= VALUE_TEXT_LIMIT &&
      top?.length &&
      top.length <= FEW_VALUES &&
      top.reduce((a, v) => a + v.count, 0) === n - c.nulls
    )
      // A NULL fails `in` unless the list names it (Glue's rule).
      rules.push(
        `ColumnValues ${q(c.column)} in [${[...top.map((v) => q(v.value)), ...(c.nulls ? ['NULL'] : [])].join(', ')}]`,
      );
  }
  return `# Recommended from ${from} of ${n} rows: edit before saving.\nRules = [\n${rules.map((r) => `  ${r}`).join(',\n')}\n]\n`;
}
