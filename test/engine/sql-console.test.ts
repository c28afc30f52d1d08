import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import type { AttachedTables } from '../../workers/engine/attached-tables';
import { SqlConsole } from '../../workers/engine/sql-console';
import { rowsInIpcMessages, SqlSession } from '../../workers/engine/sql-session';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { fixturePath } from '../support/fixtures';
import { CSV, nodeTables, rowsOf } from './catalog-support';
import { oneSalesFile, salesTable } from '../support/sales-table';
import { decantErrorFrom } from '../support/decant-error';

let engine: NodeEngine;
let tables: AttachedTables<string>;
let sql: SqlConsole;
beforeAll(async () => {
  engine = await startNodeEngine();
  tables = nodeTables(engine);
  sql = new SqlConsole(engine.s, tables.relabel);
  tables.attach(salesTable(oneSalesFile('2024/01', fixturePath)));
});

const failure = (text: string) => decantErrorFrom(() => sql.runSql(text), text);

describe('runSql results and paging', () => {
  it('materializes a query once and pages any window of it', () => {
    const r = sql.runSql("SELECT i, 'row ' || i AS s FROM range(10000) r(i) ORDER BY i DESC");
    expect(r).toMatchObject({ kind: 'rows', rowCount: 10_000 });
    expect(r.resultId).not.toBe('');
    expect(r.columns).toEqual([
      { name: 'i', type: 'BIGINT' },
      { name: 's', type: 'VARCHAR' },
    ]);
    expect(rowsOf(sql.page(r.resultId, 0, 2))).toEqual([
      { i: 9999, s: 'row 9999' },
      { i: 9998, s: 'row 9998' },
    ]);
    expect(rowsOf(sql.page(r.resultId, 5000, 3)).map((x) => x.i)).toEqual([4999, 4998, 4997]);
    expect(rowsOf(sql.page(r.resultId, 9998, 100)).map((x) => x.i)).toEqual([1, 0]);
    // Past the end: no rows, but the schema is there for the grid.
    const empty = tableFromIPC(sql.page(r.resultId, 20_000, 10));
    expect([empty.numRows, empty.schema.fields.map((f) => f.name)]).toEqual([0, ['i', 's']]);
    // The same window twice is the same rows.
    expect(sql.page(r.resultId, 1234, 50)).toEqual(sql.page(r.resultId, 1234, 50));
  });

  it('refuses a dropped result and bad windows', () => {
    const r = sql.runSql('SELECT 1 AS x');
    sql.dropResult(r.resultId);
    sql.dropResult(r.resultId);
    expect(() => sql.page(r.resultId, 0, 1)).toThrow(/^sql: no result "r\d+"/);
    const s = sql.runSql('SELECT 1 AS x');
    expect(() => sql.page(s.resultId, -1, 1)).toThrow(/whole numbers/);
    const t = sql.runSql('BEGIN; SELECT 2 AS y');
    sql.runSql('ROLLBACK');
    expect(() => sql.page(t.resultId, 0, 1)).toThrow(/^sql: result r\d+ can no longer be read: /);
    expect(() => sql.page(s.resultId, 0, 1.5)).toThrow(/whole numbers/);
  });

  it('returns kind ok for DDL and DML, with the rows changed when DuckDB says', () => {
    expect(sql.runSql('CREATE TABLE t1 (a INTEGER, b VARCHAR)')).toMatchObject({
      kind: 'ok',
      resultId: '',
      columns: [],
      rowCount: 0,
    });
    expect(sql.runSql("INSERT INTO t1 VALUES (1, 'x'), (2, 'y'), (3, 'z')")).toMatchObject({
      kind: 'ok',
      rowCount: 3,
    });
    expect(sql.runSql('SET threads = 1')).toMatchObject({ kind: 'ok', resultId: '' });
    expect(
      sql.runSql("WITH q AS (SELECT 4 AS a) INSERT INTO t1 SELECT a, 'w' FROM q"),
    ).toMatchObject({
      kind: 'ok',
      rowCount: 1,
    });
    expect(sql.runSql('')).toMatchObject({ kind: 'ok', resultId: '' });
  });

  it('runs every statement and shows the last one’s result', () => {
    const r = sql.runSql(
      "CREATE TABLE t2 AS SELECT 1 AS a;\nINSERT INTO t2 VALUES (2);\n-- a comment; still one\nSELECT sum(a)::INT AS total, ';' AS semi FROM t2;",
    );
    expect(r).toMatchObject({ kind: 'rows', rowCount: 1 });
    expect(rowsOf(sql.page(r.resultId, 0, 1))).toEqual([{ total: 3, semi: ';' }]);
  });

  it('reads catalog tables as database.table', () => {
    const r = sql.runSql('SELECT sku FROM shop.sales ORDER BY id');
    expect(rowsOf(sql.page(r.resultId, 0, 10))).toEqual([{ sku: 'a' }, { sku: 'b' }]);
  });

  it('shows rows of statements that cannot be materialized (EXPLAIN, PRAGMA, DESCRIBE, RETURNING)', () => {
    const d = sql.runSql('DESCRIBE shop.sales');
    expect(rowsOf(sql.page(d.resultId, 0, 10)).map((r) => r.column_name)).toEqual([
      'id',
      'sku',
      'price',
    ]);
    const p = sql.runSql('PRAGMA show_tables');
    expect(p.kind).toBe('rows');
    expect(p.columns).toEqual([{ name: 'name', type: 'VARCHAR' }]);
    const e = sql.runSql('EXPLAIN SELECT 1');
    expect(rowsOf(sql.page(e.resultId, 0, 1))[0]).toHaveProperty('explain_value');
    sql.runSql('CREATE TABLE t3 (a INTEGER)');
    const ret = sql.runSql('INSERT INTO t3 VALUES (7), (8) RETURNING a * 10 AS b');
    expect(ret).toMatchObject({
      kind: 'rows',
      rowCount: 2,
      columns: [{ name: 'b', type: 'INTEGER' }],
    });
    expect(rowsOf(sql.page(ret.resultId, 1, 5))).toEqual([{ b: 80 }]);
  });

  it('a query without rows has its columns and nothing to page', () => {
    expect(sql.runSql('SELECT * FROM shop.sales WHERE false')).toMatchObject({
      kind: 'rows',
      resultId: '',
      rowCount: 0,
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'sku', type: 'VARCHAR' },
        { name: 'price', type: 'DOUBLE' },
      ],
    });
  });
});

describe('its own connection', () => {
  it('leaves a scan streaming on the engine’s connection whole (the same one would end it)', () => {
    const own = new SqlConsole(new SqlSession(engine.s.db));
    const count = (during: () => void) => {
      const stream = engine.s.stream('SELECT i FROM range(100000) r(i)');
      let rows = rowsInIpcMessages(stream.next()!);
      during();
      for (let c = stream.next(); c; c = stream.next()) rows += rowsInIpcMessages(c);
      return rows;
    };
    expect(count(() => own.runSql('SELECT 42 AS x'))).toBe(100_000);
    // What the worker avoids by giving the console a second connection: DuckDB ends the stream
    // without an error.
    expect(count(() => sql.runSql('SELECT 42 AS x'))).toBeLessThan(100_000);
  });
});

describe('runSql errors are placed in the user’s SQL', () => {
  it('a binder error on line 2 of a 3-line query', () => {
    const text = 'SELECT id,\n       nope,\n       price FROM shop.sales';
    const e = failure(text);
    expect(e.message).toMatch(/^sql: line 2: Referenced column "nope" not found in FROM clause!/);
    expect([e.line, e.column]).toEqual([2, '8']);
    expect(e.sql).toBe(text);
  });

  it('a syntax error on line 3, after an earlier statement on the same lines', () => {
    const text = 'SELECT 1; SELECT id,\n  price\n  FROM shop.sales WHERE)';
    const e = failure(text);
    expect(e.message).toBe('sql: line 3: syntax error at or near ")"');
    expect([e.line, e.column]).toEqual([3, String('  FROM shop.sales WHERE)'.indexOf(')') + 1)]);
  });

  it('a column on the first line of a statement that starts mid-line', () => {
    const e = failure('SELECT 1 AS a;   SELECT zz FROM shop.sales');
    expect([e.line, e.column]).toEqual([1, '25']);
  });

  it('columns count wide characters as one, whatever DuckDB’s caret says', () => {
    const e = failure("SELECT '日本😀' AS x,\n  '名前' AS y, zz FROM shop.sales");
    expect([e.line, e.column]).toEqual([2, String("  '名前' AS y, ".length + 1)]);
  });

  it('an error without a place names the statement and its line', () => {
    const e = failure("SELECT 1;\n\nSELECT error('boom')");
    expect(e.message).toBe('sql: statement 2 of 2 (line 3): boom');
    expect(e.line).toBe(3);
  });

  it('a CSV error names the table’s file and its line, not the engine’s name for it', () => {
    tables.attach({
      database: 'raw',
      name: 'late',
      classification: 'csv',
      dialect: CSV,
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'code', type: 'BIGINT' },
      ],
      partitionKeys: [],
      files: [
        { path: 'in/late-string.csv', file: fixturePath('late-string.csv'), partitionValues: [] },
      ],
    });
    const e = failure('SELECT sum(code) FROM raw.late');
    expect(e.message).toBe(
      'sql: file "raw.late/in/late-string.csv": line 30002: column "code": "N/A" is not a BIGINT',
    );
    expect(e.code).toBe('cast');
  });

  it('the statements before the failing one have run', () => {
    failure('CREATE TABLE t4 AS SELECT 1 AS a; SELECT nope FROM t4');
    expect(sql.runSql('SELECT * FROM t4').rowCount).toBe(1);
  });
});

describe('the engine stays offline', () => {
  it.each([
    'INSTALL httpfs',
    'LOAD httpfs',
    'SET autoload_known_extensions = true',
    'RESET autoinstall_known_extensions',
  ])('refuses %j before running anything', (stmt) => {
    const e = failure(`CREATE TABLE never AS SELECT 1;\n${stmt}`);
    expect(e.message).toMatch(/^sql: line 2: /);
    expect(e.line).toBe(2);
    expect(() => sql.runSql('SELECT * FROM never')).toThrow(/does not exist/);
    expect(engine.s.rows("SELECT current_setting('autoload_known_extensions') AS v")).toEqual([
      { v: false },
    ]);
  });
});
