import { describe, expect, it } from 'vitest';
import { ident, joinSql, raw, sql, Sql } from '../../src/core/sql/sql-template';

describe('sql tagged template', () => {
  it('quotes strings as literals and identifiers as identifiers', () => {
    const name = `x'; DROP TABLE t; --`;
    const q = sql`SELECT * FROM ${ident('my db', 'ta"ble')} WHERE v = ${name}`;
    expect(q.text).toBe(`SELECT * FROM "my db"."ta""ble" WHERE v = 'x''; DROP TABLE t; --'`);
  });

  it('writes numbers, bigints, booleans, NULL and lists as DuckDB literals', () => {
    expect(sql`${1.5}, ${10n}, ${true}, ${false}, ${null}, ${[1, 'a', null]}`.text).toBe(
      `1.5, 10, TRUE, FALSE, NULL, [1, 'a', NULL]`,
    );
  });

  it('refuses values SQL cannot hold', () => {
    expect(() => sql`${Number.NaN}`).toThrow(/not a SQL number/);
    expect(() => sql`${Infinity}`).toThrow(/not a SQL number/);
    expect(() => sql`${'a\0b'}`).toThrow(/NUL/);
    expect(() => ident('a\0')).toThrow(/NUL/);
    expect(() => ident()).toThrow(/needs a name/);
  });

  it('nests fragments and raw text without quoting them again', () => {
    const where = sql`${ident('v')} > ${3}`;
    const q = sql`SELECT ${joinSql([ident('a'), ident('b')])} FROM t WHERE ${where} ${raw('ORDER BY 1')}`;
    expect(q).toBeInstanceOf(Sql);
    expect(String(q)).toBe(`SELECT "a", "b" FROM t WHERE "v" > 3 ORDER BY 1`);
  });
});
