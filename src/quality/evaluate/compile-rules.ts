/**
 * Each DQDL rule as measures in a QueryPlan and a verdict on what they measured, following
 * Glue's (Deequ's) definitions: Completeness = non-NULL / rows; Uniqueness = values occurring
 * exactly once / rows; UniqueValueRatio = values occurring once / distinct values; Entropy in
 * nats over non-NULL values with p = count / rows; StandardDeviation is the population's;
 * ColumnValues, ColumnLength, DataFreshness and ColumnDataType are measured row by row.
 * Over 400 lines because it is one exhaustive switch over DQDL's rule types, each case a few
 * lines pairing its measure with its verdict; split up, the pairs would sit in different files.
 */
import type { ColumnInfo } from '../../core/csv/dialect';
import { ident, joinSql, raw, sql, type Sql } from '../../core/sql/sql-template';
import type { QualityQueryResult } from '../../engine/protocol';
import type { Condition, Rule, SimpleRule } from '../dqdl/ast';
import type { RuleOutcome } from '../model';
import { numberMeets, rowPredicateSql } from './conditions';
import { MeasureError, QueryPlan, type Measure } from './query-plan';
import { glueTypeOf, tryCastType } from './glue-types';

export interface TableRef {
  database: string;
  name: string;
}

export interface EvaluationContext {
  table: TableRef;
  /** The table's columns with DuckDB types, as the engine serves it. */
  columns: ColumnInfo[];
  /** The instant `now()` stands for. */
  now: Date;
  /** The table a reference names (`orders`, `sales.orders`), or undefined when there is none. */
  resolveTable(name: string): TableRef | undefined;
  /** The rows to measure when they are not the table itself (a job node's input, as a subquery). */
  relation?: Sql;
}

/** The relation a rule reads: the context's own, or the table. */
export function relationOf(ctx: EvaluationContext): Sql {
  return ctx.relation ?? ident(ctx.table.database, ctx.table.name);
}

/** A compiled rule: its verdict from the results, and for row-level rules how to find failing rows. */
export interface CompiledRule {
  verdict(results: readonly QualityQueryResult[]): RuleOutcome;
  /** A query for a few failing rows, asked only when rows failed. */
  sample?: Sql;
  /**
   * Row-level rules: whether one row passes, as a predicate over the relation's columns (true
   * pass, false fail, NULL: the rule's `where` leaves the row out). Absent for dataset-level rules.
   */
  row?: Sql;
}

export function compileRule(rule: Rule, plan: QueryPlan, ctx: EvaluationContext): CompiledRule {
  if (rule.kind !== 'rule') {
    const parts = rule.rules.map((r) => compileRule(r, plan, ctx));
    return {
      verdict(results) {
        const outcomes = parts.map((p) => p.verdict(results));
        const states = outcomes.map((o) => o.outcome);
        const outcome = states.includes('ERROR')
          ? 'ERROR'
          : (rule.kind === 'and' ? states.every((s) => s === 'PASS') : states.includes('PASS'))
            ? 'PASS'
            : 'FAIL';
        return { rule: rule.text, type: rule.kind, outcome, parts: outcomes };
      },
      ...compositeRow(rule.kind, parts),
    };
  }
  try {
    return compileSimple(rule, plan, ctx);
  } catch (e) {
    if (!(e instanceof MeasureError)) throw e;
    return { verdict: () => errorOutcome(rule, e.message) };
  }
}

/** A composite is row-level when every part is (SQL's AND/OR keep NULL for a left-out row). */
function compositeRow(kind: 'and' | 'or', parts: CompiledRule[]): { row?: Sql } {
  if (!parts.every((p) => p.row)) return {};
  const op = kind === 'and' ? ' AND ' : ' OR ';
  return {
    row: sql`(${joinSql(
      parts.map((p) => sql`(${p.row!})`),
      op,
    )})`,
  };
}

/** A row predicate limited to the rows `where` selects: NULL (skipped) for the others. */
function rowWhere(where: string | undefined, passes: Sql): Sql {
  return where === undefined
    ? sql`coalesce(${passes}, false)`
    : sql`CASE WHEN coalesce((${raw(where)}), false) THEN coalesce(${passes}, false) END`;
}

function errorOutcome(rule: SimpleRule, message: string): RuleOutcome {
  return { rule: rule.text, type: rule.type, outcome: 'ERROR', message };
}

/** The verdict, or ERROR with the measure's failure. */
function guarded(rule: SimpleRule, f: (results: readonly QualityQueryResult[]) => RuleOutcome) {
  return (results: readonly QualityQueryResult[]): RuleOutcome => {
    try {
      return f(results);
    } catch (e) {
      if (e instanceof MeasureError) return errorOutcome(rule, e.message);
      throw e;
    }
  };
}

function compileSimple(rule: SimpleRule, plan: QueryPlan, ctx: EvaluationContext): CompiledRule {
  const column = (name: string): ColumnInfo => {
    const c = ctx.columns.find((x) => x.name === name);
    if (!c)
      throw new MeasureError(
        `no column "${name}" in ${ctx.table.database}.${ctx.table.name}` +
          nearColumn(name, ctx.columns),
      );
    return c;
  };
  const col = (name: string): Sql => ident(column(name).name);
  const where = rule.where?.sql;
  const count = (expr: Sql = raw('count(*)')) =>
    plan.aggregate(where, sql`CAST(${expr} AS DOUBLE)`);
  const value = (m: Measure<number | null>, message?: (v: number | null) => string) =>
    guarded(rule, (results) => {
      const v = m(results);
      const pass = rule.condition ? numberMeets(v, rule.condition) : v === 1;
      return {
        rule: rule.text,
        type: rule.type,
        outcome: pass ? 'PASS' : 'FAIL',
        value: v,
        ...(message && !pass ? { message: message(v) } : {}),
      };
    });
  /** A rule measured row by row: `passes` is the per-row predicate. */
  const rowLevel = (passes: Sql): CompiledRule => {
    const rows = count();
    const passed = count(sql`count(*) FILTER (WHERE ${passes})`);
    return {
      verdict: guarded(rule, (results) => {
        const n = rows(results) ?? 0;
        const ok = passed(results) ?? 0;
        const ratio = n === 0 ? 1 : ok / n;
        const pass = rule.threshold ? numberMeets(ratio, rule.threshold) : ok === n;
        return {
          rule: rule.text,
          type: rule.type,
          outcome: pass ? 'PASS' : 'FAIL',
          value: ratio,
          failedRows: n - ok,
          rows: n,
        };
      }),
      sample: sql`SELECT COLUMNS(*)::VARCHAR ${plan.from(where)}${where === undefined ? sql` WHERE` : sql` AND`} NOT (${passes}) LIMIT 5`,
      row: rowWhere(where, passes),
    };
  };
  const condition = rule.condition;
  const [p0 = '', p1 = ''] = rule.params;
  switch (rule.type) {
    case 'RowCount':
      return { verdict: value(count()) };
    case 'ColumnCount':
      return { verdict: value(() => ctx.columns.length) };
    case 'ColumnExists': {
      const found = ctx.columns.some((c) => c.name === p0);
      return {
        verdict: () => ({
          rule: rule.text,
          type: rule.type,
          outcome: found ? 'PASS' : 'FAIL',
          value: found ? 1 : 0,
          ...(found ? {} : { message: `no column "${p0}"${nearColumn(p0, ctx.columns)}` }),
        }),
      };
    }
    case 'ColumnNamesMatchPattern': {
      const re = new RegExp(`^(?:${p0})$`);
      const bad = ctx.columns.filter((c) => !re.test(c.name)).map((c) => c.name);
      return {
        verdict: () => ({
          rule: rule.text,
          type: rule.type,
          outcome: bad.length ? 'FAIL' : 'PASS',
          value: (ctx.columns.length - bad.length) / Math.max(1, ctx.columns.length),
          ...(bad.length
            ? { message: `not matching: ${bad.map((b) => `"${b}"`).join(', ')}` }
            : {}),
        }),
      };
    }
    case 'ColumnDataType':
      return columnDataType(rule, column(p0), rowLevel);
    case 'IsComplete':
      return rowLevel(sql`${col(p0)} IS NOT NULL`);
    case 'Completeness': {
      const rows = count();
      const nonNull = count(sql`count(${col(p0)})`);
      return { verdict: value((r) => ratio(nonNull(r), rows(r))) };
    }
    case 'ColumnValues': {
      if (!condition) throw new MeasureError('ColumnValues needs a condition');
      return rowLevel(rowPredicateSql(col(p0), condition, ctx.now));
    }
    case 'ColumnLength': {
      if (!condition) throw new MeasureError('ColumnLength needs a condition');
      return rowLevel(
        rowPredicateSql(sql`length(CAST(${col(p0)} AS VARCHAR))`, condition, ctx.now),
      );
    }
    case 'DataFreshness': {
      if (!condition) throw new MeasureError('DataFreshness needs a condition');
      const c = column(p0);
      if (!/^(DATE|TIMESTAMP)/i.test(c.type) && !/^VARCHAR/i.test(c.type))
        throw new MeasureError(`"${p0}" is ${c.type}, not a date or timestamp`);
      const nowText = ctx.now.toISOString().replace('T', ' ').replace('Z', '');
      const age = sql`(epoch(CAST(${nowText} AS TIMESTAMP)) - epoch(TRY_CAST(${col(p0)} AS TIMESTAMP)))`;
      return rowLevel(rowPredicateSql(age, condition, ctx.now));
    }
    case 'Mean':
      return { verdict: value(count(sql`avg(CAST(${col(p0)} AS DOUBLE))`)) };
    case 'Sum':
      return { verdict: value(count(sql`sum(CAST(${col(p0)} AS DOUBLE))`)) };
    case 'StandardDeviation':
      return { verdict: value(count(sql`stddev_pop(CAST(${col(p0)} AS DOUBLE))`)) };
    case 'ColumnCorrelation':
      return {
        verdict: value(count(sql`corr(CAST(${col(p0)} AS DOUBLE), CAST(${col(p1)} AS DOUBLE))`)),
      };
    case 'DistinctValuesCount':
      return { verdict: value(count(sql`count(DISTINCT ${col(p0)})`)) };
    case 'UniqueValueRatio':
    case 'Uniqueness':
    case 'Entropy':
    case 'IsUnique':
    case 'IsPrimaryKey':
      return frequencyRule(rule, plan, ctx, rule.params.map(col), value);
    case 'ReferentialIntegrity':
      return referentialIntegrity(rule, plan, ctx, value);
    case 'RowCountMatch': {
      const ref = resolve(ctx, p0);
      const rows = count();
      const refRows = plan.query(
        sql`SELECT CAST(count(*) AS DOUBLE) AS n FROM ${ident(ref.database, ref.name)}`,
      );
      return { verdict: value((r) => ratio(rows(r), Number(refRows(r)[0]?.n ?? 0))) };
    }
    case 'CustomSql':
      return customSql(rule, plan, ctx, value);
  }
}

function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  return a / b;
}

function nearColumn(name: string, columns: readonly ColumnInfo[]): string {
  const same = columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  return same ? ` (did you mean "${same.name}"? names are case-sensitive)` : '';
}

function resolve(ctx: EvaluationContext, name: string): TableRef {
  const t = ctx.resolveTable(name);
  if (!t) throw new MeasureError(`no table "${name}" in the catalog`);
  return t;
}

/** IsUnique, IsPrimaryKey, Uniqueness, UniqueValueRatio, Entropy: one GROUP BY per column set. */
function frequencyRule(
  rule: SimpleRule,
  plan: QueryPlan,
  ctx: EvaluationContext,
  cols: Sql[],
  value: (m: Measure<number | null>) => (r: readonly QualityQueryResult[]) => RuleOutcome,
): CompiledRule {
  const where = rule.where?.sql;
  const anyNonNull = joinSql(
    cols.map((c) => sql`${c} IS NOT NULL`),
    ' OR ',
  );
  const allNonNull = joinSql(
    cols.map((c) => sql`${c} IS NOT NULL`),
    ' AND ',
  );
  const filtered = where === undefined ? sql`WHERE ${anyNonNull}` : sql`AND (${anyNonNull})`;
  const freq = plan.query(
    sql`SELECT CAST(count(*) FILTER (WHERE n = 1) AS DOUBLE) AS uniq, CAST(count(*) AS DOUBLE) AS dist, coalesce(sum(n * ln(n)), 0) AS nlnn, CAST(coalesce(sum(n), 0) AS DOUBLE) AS nonnull FROM (SELECT count(*) AS n ${plan.from(where)} ${filtered} GROUP BY ${joinSql(cols)})`,
  );
  const rows = plan.aggregate(where, raw('CAST(count(*) AS DOUBLE)'));
  const f = (r: readonly QualityQueryResult[]) => {
    const row = freq(r)[0] ?? {};
    return {
      uniq: Number(row.uniq ?? 0),
      dist: Number(row.dist ?? 0),
      nlnn: Number(row.nlnn ?? 0),
      nonNull: Number(row.nonnull ?? 0),
      rows: rows(r) ?? 0,
    };
  };
  switch (rule.type) {
    case 'Uniqueness':
      return { verdict: value((r) => ((x) => ratio(x.uniq, x.rows))(f(r))) };
    case 'UniqueValueRatio':
      return { verdict: value((r) => ((x) => ratio(x.uniq, x.dist))(f(r))) };
    case 'Entropy':
      return {
        verdict: value((r) => {
          const x = f(r);
          return x.rows === 0 ? null : (x.nonNull / x.rows) * Math.log(x.rows) - x.nlnn / x.rows;
        }),
      };
    default: {
      const complete = plan.aggregate(
        where,
        sql`CAST(count(*) FILTER (WHERE ${allNonNull}) AS DOUBLE)`,
      );
      const primaryKey = rule.type === 'IsPrimaryKey';
      const dup = ctx.columns.some((c) => c.name === '__dq_n') ? '__dq_n_' : '__dq_n';
      return {
        verdict: guarded(rule, (r) => {
          const x = f(r);
          const whole = complete(r) ?? 0;
          // Glue: IsUnique is Uniqueness = 1.0 (a NULL is not unique); a key is also complete.
          const failed = Math.max(x.rows - x.uniq, primaryKey ? x.rows - whole : 0);
          return {
            rule: rule.text,
            type: rule.type,
            outcome: failed === 0 ? 'PASS' : 'FAIL',
            value: x.rows === 0 ? 1 : x.uniq / x.rows,
            failedRows: failed,
            rows: x.rows,
          };
        }),
        sample: sql`SELECT COLUMNS(* EXCLUDE (${ident(dup)}))::VARCHAR FROM (SELECT *, count(*) OVER (PARTITION BY ${joinSql(cols)}) AS ${ident(dup)} ${plan.from(where)}) WHERE ${ident(dup)} > 1 OR NOT (${primaryKey ? allNonNull : anyNonNull}) LIMIT 5`,
        // Row by row only without `where`: the window must count the same rows the rule does.
        ...(where === undefined
          ? {
              row: sql`(${primaryKey ? allNonNull : anyNonNull}) AND count(*) OVER (PARTITION BY ${joinSql(cols)}) = 1`,
            }
          : {}),
      };
    }
  }
}

/** ReferentialIntegrity "a,b" "ref.{a,b}": the share of rows whose values the reference holds. */
function referentialIntegrity(
  rule: SimpleRule,
  plan: QueryPlan,
  ctx: EvaluationContext,
  value: (m: Measure<number | null>) => (r: readonly QualityQueryResult[]) => RuleOutcome,
): CompiledRule {
  const [mine = '', theirs = ''] = rule.params;
  const dot = theirs.lastIndexOf('.', theirs.includes('{') ? theirs.indexOf('{') : undefined);
  if (dot <= 0)
    throw new MeasureError(`the reference "${theirs}" must be "table.column" or "table.{a,b}"`);
  const refName = theirs.slice(0, dot);
  const refCols = theirs
    .slice(dot + 1)
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((s) => s.trim());
  const myCols = mine.split(',').map((s) => s.trim());
  if (refCols.length !== myCols.length)
    throw new MeasureError(`${myCols.length} column(s) against ${refCols.length} in the reference`);
  for (const c of myCols)
    if (!ctx.columns.some((x) => x.name === c))
      throw new MeasureError(`no column "${c}" in ${ctx.table.database}.${ctx.table.name}`);
  const ref = resolve(ctx, refName);
  const on = joinSql(
    myCols.map((c, i) => sql`r.${ident(refCols[i]!)} = p.${ident(c)}`),
    ' AND ',
  );
  const where = rule.where?.sql;
  const filter = where === undefined ? sql`` : sql` WHERE (${raw(where)})`;
  const q = plan.query(
    sql`SELECT CAST(count(*) AS DOUBLE) AS n, CAST(count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ${ident(ref.database, ref.name)} r WHERE ${on})) AS DOUBLE) AS found FROM ${relationOf(ctx)} p${filter}`,
  );
  return {
    verdict: value((r) => {
      const row = q(r)[0] ?? {};
      return ratio(Number(row.found ?? 0), Number(row.n ?? 0));
    }),
  };
}

/** `primary` (Glue's name for the table a rule runs on) in the user's SQL, outside quotes. */
export function withPrimary(statement: string, relation: Sql): string {
  return statement.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\bprimary\b/gi, (m) =>
    m.startsWith("'") || m.startsWith('"') ? m : relation.text,
  );
}

/** CustomSql: one number compared with the condition, or (no condition) the rows it selects. */
function customSql(
  rule: SimpleRule,
  plan: QueryPlan,
  ctx: EvaluationContext,
  value: (m: Measure<number | null>) => (r: readonly QualityQueryResult[]) => RuleOutcome,
): CompiledRule {
  const statement = withPrimary(rule.params[0] ?? '', relationOf(ctx));
  if (rule.condition) {
    const q = plan.query(raw(statement));
    return {
      verdict: value((r) => {
        const rows = q(r);
        const first = rows[0];
        const cells = first ? Object.values(first) : [];
        if (rows.length !== 1 || cells.length !== 1)
          throw new MeasureError(
            `the SQL must return one value (one row, one column); it returned ${rows.length} row(s)` +
              (first ? ` of ${cells.length} column(s)` : ''),
          );
        const v = cells[0];
        if (v !== null && typeof v !== 'number' && Number.isNaN(Number(v)))
          throw new MeasureError(`the SQL returned ${JSON.stringify(v)}, not a number`);
        return v === null ? null : Number(v);
      }),
    };
  }
  // Row-level form: the rows the statement selects pass; the rule wants all of them.
  const rows = plan.aggregate(undefined, raw('CAST(count(*) AS DOUBLE)'));
  const selected = plan.query(sql`SELECT CAST(count(*) AS DOUBLE) AS n FROM (${raw(statement)})`);
  const threshold: Condition | undefined = rule.threshold;
  return {
    verdict: guarded(rule, (r) => {
      const n = rows(r) ?? 0;
      const ok = Number(selected(r)[0]?.n ?? 0);
      const share = n === 0 ? 1 : ok / n;
      const pass = threshold ? numberMeets(share, threshold) : ok >= n;
      return {
        rule: rule.text,
        type: rule.type,
        outcome: pass ? 'PASS' : 'FAIL',
        value: share,
        failedRows: Math.max(0, n - ok),
        rows: n,
      };
    }),
  };
}

function columnDataType(
  rule: SimpleRule,
  c: ColumnInfo,
  rowLevel: (passes: Sql) => CompiledRule,
): CompiledRule {
  const cond = rule.condition;
  const wanted = cond?.kind === 'compare' ? [cond.value] : cond?.kind === 'in' ? cond.values : [];
  const names = wanted.map((o) => (o.kind === 'string' ? o.value.toUpperCase() : ''));
  const negated =
    (cond?.kind === 'compare' && cond.op === '!=') || (cond?.kind === 'in' && cond.negated);
  for (const n of names)
    if (!tryCastType(n))
      throw new MeasureError(
        `unknown type "${n}" (Glue's: BOOLEAN, DATE, TIMESTAMP, INTEGER, LONG, FLOAT, DOUBLE, DECIMAL, STRING)`,
      );
  if (!/^VARCHAR/i.test(c.type)) {
    // A typed column: its declared type is the answer for every row.
    const glue = glueTypeOf(c.type);
    const found = names.includes(glue);
    const pass = negated ? !found : found;
    return {
      verdict: () => ({
        rule: rule.text,
        type: rule.type,
        outcome: pass ? 'PASS' : 'FAIL',
        value: glue,
        ...(pass ? {} : { message: `"${c.name}" is ${c.type} (${glue})` }),
      }),
    };
  }
  // Text: the share of values that read as the type (Glue's check on string columns).
  const v = ident(c.name);
  const casts = joinSql(
    names.map((n) => sql`TRY_CAST(${v} AS ${raw(tryCastType(n)!)}) IS NOT NULL`),
    ' OR ',
  );
  return rowLevel(
    negated ? sql`(${v} IS NULL OR NOT (${casts}))` : sql`(${v} IS NULL OR ${casts})`,
  );
}
