// Names the app inserts into SQL for people: bare where DuckDB reads them so, quoted otherwise.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  keywordNameHint,
  KEYWORDS_NEEDING_QUOTES,
  readableIdent,
  readableTableName,
} from '../../src/core/sql/readable-ident';
import { quoteIdent } from '../../src/core/sql/quote';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';

let e: NodeEngine;
beforeAll(async () => {
  e = await startNodeEngine();
});

describe('readableIdent', () => {
  it('leaves plain names bare and quotes keywords, capitals and anything else', () => {
    expect(readableTableName('sales', 'orders')).toBe('sales.orders');
    expect(readableTableName('default', 'airports')).toBe('"default".airports');
    expect(readableTableName('Sales', 'Orders')).toBe('"Sales"."Orders"');
    expect(readableIdent('order')).toBe('"order"');
    expect(readableIdent('my table')).toBe('"my table"');
    expect(readableIdent('2024')).toBe('"2024"');
    expect(readableIdent('say "hi"')).toBe('"say ""hi"""');
    expect(readableIdent('_x9')).toBe('_x9');
  });

  it('knows exactly the keywords DuckDB cannot read bare as a name', () => {
    const rows = e.s.rows(
      "SELECT keyword_name AS k FROM duckdb_keywords() WHERE keyword_category IN ('reserved', 'type_function')",
    );
    expect(new Set(rows.map((r) => String(r.k)))).toEqual(KEYWORDS_NEEDING_QUOTES);
  });

  it('writes names DuckDB resolves to the table meant', () => {
    const names = ['default', 'sales', 'Sales', 'order', 'select', 'my table', 'between', 'x"y'];
    for (const [i, n] of names.entries()) {
      e.s.run(
        `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(n)}`,
        `CREATE OR REPLACE TABLE ${quoteIdent(n)}.${quoteIdent(n)} AS SELECT ${i} AS v`,
      );
    }
    // "sales" and "Sales" are one schema to DuckDB; the last one written wins.
    for (const n of names.filter((x) => x !== 'sales')) {
      const rows = e.s.rows(`SELECT v FROM ${readableTableName(n, n)}`);
      expect(rows.map((r) => Number(r.v))).toEqual([names.indexOf(n)]);
    }
    expect(() => e.s.rows('SELECT v FROM default.default')).toThrow();
  });

  it('hints at quotes when DuckDB stumbles on a keyword used as a name, and only then', () => {
    const messageOf = (sql: string) => {
      try {
        e.s.rows(sql);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const sql = 'SELECT *\nFROM Default.airports';
    expect(keywordNameHint(sql, messageOf(sql))).toBe(
      'default is an SQL keyword: as a database or table name it goes in double quotes, e.g. "default".airports',
    );
    const join = 'SELECT * FROM sales.orders o JOIN order.x ON true';
    expect(keywordNameHint(join, messageOf(join))).toMatch(/^order is an SQL keyword/);
    for (const other of ['SELECT FROM WHERE', 'SELECT * FROM "default".nope', 'SELECT 1 +'])
      expect(keywordNameHint(other, messageOf(other))).toBeUndefined();
  });
});
