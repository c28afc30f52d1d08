/**
 * Lake Formation-style fine-grained rules for sharing one table: columns left out, a row filter,
 * and columns hashed (salted SHA-256), redacted or partly redacted (last 4 kept) — compiled to one DuckDB `SELECT` over the
 * table, so nothing withheld ever leaves the engine.
 */
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import { ident, joinSql, raw, sql, type Sql } from '../core/sql/sql-template';
import { asciiLower } from '../core/sql/table-view';
import type { CatalogColumn } from '../catalog';
import type { JobTargetSpec } from '../engine/protocol';
import { filterSql, isGroup, type FilterClause, type FilterGroup } from '../jobs';

/** What happens to a column's values in the package. */
export type ColumnTreatment = 'kept' | 'hashed' | 'redacted' | 'partial';

export interface ShareRules {
  /** Columns left out of the package entirely. Default none. */
  omit?: readonly string[];
  /**
   * Columns whose values become `sha256(salt || value)` as 64 hex digits: the same value gives
   * the same token under one salt, so hashed columns still join across tables shared together.
   * NULL stays NULL.
   */
  hash?: readonly string[];
  /** Columns kept in the schema whose every value is NULL. */
  redact?: readonly string[];
  /** Columns partly redacted: each value as text, all but its last 4 characters `*`. NULL stays NULL. */
  partial?: readonly string[];
  /** Rows shared: those for which the filter holds (NULL counts as false). Default all rows. */
  rowFilter?: FilterGroup;
  /** The secret the hashes are salted with; required when `hash` is not empty. Never written out. */
  salt?: string;
}

/** The table a share reads: its data columns, then its partition keys (as the engine's view). */
export interface ShareSource {
  database: string;
  name: string;
  columns: readonly CatalogColumn[];
  partitionKeys: readonly CatalogColumn[];
}

export interface SharedColumn {
  name: string;
  /** DuckDB's type of the shared values (VARCHAR for a hashed column). */
  type: string;
  comment: string;
  treatment: ColumnTreatment;
  /** Its values make the files' `key=value/` folders (a table's partition key, not redacted). */
  partitionKey: boolean;
}

/** What a package leaves out or changes, by name, for datapackage.json and the README. */
export interface Withheld {
  omitted: string[];
  hashed: string[];
  redacted: string[];
  /** Partly redacted (last 4 characters kept); absent when none. */
  partial?: string[];
  /** The row filter in plain words, or null when every row is shared. */
  rowFilter: string | null;
}

export interface CompiledShare {
  /** One SELECT over the table: the shared columns, in the table's order, the filter applied. */
  sql: Sql;
  columns: SharedColumn[];
  /** Partition keys the shared files keep as `key=value/` folders (not left out, not redacted). */
  partitionKeys: string[];
  withheld: Withheld;
}

/** Every problem with `rules` for `table`, in words (empty: the rules compile). */
export function shareIssues(table: ShareSource, rules: ShareRules): string[] {
  return checked(table, rules).issues;
}

/** The rules' problems, and the row filter as SQL (null: no filter) when there are none. */
function checked(table: ShareSource, rules: ShareRules): { issues: string[]; where: Sql | null } {
  const issues: string[] = [];
  const all = [...table.columns, ...table.partitionKeys];
  const known = new Set(all.map((c) => asciiLower(c.name)));
  const seen = new Map<string, string>();
  const lists: [string, readonly string[] | undefined][] = [
    ['left out', rules.omit],
    ['hashed', rules.hash],
    ['redacted', rules.redact],
    ['partly redacted', rules.partial],
  ];
  for (const [what, names] of lists) {
    for (const name of names ?? []) {
      const key = asciiLower(name);
      if (!known.has(key))
        issues.push(`column ${quotedName(name)} (${what}) is not in ${label(table)}`);
      const before = seen.get(key);
      if (before !== undefined && before !== what)
        issues.push(`column ${quotedName(name)} is both ${before} and ${what}: choose one`);
      seen.set(key, what);
    }
  }
  const omitted = new Set((rules.omit ?? []).map(asciiLower));
  if (all.length > 0 && all.every((c) => omitted.has(asciiLower(c.name))))
    issues.push(`every column of ${label(table)} is left out: nothing would be shared`);
  if ((rules.hash ?? []).length > 0 && !rules.salt)
    issues.push('hashed columns need a salt (a secret kept out of the package)');
  // filterSql quotes every name and constant itself: its text is safe to splice as `raw`.
  const where = rules.rowFilter
    ? raw(
        filterSql(rules.rowFilter, {
          columns: all.map((c) => ({ name: c.name, type: c.type })),
          where: label(table),
          params: new Map(),
          issue: (m) => issues.push(`row filter: ${m}`),
        }),
      )
    : null;
  return { issues, where };
}

/**
 * The SELECT that shares `table` under `rules`. `from` is the table's relation in the engine
 * (default `"database"."name"`, the catalog's view). Throws a `share:` DecantError naming every
 * problem (see shareIssues).
 */
export function compileShare(table: ShareSource, rules: ShareRules, from?: Sql): CompiledShare {
  const { issues, where } = checked(table, rules);
  if (issues.length > 0)
    throw new DecantError(`cannot share ${label(table)}: ${issues.join('; ')}`, {
      domain: 'share',
    });
  const treatmentOf = lookup(rules);
  const keys = new Set(table.partitionKeys.map((k) => k.name));
  const columns: SharedColumn[] = [];
  const select: Sql[] = [];
  for (const c of [...table.columns, ...table.partitionKeys]) {
    const treatment = treatmentOf(c.name);
    if (treatment === 'omitted') continue;
    const id = ident(c.name);
    if (treatment === 'hashed')
      select.push(sql`sha256(${rules.salt!} || CAST(${id} AS VARCHAR)) AS ${id}`);
    // CASE keeps the column's type without spelling it; no value of the column is ever read out.
    else if (treatment === 'redacted') select.push(sql`CASE WHEN false THEN ${id} END AS ${id}`);
    else if (treatment === 'partial') {
      const text = sql`CAST(${id} AS VARCHAR)`;
      select.push(sql`repeat('*', greatest(length(${text}) - 4, 0)) || right(${text}, 4) AS ${id}`);
    } else select.push(id);
    columns.push({
      name: c.name,
      type: treatment === 'hashed' || treatment === 'partial' ? 'VARCHAR' : c.type,
      comment: c.comment,
      treatment,
      // A redacted key is all NULL, a partly redacted one is masked text: no folders of either,
      // it stays a column of the files.
      partitionKey: keys.has(c.name) && treatment !== 'redacted' && treatment !== 'partial',
    });
  }
  const source = from ?? ident(table.database, table.name);
  const query = where
    ? sql`SELECT ${joinSql(select)} FROM ${source} WHERE ${where}`
    : sql`SELECT ${joinSql(select)} FROM ${source}`;
  const names = (list: readonly string[] | undefined) =>
    [...table.columns, ...table.partitionKeys]
      .map((c) => c.name)
      .filter((n) => (list ?? []).some((x) => asciiLower(x) === asciiLower(n)));
  return {
    sql: query,
    columns,
    partitionKeys: columns.filter((c) => c.partitionKey).map((c) => c.name),
    withheld: {
      omitted: names(rules.omit),
      hashed: names(rules.hash),
      redacted: names(rules.redact),
      ...(rules.partial?.length ? { partial: names(rules.partial) } : {}),
      rowFilter:
        rules.rowFilter && rules.rowFilter.clauses.length
          ? filterWords(rules.rowFilter, (name) => treatmentOf(name) !== 'kept')
          : null,
    },
  };
}

function lookup(rules: ShareRules): (name: string) => ColumnTreatment | 'omitted' {
  const sets = {
    omitted: new Set((rules.omit ?? []).map(asciiLower)),
    hashed: new Set((rules.hash ?? []).map(asciiLower)),
    redacted: new Set((rules.redact ?? []).map(asciiLower)),
    partial: new Set((rules.partial ?? []).map(asciiLower)),
  };
  return (name) => {
    const key = asciiLower(name);
    if (sets.omitted.has(key)) return 'omitted';
    if (sets.hashed.has(key)) return 'hashed';
    if (sets.redacted.has(key)) return 'redacted';
    if (sets.partial.has(key)) return 'partial';
    return 'kept';
  };
}

const OP_WORDS = {
  EQ: 'is',
  LT: 'is less than',
  GT: 'is greater than',
  LTE: 'is at most',
  GTE: 'is at least',
  REGEX: 'matches the pattern',
} as const;

/**
 * A row filter in plain words: `"price" is greater than "10" and not ("region" is empty)`. A
 * constant compared with a column `hidden` says is withheld is not written out (it would be a
 * value of that column): `"ssn" is a value that is not shared`.
 */
export function filterWords(
  group: FilterGroup,
  hidden: (column: string) => boolean = () => false,
): string {
  const parts = group.clauses.map((c) => clauseWords(c, hidden));
  const body =
    parts.length === 0 ? 'every row' : parts.join(group.combine === 'OR' ? ' or ' : ' and ');
  if (group.negated) return `not (${body})`;
  return body;
}

function clauseWords(c: FilterClause, hidden: (column: string) => boolean): string {
  if (isGroup(c)) {
    const inner = filterWords({ ...c, negated: false }, hidden);
    const wrapped = c.clauses.length > 1 ? `(${inner})` : inner;
    return c.negated ? `not ${wrapped}` : wrapped;
  }
  let text: string;
  if (c.op === 'ISNULL') text = `${quotedName(c.column)} is empty`;
  else {
    const right =
      c.value?.kind === 'column'
        ? `column ${quotedName(c.value.column)}`
        : hidden(c.column)
          ? 'a value that is not shared'
          : quotedName(c.value?.value ?? '');
    text = `${quotedName(c.column)} ${OP_WORDS[c.op]} ${right}`;
  }
  return c.negated ? `not (${text})` : text;
}

function label(table: Pick<ShareSource, 'database' | 'name'>): string {
  return `table ${quotedName(`${table.database}.${table.name}`)}`;
}

/** The engine's job-target spec that writes a compiled share as Parquet (partition folders kept). */
export function shareTargetSpec(share: CompiledShare): JobTargetSpec {
  return { sql: share.sql.text, partitionKeys: share.partitionKeys, encoding: 'parquet' };
}
