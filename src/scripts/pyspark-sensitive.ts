/**
 * Detect Sensitive Data on Spark: the tab's plan (jobs' sensitivePlan) written in Spark SQL's
 * spelling — RLIKE, regexp_extract_all, filter/transform/aggregate for the Luhn and IBAN
 * checks, sha2(salt || value, 256) — and applied with selectExpr, stage by stage. The patterns
 * are ASCII classes both RE2 and Java read alike; a user's pattern using syntax Java reads
 * differently is flagged.
 */
import { sensitivePlan, type NodeColumn, type NodeOf, type SqlDialect } from '../jobs';
import { py, pyList } from './python-text';
import { sparkIdent, sparkString } from './spark-types';

export const SPARK_DIALECT: SqlDialect = {
  lit: sparkString,
  ident: sparkIdent,
  text: (x) => `CAST(${x} AS STRING)`,
  matches: (x, re) => `(${x} RLIKE ${sparkString(re)})`,
  extractAll: (x, re) => `regexp_extract_all(${x}, ${sparkString(re)}, 0)`,
  // Java's replacement text treats `$` and `\` specially: escape them.
  replaceAll: (x, re, by) =>
    `regexp_replace(${x}, ${sparkString(re)}, ${sparkString(by.replace(/[$\\]/g, '\\$&'))})`,
  digitsOnly: (x) => `regexp_replace(${x}, '[^0-9]', '')`,
  filter: (l, v, b) => `filter(${l}, ${v} -> ${b})`,
  transform: (l, v, b) => `transform(${l}, ${v} -> ${b})`,
  list: (items) => `array(${items.join(', ')})`,
  fold: (l, init, acc, v, b) => `aggregate(${l}, ${init}, (${acc}, ${v}) -> ${b})`,
  indexes: (n) => `sequence(0, ${n} - 1)`,
  size: (l) => `size(${l})`,
  contains: (l, t) => `array_contains(${l}, ${t})`,
  first: (l) => `element_at(${l}, 1)`,
  joinList: (l, sep) => `array_join(${l}, ${sep})`,
  sha256: (x) => `sha2(${x}, 256)`,
};

/** RE2 syntax that Java's regular expressions read otherwise (or not at all). */
const RE2_ONLY = /\(\?P<|\\[pP]\{?\^|\\C|\\z|\[\[:/;

/** The node's DataFrame lines (between `df = ….toDF()` and the DynamicFrame). */
export function sensitiveLines(
  node: NodeOf<'detect-sensitive-data'>,
  input: readonly NodeColumn[] | null,
  flag: (message: string) => void,
): string[] {
  if (!input) {
    flag('its input columns are not known: describe the job first');
    return [];
  }
  for (const c of node.options.customEntities ?? [])
    if (RE2_ONLY.test(c.pattern))
      flag(
        `the pattern of ${c.name} uses RE2 syntax that Java's regular expressions read otherwise`,
      );
  const plan = sensitivePlan(node.options, input, SPARK_DIALECT, flag);
  const lines = plan.stages
    .filter((s) => s.length > 0)
    .map(
      (s) =>
        `df = df.selectExpr("*", ${s.map(([alias, expr]) => py(`${expr} AS ${sparkIdent(alias)}`)).join(', ')})`,
    );
  const out = plan.output.map((o) =>
    py(o.expr === null ? sparkIdent(o.name) : `${o.expr} AS ${sparkIdent(o.name)}`),
  );
  lines.push(`df = df.selectExpr(*${pyList(out)})`);
  return lines;
}
