import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { attachTableView, detachTableView } from '../../workers/engine/table-views';
import type { AttachedTables, TableWithFiles } from '../../workers/engine/attached-tables';
import { SqlConsole } from '../../workers/engine/sql-console';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { expected, fixturePath } from '../support/fixtures';
import { CSV, folderFiles, hiveValues, nodeTables, rowsOf } from './catalog-support';
import { SALES_COLUMNS } from '../support/sales-table';

let engine: NodeEngine;
let tables: AttachedTables<string>;
let sql: SqlConsole;
beforeAll(async () => {
  engine = await startNodeEngine();
  tables = nodeTables(engine);
  sql = new SqlConsole(engine.s, tables.relabel);
});

/** Runs a query in the console and reads all its rows. */
function query(text: string): Record<string, unknown>[] {
  const r = sql.runSql(text);
  return r.resultId ? rowsOf(sql.page(r.resultId, 0, r.rowCount)) : [];
}

function sales(over: Partial<TableWithFiles<string>> = {}): TableWithFiles<string> {
  return {
    database: 'shop',
    name: 'sales',
    classification: 'csv',
    dialect: CSV,
    columns: SALES_COLUMNS,
    partitionKeys: [
      { name: 'year', type: 'BIGINT' },
      { name: 'month', type: 'BIGINT' },
    ],
    files: folderFiles(fixturePath('sales'), hiveValues),
    ...over,
  };
}

describe('attachTableView: the function the worker calls, given registered paths', () => {
  it('makes the partitioned sales folder one view with year and month columns', () => {
    const files = folderFiles(fixturePath('sales'), hiveValues).map((f, i) => {
      engine.register(`direct-${i}.csv`, f.file);
      return { path: `direct-${i}.csv`, partitionValues: f.partitionValues };
    });
    const { files: _, ...table } = sales({ database: 'direct' });
    attachTableView(engine.s, { ...table, files });
    const want = expected('sales');
    const rows = query('SELECT * FROM direct.sales ORDER BY id');
    expect(rows).toHaveLength(want.rowCount!);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'sku', 'price', 'year', 'month']);
    expect(rows.map((r) => [r.id, r.year, r.month])).toEqual([
      [1, 2024, 1],
      [2, 2024, 1],
      [3, 2024, 2],
      [4, 2025, 1],
      [5, 2025, 1],
    ]);
    expect(query("SELECT count(*) AS n FROM duckdb_views() WHERE schema_name = 'direct'")).toEqual([
      { n: 1 },
    ]);
    const parts = query(
      'SELECT DISTINCT year::VARCHAR AS y, month AS m FROM direct.sales ORDER BY 1, 2',
    );
    expect(parts.map((p) => [p.y, String(p.m).padStart(2, '0')])).toEqual(want.partitions);
    detachTableView(engine.s, 'direct', 'sales');
    expect(() => query('SELECT * FROM direct.sales')).toThrow(/does not exist/);
  });
});

describe('a table whose files differ in columns (one added later)', () => {
  it('reads each file with its own columns; the ones a file lacks are NULL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'decant-cols-'));
    writeFileSync(join(dir, 'old.csv'), 'id,sku\n1,A\n2,B\n');
    writeFileSync(join(dir, 'new.csv'), 'id,sku,note\n3,C,hello\n');
    tables.attach({
      database: 'shop',
      name: 'evolving',
      classification: 'csv',
      dialect: CSV,
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'sku', type: 'VARCHAR' },
        { name: 'note', type: 'VARCHAR' },
      ],
      partitionKeys: [{ name: 'day', type: 'BIGINT' }],
      files: [
        {
          path: 'day=1/old.csv',
          file: join(dir, 'old.csv'),
          partitionValues: ['1'],
          columns: ['id', 'sku'],
        },
        { path: 'day=2/new.csv', file: join(dir, 'new.csv'), partitionValues: ['2'] },
      ],
    });
    expect(query('SELECT * FROM shop.evolving ORDER BY id')).toEqual([
      { id: 1, sku: 'A', note: null, day: 1 },
      { id: 2, sku: 'B', note: null, day: 1 },
      { id: 3, sku: 'C', note: 'hello', day: 2 },
    ]);
    tables.detach('shop', 'evolving');
  });
});

describe('AttachedTables', () => {
  it('serves sales as shop.sales, partition keys typed and last, no file column', () => {
    tables.attach(sales());
    const r = sql.runSql('SELECT * FROM shop.sales');
    expect(r.columns).toEqual([
      ...SALES_COLUMNS,
      { name: 'year', type: 'BIGINT' },
      { name: 'month', type: 'BIGINT' },
    ]);
    expect(r.rowCount).toBe(5);
    expect(query('SELECT sum(price) AS p, sum(year)::BIGINT AS y FROM shop.sales')).toEqual([
      { p: 17.5, y: 2024 * 3 + 2025 * 2 },
    ]);
  });

  it('serves logs/2024/01 with partition_0 and partition_1 as text', () => {
    const want = expected('logs');
    tables.attach({
      database: 'ops',
      name: 'logs',
      classification: 'csv',
      dialect: CSV,
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'msg', type: 'VARCHAR' },
      ],
      partitionKeys: (want.partitionKeys as { name: string }[]).map((k) => ({
        name: k.name,
        type: 'VARCHAR',
      })),
      files: folderFiles(fixturePath('logs'), (rel) => rel.split('/').slice(0, -1)),
    });
    expect(query('SELECT * FROM ops.logs ORDER BY id')).toEqual([
      { id: 1, msg: 'x', partition_0: '2024', partition_1: '01' },
      { id: 2, msg: 'y', partition_0: '2024', partition_1: '02' },
    ]);
    expect(want.rowCount).toBe(2);
  });

  it('keeps any name exact: quotes, spaces, unicode, "; DROP, <img onerror>', () => {
    const database = 'we"ird db"; DROP SCHEMA main; --';
    const name = '<img src=x onerror=alert(1)> "t"';
    const columns = ['a"b', '"; DROP TABLE x; --', 'naïve 名前 😀'].map((n, i) => ({
      name: n,
      type: SALES_COLUMNS[i]!.type,
    }));
    tables.attach(
      sales({
        database,
        name,
        columns,
        partitionKeys: [{ name: "it's <b>", type: 'VARCHAR' }],
        files: folderFiles(fixturePath('sales/year=2024'), (rel) => [rel.split('/')[0]!]),
      }),
    );
    const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const r = sql.runSql(`SELECT * FROM ${q(database)}.${q(name)} ORDER BY 1`);
    expect(r.columns.map((c) => c.name)).toEqual([...columns.map((c) => c.name), "it's <b>"]);
    expect(rowsOf(sql.page(r.resultId, 0, 10)).map((row) => Object.values(row))).toEqual([
      [1, 'a', 1.5, 'month=01'],
      [2, 'b', 2.5, 'month=01'],
      [3, 'c', 3.5, 'month=02'],
    ]);
    // Nothing in the names ran as SQL: main is still there.
    expect(
      query(
        "SELECT count(*) AS n FROM duckdb_schemas() WHERE database_name = 'memory' AND schema_name = 'main'",
      ),
    ).toEqual([{ n: 1 }]);
    tables.detach(database, name);
    expect(() => sql.runSql(`SELECT * FROM ${q(database)}.${q(name)}`)).toThrow(/does not exist/);
  });

  it('re-attaching replaces the view and drops the files it no longer uses', () => {
    tables.attach(sales({ name: 'again' }));
    const before = tables.registeredFiles('shop', 'again');
    expect(before).toHaveLength(3);
    tables.attach(sales({ name: 'again', files: sales().files.slice(0, 2) }));
    const after = tables.registeredFiles('shop', 'again');
    expect(after).toHaveLength(2);
    expect(after.some((f) => before.includes(f))).toBe(false);
    expect(query('SELECT count(*) AS n FROM shop.again')).toEqual([{ n: 3 }]);
    // The old names are gone from DuckDB's file system.
    expect(() => engine.s.rows(`SELECT * FROM read_csv('${before[0]}')`)).toThrow();
  });

  it('a failed attach leaves the previous view and files as they were', () => {
    tables.attach(sales({ name: 'kept' }));
    const files = tables.registeredFiles('shop', 'kept');
    const bad = sales({ name: 'kept' });
    bad.files[1]!.partitionValues = ['20x4', '02'];
    const e = catchError(() => tables.attach(bad));
    expect(e.message).toBe(
      'catalog: cannot attach "shop"."kept": partition value "20x4" of "year" is not a BIGINT',
    );
    expect(tables.registeredFiles('shop', 'kept')).toEqual(files);
    expect(query('SELECT count(*) AS n FROM shop.kept')).toEqual([{ n: 5 }]);
  });

  it('refuses what DuckDB would get wrong, with the reason', () => {
    expect(
      catchError(() => tables.attach(sales({ database: 'Shop', name: 'SALES' }))).message,
    ).toBe(
      'catalog: cannot attach "Shop"."SALES": DuckDB ignores case in names, so it would replace ' +
        '"shop"."sales"; rename one',
    );
    expect(
      catchError(() =>
        tables.attach(
          sales({ name: 'x', columns: [...SALES_COLUMNS, { name: 'YEAR', type: 'INTEGER' }] }),
        ),
      ).message,
    ).toMatch(/"YEAR" and "year" are the same column to DuckDB/);
    expect(
      catchError(() =>
        tables.attach(
          sales({ name: 'x', columns: [{ name: 'id', type: 'INT); DROP TABLE t; --' }] }),
        ),
      ).message,
    ).toMatch(
      /^catalog: cannot attach "shop"."x": column "id" has type .* which is not a DuckDB type name$/,
    );
    expect(catchError(() => tables.attach(sales({ name: '' }))).message).toMatch(
      /table name is empty/,
    );
  });

  it('a table without files is an empty, typed view', () => {
    tables.attach(sales({ name: 'none', files: [] }));
    const r = sql.runSql('SELECT * FROM shop.none');
    expect(r).toMatchObject({ kind: 'rows', rowCount: 0, resultId: '' });
    expect(r.columns.map((c) => c.type)).toEqual([
      'BIGINT',
      'VARCHAR',
      'DOUBLE',
      'BIGINT',
      'BIGINT',
    ]);
  });

  it('databases named like DuckDB catalogs (temp, system) work and do not disturb results', () => {
    tables.attach(sales({ database: 'temp', name: 't' }));
    tables.attach(sales({ database: 'system', name: 't' }));
    expect(query('SELECT count(*) AS n FROM memory.temp.t')).toEqual([{ n: 5 }]);
    expect(query('SELECT count(*) AS n FROM memory.system.t')).toEqual([{ n: 5 }]);
    tables.detach('temp', 't');
    tables.detach('system', 't');
  });

  it('reads thousands of files through one glob and one join', () => {
    const one = fixturePath('sales/year=2024/month=01/part-0.csv');
    const files = Array.from({ length: 3000 }, (_, i) => ({
      path: `day=${i}/part.csv`,
      file: one,
      partitionValues: [String(i)],
    }));
    tables.attach(
      sales({ name: 'many', partitionKeys: [{ name: 'day', type: 'INTEGER' }], files }),
    );
    expect(
      query('SELECT count(*) AS n, sum(day)::BIGINT AS s, count(DISTINCT day) AS d FROM shop.many'),
    ).toEqual([{ n: 6000, s: 2 * ((2999 * 3000) / 2), d: 3000 }]);
    tables.detach('shop', 'many');
  });

  it('detaching drops the view, its files and the emptied schema; twice is fine', () => {
    tables.attach(sales({ database: 'gone', name: 't' }));
    const files = tables.registeredFiles('gone', 't');
    tables.detach('gone', 't');
    tables.detach('gone', 't');
    expect(tables.registeredFiles('gone', 't')).toEqual([]);
    expect(query("SELECT count(*) AS n FROM duckdb_schemas() WHERE schema_name = 'gone'")).toEqual([
      { n: 0 },
    ]);
    expect(() => engine.s.rows(`SELECT * FROM read_csv('${files[0]}')`)).toThrow();
  });
});

function catchError(f: () => unknown): DecantError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecantError);
    return e as DecantError;
  }
  throw new Error('no error');
}
