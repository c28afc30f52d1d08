/**
 * SQL built from values: `sql` is a tagged template whose every interpolation is quoted by the one
 * quoting path (./quote) — strings and numbers become literals, `ident(…)` identifiers, nested
 * `sql` fragments and `raw(…)` stay as written. So no call site can splice user text into SQL.
 */
import { quoteIdent, quoteLiteral } from './quote';

/** SQL text that is already safe: built by `sql`, `ident` or `raw`. */
export class Sql {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Values `sql` accepts; arrays become DuckDB list literals (`[1, 'a']`). */
export type SqlValue = Sql | string | number | bigint | boolean | null | readonly SqlValue[];

/** A (possibly qualified) identifier: `ident('db', 't')` → `"db"."t"`. */
export function ident(...parts: string[]): Sql {
  if (parts.length === 0) throw new Error('sql: an identifier needs a name');
  return new Sql(parts.map(quoteIdent).join('.'));
}

/**
 * SQL text taken as it is. Only for text our own builders made (a keyword chosen from a fixed set,
 * a fragment of a compiled job), never for anything a user or a file supplied.
 */
export function raw(text: string): Sql {
  return new Sql(text);
}

/** `a, b, c` from fragments or values, each quoted as `sql` would. */
export function joinSql(values: readonly SqlValue[], separator = ', '): Sql {
  return new Sql(values.map(valueText).join(separator));
}

function valueText(value: SqlValue): string {
  if (value instanceof Sql) return value.text;
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return `[${value.map(valueText).join(', ')}]`;
  switch (typeof value) {
    case 'string':
      return quoteLiteral(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`sql: ${value} is not a SQL number`);
      return String(value);
  }
  throw new Error(`sql: cannot put a ${typeof value} into SQL`);
}

/** `sql\`SELECT * FROM ${ident(t)} WHERE v = ${userText}\`` → safe SQL. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Sql {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += valueText(value) + (strings[i + 1] ?? '');
  });
  return new Sql(text);
}
