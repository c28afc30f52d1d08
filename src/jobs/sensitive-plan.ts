/**
 * What a Detect Sensitive Data node computes, as SQL pieces in stages any engine can apply: the
 * entities found per value of each checked column, for `column` scope whether each column
 * holds each entity (a window share over all rows), then the output columns — masked, kept,
 * dropped, and the `DetectedEntities` listing. The tab wraps the stages as nested SELECTs; the
 * PySpark export applies the same text with `selectExpr`.
 */
import { quotedName } from '../core/quoted-name';
import { sameName, type NodeColumn } from './columns';
import type { DetectSensitiveDataNode, SensitiveAction, SensitiveRule } from './model';
import {
  entityListSql,
  maskSql,
  patternProblem,
  SQL_ENTITY_TYPES,
  type CustomEntitySql,
  type SqlDialect,
  type SqlEntityType,
} from '../quality';

export const DEFAULT_DETECTED_COLUMN = 'DetectedEntities';
export const DEFAULT_SENSITIVE_THRESHOLD = 0.1;
export const REDACTED_TEXT = '[REDACTED]';

/** Column names that say a date is a person's birth date, and ones that say a table has people. */
const BIRTH_COLUMN = /dob|birth|born/i;
const NAME_COLUMN = /name/i;

/** A new column as `alias`, computed from the columns before it. */
export type StageColumn = readonly [alias: string, expr: string];

export interface SensitivePlan {
  /** Applied in order, each adding its columns to the row (helper names start `__pii_`). */
  stages: StageColumn[][];
  /** The node's output, in order: a column kept as it is (expr null) or computed. */
  output: { name: string; expr: string | null }[];
  columns: NodeColumn[];
}

type Options = DetectSensitiveDataNode['options'];
type Entity = SqlEntityType | CustomEntitySql;

const STRENGTH: Record<SensitiveAction, number> = {
  drop: 0,
  hash: 1,
  redact: 2,
  partial: 3,
  detect: 4,
};

/**
 * The plan for `options` over `input`'s columns; problems (unknown columns or entity types, a
 * pattern RE2 cannot read, a drop with an entity) go to `issue`.
 */
export function sensitivePlan(
  options: Options,
  input: readonly NodeColumn[],
  q: SqlDialect,
  issue: (message: string) => void,
): SensitivePlan {
  const {
    scope,
    threshold = DEFAULT_SENSITIVE_THRESHOLD,
    customEntities = [],
    rules,
    salt,
    redactWith = 'text',
    detectedColumn = DEFAULT_DETECTED_COLUMN,
  } = options;
  if (scope !== 'cell' && scope !== 'column')
    issue(`${quotedName(String(scope))} is not a scope (cell or column)`);
  if (!(threshold > 0 && threshold <= 1)) issue(`the threshold ${threshold} is not in (0, 1]`);
  const find = (name: string) => input.find((c) => sameName(c.name, name));

  const custom: CustomEntitySql[] = [];
  for (const c of customEntities) {
    if (!/^[A-Za-z][A-Za-z0-9_ -]*$/.test(c.name))
      issue(`the entity type ${quotedName(c.name)} needs a name of letters, digits, _ or -`);
    else if ((SQL_ENTITY_TYPES as readonly string[]).includes(c.name.toUpperCase()))
      issue(`the entity type ${quotedName(c.name)} is a built-in one`);
    const problem = patternProblem(c.pattern);
    if (problem)
      issue(`the pattern of ${quotedName(c.name)} is not a regular expression: ${problem}`);
    else custom.push({ name: c.name, pattern: c.pattern });
  }
  const known = [...SQL_ENTITY_TYPES, ...custom.map((c) => c.name)];
  const wanted = options.entities?.length ? options.entities : known;
  for (const e of wanted) if (!known.includes(e)) issue(`${quotedName(e)} is not an entity type`);
  for (const r of rules) {
    if (r.entity && !wanted.includes(r.entity))
      issue(`${quotedName(r.entity)} is not among the entity types looked for`);
    if (r.column && !find(r.column)) issue(`column ${quotedName(r.column)} is not in its input`);
    if (r.action === 'drop' && (r.entity || !r.column))
      issue('"drop" removes a whole column: choose its column and no entity type');
    if (!(r.action in STRENGTH)) issue(`${quotedName(String(r.action))} is not an action`);
  }
  if (rules.some((r) => r.action === 'hash') && salt === '')
    issue('give a salt for the hash (an unsalted hash of an email is easy to reverse)');

  const dropped = new Set(
    rules.filter((r) => r.action === 'drop' && r.column).map((r) => find(r.column!)?.name ?? ''),
  );
  const named = new Set(
    rules.filter((r) => r.column && r.action !== 'drop').map((r) => find(r.column!)?.name ?? ''),
  );
  const listed = (options.columns ?? []).map((n) => {
    const c = find(n);
    if (!c) issue(`column ${quotedName(n)} is not in its input`);
    return c?.name ?? '';
  });
  const defaults = options.columns ? listed : input.filter(isText).map((c) => c.name);
  const checked = input.filter(
    (c) => (defaults.includes(c.name) || named.has(c.name)) && !dropped.has(c.name),
  );
  const hasPeople = (col: string) =>
    input.some((c) => c.name !== col && NAME_COLUMN.test(c.name) && !BIRTH_COLUMN.test(c.name));
  const entitiesOf = (col: string): Entity[] =>
    wanted.flatMap((e): Entity[] => {
      const own = custom.find((c) => c.name === e);
      if (own) {
        const words = customEntities.find((c) => c.name === e)?.contextWords ?? [];
        const fits =
          words.length === 0 || words.some((w) => col.toLowerCase().includes(w.toLowerCase()));
        return fits ? [own] : [];
      }
      if (e === 'DATE_OF_BIRTH') return BIRTH_COLUMN.test(col) && hasPeople(col) ? [e] : [];
      return (SQL_ENTITY_TYPES as readonly string[]).includes(e) ? [e as SqlEntityType] : [];
    });

  const stages: StageColumn[][] = [];
  const found = new Map<string, string>();
  const first: StageColumn[] = checked.map((c, i) => {
    found.set(c.name, `__pii_f${i}`);
    return [`__pii_f${i}`, entityListSql(entitiesOf(c.name), q.text(q.ident(c.name)), q)];
  });
  stages.push(first);
  if (scope === 'column') {
    // A column holds an entity when `threshold` of its non-NULL values do, over every row.
    const shares: StageColumn[] = [];
    const lists: StageColumn[] = [];
    checked.forEach((c, i) => {
      const n = `count(${q.ident(c.name)}) OVER ()`;
      const items = entitiesOf(c.name).map((e, j) => {
        const name = typeof e === 'string' ? e : e.name;
        const alias = `__pii_s${i}_${j}`;
        const hits = `sum(CASE WHEN ${q.contains(q.ident(`__pii_f${i}`), q.lit(name))} THEN 1 ELSE 0 END) OVER ()`;
        shares.push([alias, `(${n} > 0 AND ${hits} >= ${threshold} * ${n})`]);
        return `CASE WHEN ${q.ident(alias)} THEN ${q.lit(name)} END`;
      });
      lists.push([`__pii_g${i}`, q.filter(q.list(items), '__pii_c', '__pii_c IS NOT NULL')]);
      found.set(c.name, `__pii_g${i}`);
    });
    stages.push(shares, lists);
  }

  const output: SensitivePlan['output'] = [];
  const columns: NodeColumn[] = [];
  for (const c of input) {
    if (dropped.has(c.name)) continue;
    const list = found.get(c.name);
    const masks = list ? masksOf(c.name, rules, input) : [];
    if (!list || masks.length === 0) {
      output.push({ name: c.name, expr: null });
      columns.push(c);
      continue;
    }
    const F = q.ident(list);
    const x = q.text(q.ident(c.name));
    const whens = masks.map((r) => {
      const when = r.entity ? q.contains(F, q.lit(r.entity)) : `${q.size(F)} > 0`;
      const text =
        redactWith === 'entity'
          ? r.entity
            ? q.lit(`[${r.entity}]`)
            : `'[' || ${q.first(F)} || ']'`
          : q.lit(REDACTED_TEXT);
      const mask =
        r.action === 'hash'
          ? maskSql({ kind: 'hash', salt }, x, q)
          : r.action === 'redact'
            ? maskSql({ kind: 'redact', text }, x, q)
            : maskSql({ kind: 'partial' }, x, q);
      return `WHEN ${when} THEN ${mask}`;
    });
    output.push({ name: c.name, expr: `CASE ${whens.join(' ')} ELSE ${x} END` });
    columns.push({ name: c.name, type: 'VARCHAR' });
  }
  if (rules.some((r) => r.action === 'detect')) {
    const parts = checked.map((c) => {
      const F = q.ident(found.get(c.name)!);
      return `CASE WHEN ${q.size(F)} > 0 THEN ${q.lit(`${c.name}: `)} || ${q.joinList(F, q.lit(', '))} END`;
    });
    const expr = parts.length ? `nullif(concat_ws('; ', ${parts.join(', ')}), '')` : q.text('NULL');
    if (detectedColumn === '' || find(detectedColumn))
      issue(
        `the detection column ${quotedName(detectedColumn)} needs a name its input does not have`,
      );
    output.push({ name: detectedColumn, expr });
    columns.push({ name: detectedColumn, type: 'VARCHAR' });
  }
  return { stages, output, columns };
}

/** The masking rules that apply to `column`, strongest first (hash, redact, partial). */
function masksOf(
  column: string,
  rules: readonly SensitiveRule[],
  input: readonly NodeColumn[],
): SensitiveRule[] {
  return rules
    .filter(
      (r) =>
        (r.action === 'hash' || r.action === 'redact' || r.action === 'partial') &&
        (!r.column || input.some((c) => sameName(c.name, r.column!) && c.name === column)),
    )
    .sort((a, b) => STRENGTH[a.action] - STRENGTH[b.action]);
}

function isText(c: NodeColumn): boolean {
  return /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)\b/i.test(c.type ?? '');
}
