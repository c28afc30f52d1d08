import { beforeAll, describe, expect, it } from 'vitest';
import { attachJsonTable, detachJsonTable } from '../../workers/engine/json-tables';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { decantErrorFrom } from '../support/decant-error';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

const enc = new TextEncoder();
const files = (...f: [string, string][]) =>
  f.map(([path, text]) => ({ path, bytes: enc.encode(text) }));
const rows = (sql: string) => engine.s.rows(sql);

const failure = (f: () => unknown) => decantErrorFrom(f);

describe('attachJsonTable', () => {
  it('makes one queryable TABLE from all files, columns unioned by name', () => {
    const got = attachJsonTable(engine.s, {
      database: 'shop',
      name: 'orders',
      files: files(
        ['2024/a.ndjson', '{"id":1,"customer":{"id":10}}\n{"id":2,"customer":{"id":11}}\n'],
        ['2025/b.json', '[{"customer":{"id":12,"email":"c@x"},"id":3,"coupon":"X1"}]'],
        ['2025/empty.ndjson', ''],
      ),
    });
    expect(got).toEqual({
      rowCount: 3,
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'customer', type: 'STRUCT(id BIGINT, email VARCHAR)' },
        { name: 'coupon', type: 'VARCHAR' },
      ],
    });
    expect(rows('SELECT id, customer.email AS email, coupon FROM shop.orders ORDER BY id')).toEqual(
      [
        { id: 1, email: null, coupon: null },
        { id: 2, email: null, coupon: null },
        { id: 3, email: 'c@x', coupon: 'X1' },
      ],
    );
    const kind = rows(
      "SELECT table_type FROM information_schema.tables WHERE table_schema = 'shop' AND table_name = 'orders'",
    );
    expect(kind).toEqual([{ table_type: 'BASE TABLE' }]);
  });

  it('replaces the table only when the new one is complete; a failure keeps the old', () => {
    const t = (text: string) => ({
      database: 'shop',
      name: 'events',
      files: files(['e.ndjson', text]),
    });
    attachJsonTable(engine.s, t('{"v":1}\n{"v":2}'));
    attachJsonTable(engine.s, t('{"v":3,"w":"x"}'));
    expect(rows('SELECT * FROM shop.events')).toEqual([{ v: 3, w: 'x' }]);
    const e = failure(() => attachJsonTable(engine.s, t('{"v":4}\n{"v":')));
    expect(e.message).toBe(
      'json: "shop.events/e.ndjson": line 2, column 6: Unexpected end of input, expected a value',
    );
    expect(rows('SELECT * FROM shop.events')).toEqual([{ v: 3, w: 'x' }]);
    const left = rows("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__decant%'");
    expect(left).toEqual([]);
  });

  it('handles names that need quoting', () => {
    attachJsonTable(engine.s, {
      database: 'my "db"',
      name: "it's; DROP",
      files: files(['x.json', '[{"a b":1}]']),
    });
    expect(rows(`SELECT "a b" FROM "my ""db"""."it's; DROP"`)).toEqual([{ 'a b': 1 }]);
    detachJsonTable(engine.s, 'my "db"', "it's; DROP");
    expect(rows(`SELECT schema_name FROM duckdb_schemas() WHERE schema_name = 'my "db"'`)).toEqual(
      [],
    );
  });

  it.each(['system', 'temp', 'memory', 'main'])('serves a database named %j', (database) => {
    const f = files(['a.json', '{"a":1}']);
    attachJsonTable(engine.s, { database, name: 't', files: f });
    attachJsonTable(engine.s, { database, name: 't', files: files(['a.json', '{"a":2}']) });
    expect(rows(`SELECT a FROM memory."${database}".t`)).toEqual([{ a: 2 }]);
    detachJsonTable(engine.s, database, 't');
    expect(
      rows("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__decant%'"),
    ).toEqual([]);
  });

  it('refuses a table whose files hold no records, and a view in the way', () => {
    const none = failure(() =>
      attachJsonTable(engine.s, {
        database: 'shop',
        name: 'nothing',
        files: files(['a.json', '  ']),
      }),
    );
    expect(none.message).toBe('catalog: cannot attach "shop"."nothing": its files hold no records');
    engine.s.run('CREATE VIEW shop.v AS SELECT 1 AS x');
    const view = failure(() =>
      attachJsonTable(engine.s, {
        database: 'shop',
        name: 'V',
        files: files(['a.json', '{"a":1}']),
      }),
    );
    expect(view.message).toMatch(
      /^catalog: cannot attach "shop"."V": a view of that name is attached/,
    );
    expect(rows('SELECT * FROM shop.v')).toEqual([{ x: 1 }]);
  });

  it('detaches; detaching what is not there is fine', () => {
    attachJsonTable(engine.s, {
      database: 'tmpdb',
      name: 't',
      files: files(['a.json', '{"a":1}']),
    });
    detachJsonTable(engine.s, 'tmpdb', 't');
    detachJsonTable(engine.s, 'tmpdb', 't');
    expect(rows("SELECT schema_name FROM duckdb_schemas() WHERE schema_name = 'tmpdb'")).toEqual(
      [],
    );
  });
});
