/**
 * A starting ruleset from a table's column statistics, as Glue's recommendations do: the row
 * count near today's, completeness as it is, likely keys unique, numbers within their range,
 * text within its length. The user edits it before saving: it describes the data, not intent.
 */
import type { ColumnStatistics } from '../engine/protocol';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|REAL|DOUBLE|DECIMAL)/i;

/** DQDL text; `rowCount` and `columns` as the catalog's statistics hold them. */
export function recommendRuleset(stats: { rowCount: number; columns: ColumnStatistics[] }): string {
  // DQDL strings escape `"` and the backslash with a backslash (see dqdl/lexer.ts).
  const q = (name: string) => `"${name.replace(/["\\]/g, '\\$&')}"`;
  const rules: string[] = [];
  const n = stats.rowCount;
  if (n > 0) rules.push(`RowCount between ${Math.floor(n * 0.5)} and ${Math.ceil(n * 1.5)}`);
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
  }
  return `# Recommended from column statistics of ${n} rows: edit before saving.\nRules = [\n${rules.map((r) => `  ${r}`).join(',\n')}\n]\n`;
}
