/**
 * A DQDL condition, two ways: checked in JavaScript against a measured number (RowCount > 100),
 * or as a SQL predicate on each row's value (ColumnValues "status" in ["new", "paid"]).
 */
import { joinSql, raw, sql, type Sql } from '../../core/sql/sql-template';
import type { Condition, Duration, Operand } from '../dqdl/ast';

const SECONDS: Record<Duration['unit'], number> = { minutes: 60, hours: 3600, days: 86400 };

export function durationSeconds(d: Duration): number {
  return d.amount * SECONDS[d.unit];
}

/** A number an operand stands for in a numeric comparison (durations in seconds). */
function numberOf(o: Operand): number {
  if (o.kind === 'number') return o.value;
  if (o.kind === 'duration') return durationSeconds(o.duration);
  throw new Error(`quality: ${o.kind} is not a number`);
}

/** Whether a measured number meets a numeric condition; null (nothing measured) never does. */
export function numberMeets(value: number | null, c: Condition): boolean {
  if (value === null || Number.isNaN(value)) return false;
  switch (c.kind) {
    case 'compare': {
      const v = numberOf(c.value);
      // Measured ratios are floating point: 0.1 + 0.2 must still equal 0.3.
      const eq = Math.abs(value - v) <= 1e-9 * Math.max(1, Math.abs(v));
      switch (c.op) {
        case '=':
          return eq;
        case '!=':
          return !eq;
        case '>':
          return value > v && !eq;
        case '>=':
          return value >= v || eq;
        case '<':
          return value < v && !eq;
        case '<=':
          return value <= v || eq;
      }
      break;
    }
    case 'between': {
      // Glue's between is exclusive of neither bound in examples like `between 1 and 10`.
      const inside = value >= numberOf(c.low) && value <= numberOf(c.high);
      return c.negated ? !inside : inside;
    }
    case 'in': {
      const found = c.values.some((o) => o.kind === 'number' && Math.abs(o.value - value) <= 1e-9);
      return c.negated ? !found : found;
    }
    case 'matches':
      return false;
  }
  return false;
}

/** `now()` with its offsets, as a TIMESTAMP literal at the evaluation's instant. */
function nowSql(o: Extract<Operand, { kind: 'now' }>, now: Date): Sql {
  const ms = o.offsets.reduce(
    (t, x) => t + x.sign * durationSeconds(x.duration) * 1000,
    now.getTime(),
  );
  const text = new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  return sql`CAST(${text} AS TIMESTAMP)`;
}

function operandSql(o: Operand, now: Date): Sql {
  switch (o.kind) {
    case 'number':
      return sql`${o.value}`;
    case 'string':
      return sql`${o.value}`;
    case 'now':
      return nowSql(o, now);
    case 'duration':
      return sql`${durationSeconds(o.duration)}`;
    case 'keyword':
      return raw('NULL');
  }
}

/** The predicate a keyword stands for: NULL, EMPTY (''), WHITESPACES_ONLY (blank but not ''). */
function keywordSql(v: Sql, k: 'NULL' | 'EMPTY' | 'WHITESPACES_ONLY'): Sql {
  if (k === 'NULL') return sql`${v} IS NULL`;
  if (k === 'EMPTY') return sql`CAST(${v} AS VARCHAR) = ''`;
  return sql`(length(CAST(${v} AS VARCHAR)) > 0 AND trim(CAST(${v} AS VARCHAR)) = '')`;
}

/**
 * Whether a row's `v` meets the condition, as a predicate that is never NULL. Glue's NULL rule:
 * a NULL value fails every ColumnValues condition except `!=` and `not in` (unless the list
 * names NULL); `in [… NULL]` and `= NULL` let it pass.
 */
export function rowPredicateSql(v: Sql, c: Condition, now: Date): Sql {
  switch (c.kind) {
    case 'compare': {
      if (c.value.kind === 'keyword') {
        const k = keywordSql(v, c.value.value);
        if (c.op === '=') return sql`coalesce(${k}, false)`;
        if (c.op === '!=') return sql`coalesce(NOT (${k}), true)`;
      }
      const op = raw(c.op === '!=' ? '<>' : c.op);
      const nullPasses = c.op === '!=' ? raw('true') : raw('false');
      return sql`coalesce(${v} ${op} ${operandSql(c.value, now)}, ${nullPasses})`;
    }
    case 'between': {
      const inside = sql`${v} BETWEEN ${operandSql(c.low, now)} AND ${operandSql(c.high, now)}`;
      return c.negated ? sql`coalesce(NOT (${inside}), false)` : sql`coalesce(${inside}, false)`;
    }
    case 'in': {
      const plain = c.values.filter((o) => o.kind !== 'keyword').map((o) => operandSql(o, now));
      const keywords = c.values.flatMap((o) => (o.kind === 'keyword' ? [o.value] : []));
      const parts: Sql[] = [];
      if (plain.length) parts.push(sql`${v} IN (${joinSql(plain)})`);
      for (const k of keywords) parts.push(keywordSql(v, k));
      const any = sql`(${joinSql(parts, ' OR ')})`;
      if (!c.negated) return sql`coalesce(${any}, false)`;
      return sql`coalesce(NOT ${any}, ${raw(keywords.includes('NULL') ? 'false' : 'true')})`;
    }
    case 'matches': {
      const m = sql`regexp_full_match(CAST(${v} AS VARCHAR), ${c.pattern})`;
      return c.negated ? sql`coalesce(NOT ${m}, false)` : sql`coalesce(${m}, false)`;
    }
  }
}
