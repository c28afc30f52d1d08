/**
 * Sensitive data as SQL, for the Detect Sensitive Data node: which entity types a text value
 * holds (regular expressions, with the Luhn and IBAN mod-97 checks written with list
 * functions), and the masking expressions (salted SHA-256, redaction, keep-last-4). One builder
 * over a small dialect, so the tab's DuckDB SQL and the PySpark export compute the same thing.
 * Every pattern here is plain ASCII with no backslash and no look-around: RE2 (DuckDB) and Java
 * (Spark) read it alike, and Spark's string literals need no escaping of it.
 */
import { quoteIdent, quoteLiteral } from '../../core/sql/quote';

/** The built-in entity types the node finds (the table detector's, plus dates of birth). */
export const SQL_ENTITY_TYPES = [
  'EMAIL',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN',
  'USA_SSN',
  'IP_ADDRESS',
  'DATE_OF_BIRTH',
] as const;
export type SqlEntityType = (typeof SQL_ENTITY_TYPES)[number];

/** The few functions whose names or shapes differ between DuckDB and Spark SQL. */
export interface SqlDialect {
  /** A string literal. */
  lit(text: string): string;
  /** A quoted identifier. */
  ident(name: string): string;
  /** `x` cast to text. */
  text(x: string): string;
  /** `x` holds a match of `re` anywhere. */
  matches(x: string, re: string): string;
  /** Every match of `re` in `x`, as a list of text. */
  extractAll(x: string, re: string): string;
  /** `x` with every match of `re` replaced by `by` (a plain text). */
  replaceAll(x: string, re: string, by: string): string;
  /** `x` with every character outside 0-9 removed. */
  digitsOnly(x: string): string;
  filter(list: string, v: string, body: string): string;
  transform(list: string, v: string, body: string): string;
  /** A list of the given SQL values. */
  list(items: readonly string[]): string;
  /** Left fold from `init`. */
  fold(list: string, init: string, acc: string, v: string, body: string): string;
  /** [0, 1, …, n - 1] (n ≥ 1). */
  indexes(n: string): string;
  size(list: string): string;
  contains(list: string, text: string): string;
  /** The first element (1-based lists in both). */
  first(list: string): string;
  /** The elements joined by `sep` (a literal). */
  joinList(list: string, sep: string): string;
  /** Lower-case hex SHA-256 of text. */
  sha256(x: string): string;
}

/** DuckDB's spelling (the tab and the DuckDB script). */
export const DUCKDB_DIALECT: SqlDialect = {
  lit: quoteLiteral,
  ident: quoteIdent,
  text: (x) => `CAST(${x} AS VARCHAR)`,
  matches: (x, re) => `regexp_matches(${x}, ${DUCKDB_DIALECT.lit(re)})`,
  extractAll: (x, re) => `regexp_extract_all(${x}, ${DUCKDB_DIALECT.lit(re)}, 0)`,
  replaceAll: (x, re, by) => `regexp_replace(${x}, ${quoteLiteral(re)}, ${quoteLiteral(by)}, 'g')`,
  digitsOnly: (x) => `regexp_replace(${x}, '[^0-9]', '', 'g')`,
  filter: (l, v, b) => `list_filter(${l}, ${v} -> ${b})`,
  transform: (l, v, b) => `list_transform(${l}, ${v} -> ${b})`,
  list: (items) => `[${items.join(', ')}]`,
  fold: (l, init, acc, v, b) => `list_reduce(${l}, (${acc}, ${v}) -> ${b}, ${init})`,
  indexes: (n) => `range(${n})`,
  size: (l) => `len(${l})`,
  contains: (l, t) => `list_contains(${l}, ${t})`,
  first: (l) => `${l}[1]`,
  joinList: (l, sep) => `array_to_string(${l}, ${sep})`,
  sha256: (x) => `sha256(${x})`,
};

// Lambda variables: names no input column is likely to have, so none is shadowed.
const C = '__pii_c';
const I = '__pii_i';
const A = '__pii_a';
const K = '__pii_k';

const EMAIL = '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+([.][A-Za-z0-9-]+)*[.][A-Za-z]{2,24}';
/** Area 001–899 but 666, group 01–99, serial 0001–9999, not inside a longer run of digits. */
const SSN =
  '(^|[^0-9-])(00[1-9]|0[1-9][0-9]|[1-578][0-9][0-9]|6[0-57-9][0-9]|66[0-57-9])-(0[1-9]|[1-9][0-9])-(000[1-9]|00[1-9][0-9]|0[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9])([^0-9-]|$)';
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = `(^|[^0-9.])(${OCTET}[.]){3}${OCTET}([^0-9.]|$)`;
const CARD_RUN = '[0-9]([ -]?[0-9]){12,18}';
/** Visa, Mastercard, Amex, Discover, JCB, Diners: issuer prefixes with their lengths. */
const CARD_ISSUER =
  '^(4([0-9]{12}|[0-9]{15}|[0-9]{18})|5[1-5][0-9]{14}|2(22[1-9]|2[3-9][0-9]|[3-6][0-9][0-9]|7[01][0-9]|720)[0-9]{12}|3[47][0-9]{13}|(6011|65[0-9][0-9])([0-9]{12}|[0-9]{15})|35(2[89]|[3-8][0-9])[0-9]{12,15}|3(0[0-5]|[68][0-9])[0-9]{11})$';
const IBAN_RUN = '[A-Z]{2}[0-9]{2}( ?[A-Z0-9]){11,30}';
const PHONE_RUN = '([+][0-9]{1,3}[ .-]?)?([(][0-9]{1,4}[)][ .-]?)?[0-9]{1,8}([ .-][0-9]{1,8}){1,5}';
const DOTTED_PHONE = '^([+][0-9]{1,3}[ .])?[0-9]{3}[.][0-9]{3}[.][0-9]{4}$';
const ISO_DATE = '^(19|20)[0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])';

/** Luhn over a text of digits: every second digit from the right doubled (9 taken off over 9). */
function luhnSql(d: string, q: SqlDialect): string {
  const digit = `CAST(substr(reverse(${d}), ${I} + 1, 1) AS INTEGER)`;
  const weighted = `CASE WHEN ${I} % 2 = 1 THEN CASE WHEN ${digit} > 4 THEN 2 * ${digit} - 9 ELSE 2 * ${digit} END ELSE ${digit} END`;
  const sum = q.fold(q.transform(q.indexes(`length(${d})`), I, weighted), '0', A, K, `${A} + ${K}`);
  return `${sum} % 10 = 0`;
}

/** ISO 7064 mod 97-10 over an IBAN with no spaces: its first four characters moved to the end. */
function ibanSql(s: string, q: SqlDialect): string {
  const moved = `(substr(${s}, 5) || substr(${s}, 1, 4))`;
  // Each character as its number (A = 10 … Z = 35), then folded digit group by digit group.
  const ch = `substr(${moved}, ${I} + 1, 1)`;
  const values = q.transform(
    q.indexes(`length(${moved})`),
    I,
    `CASE WHEN ${ch} >= 'A' THEN ascii(${ch}) - 55 ELSE CAST(${ch} AS INTEGER) END`,
  );
  const step = `(${A} * CASE WHEN ${K} >= 10 THEN 100 ELSE 10 END + ${K}) % 97`;
  return `(length(${s}) BETWEEN 15 AND 34 AND ${q.fold(values, '0', A, K, step)} = 1)`;
}

const some = (list: string, q: SqlDialect) => `${q.size(list)} > 0`;

/** Cards: runs of 13–19 digits (spaces or dashes between) with a known issuer and Luhn. */
function cardSql(x: string, q: SqlDialect): string {
  const d = q.digitsOnly(C);
  return some(
    q.filter(q.extractAll(x, CARD_RUN), C, `${q.matches(d, CARD_ISSUER)} AND ${luhnSql(d, q)}`),
    q,
  );
}

function ibanFound(x: string, q: SqlDialect): string {
  return some(q.filter(q.extractAll(x, IBAN_RUN), C, ibanSql(`replace(${C}, ' ', '')`, q)), q);
}

/** Runs that are something else, blanked before phone numbers are looked for. */
const NOT_PHONE = [
  IBAN_RUN,
  '[0-9]{4}[ -][0-9]{4}[ -][0-9]{4}([ -][0-9]{1,4}){0,2}|[0-9]{4}[ -][0-9]{6}[ -][0-9]{5}|[0-9]{13,19}',
  '[0-9]{3}-[0-9]{2}-[0-9]{4}',
  '[0-9]{1,3}([.][0-9]{1,3}){3}',
  '[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}',
];

/**
 * Phone numbers: 10–15 digits (8–15 after a `+country`), dots only as 415.555.0132, once the
 * runs shaped like an IBAN, a card (valid or not), an SSN, an IP address or a date are blanked.
 */
function phoneSql(x: string, q: SqlDialect): string {
  const rest = NOT_PHONE.reduce((t, re) => q.replaceAll(t, re, ' '), x);
  const n = `length(${q.digitsOnly(C)})`;
  const enough = `(${n} BETWEEN CASE WHEN substr(${C}, 1, 1) = '+' THEN 8 ELSE 10 END AND 15)`;
  const dots = `(NOT ${C} LIKE '%.%' OR ${q.matches(C, DOTTED_PHONE)})`;
  return some(q.filter(q.extractAll(rest, PHONE_RUN), C, `${enough} AND ${dots}`), q);
}

/** A date 1900-01-01 … today's year, written year first (how DATE columns read as text). */
function birthDateSql(x: string, q: SqlDialect): string {
  const year = `CAST(substr(${x}, 1, 4) AS INTEGER)`;
  return `(${q.matches(x, ISO_DATE)} AND ${year} <= year(CAST(current_timestamp AS TIMESTAMP)))`;
}

/** A user's entity type: its pattern, looked for in columns whose names hold a context word. */
export interface CustomEntitySql {
  name: string;
  pattern: string;
}

/** True (SQL) when `x` holds `entity`. */
export function entityConditionSql(
  entity: SqlEntityType | CustomEntitySql,
  x: string,
  q: SqlDialect,
): string {
  if (typeof entity !== 'string') return q.matches(x, entity.pattern);
  switch (entity) {
    case 'EMAIL':
      return q.matches(x, EMAIL);
    case 'USA_SSN':
      return q.matches(x, SSN);
    case 'IP_ADDRESS':
      return q.matches(x, IPV4);
    case 'CREDIT_CARD':
      return cardSql(x, q);
    case 'IBAN':
      return ibanFound(x, q);
    case 'PHONE_NUMBER':
      return phoneSql(x, q);
    case 'DATE_OF_BIRTH':
      return birthDateSql(x, q);
  }
}

/** The names of the entities `x` holds, as a list of text, in the order given. */
export function entityListSql(
  entities: readonly (SqlEntityType | CustomEntitySql)[],
  x: string,
  q: SqlDialect,
): string {
  const name = (e: SqlEntityType | CustomEntitySql) => (typeof e === 'string' ? e : e.name);
  const items = entities.map(
    (e) => `CASE WHEN ${entityConditionSql(e, x, q)} THEN ${q.lit(name(e))} END`,
  );
  return q.filter(q.list(items), C, `${C} IS NOT NULL`);
}

/** How a value is masked. */
export type MaskSql =
  { kind: 'hash'; salt: string } | { kind: 'redact'; text: string } | { kind: 'partial' };

/** `x` (text) masked; NULL stays NULL. */
export function maskSql(mask: MaskSql, x: string, q: SqlDialect): string {
  switch (mask.kind) {
    case 'hash':
      return q.sha256(`${q.lit(mask.salt)} || ${x}`);
    case 'redact':
      return `CASE WHEN ${x} IS NULL THEN NULL ELSE ${mask.text} END`;
    case 'partial':
      return `repeat('*', greatest(length(${x}) - 4, 0)) || right(${x}, 4)`;
  }
}

/** Why `pattern` cannot be an RE2 pattern, or null. JavaScript parses it; RE2 lacks look-around and backreferences. */
export function patternProblem(pattern: string): string | null {
  if (pattern === '') return 'it is empty';
  try {
    new RegExp(pattern);
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).replace(
      /^Invalid regular expression: /,
      '',
    );
  }
  const around = /\(\?<?[=!]/.exec(pattern);
  if (around) return `look-around "${around[0]}" at character ${around.index + 1} is not in RE2`;
  const back = /\\[1-9]/.exec(pattern);
  if (back) return `backreference "${back[0]}" at character ${back.index + 1} is not in RE2`;
  return null;
}
