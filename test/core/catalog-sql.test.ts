import { describe, expect, it } from 'vitest';
import type { CsvDialect } from '../../src/core/csv/dialect';
import { readCsvSql } from '../../src/core/sql/read-csv';
import { isTypeName } from '../../src/core/sql/type-name';
import { splitStatements } from '../../src/core/sql/split-statements';
import {
  charWidth,
  errorOffset,
  errorSummary,
  lineColumnAt,
} from '../../src/core/sql/error-position';
import { mayWrite, refusedStatement } from '../../src/core/sql/statement-guard';
import {
  asciiLower,
  partitionCastCheckSql,
  partitionValueSql,
  tableViewSql,
  unusedName,
} from '../../src/core/sql/table-view';
import { materializeSql, pageSql } from '../../src/core/sql/result-table';
import { columnStatisticsSql, statsKind } from '../../src/core/sql/column-stats';
import {
  failingPartitionValuesSql,
  readAsTypeSql,
  rowsInFilesSql,
  textRowCountSql,
} from '../../src/core/sql/cast-check';

const dialect: CsvDialect = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  encoding: 'utf-8',
  decimalSeparator: '.',
  compression: 'none',
};
const cols = [{ name: 'id', type: 'BIGINT' }];

describe('read_csv over several files', () => {
  it('lists the paths and names the file column', () => {
    expect(
      readCsvSql(["a'1.csv", 'b.csv'], dialect, cols, 'error', false, { filename: 'f"x' }),
    ).toBe(
      "read_csv(['a''1.csv', 'b.csv'], auto_detect=false, delim=',', quote='\"', escape='\"', " +
        "header=true, encoding='utf-8', decimal_separator='.', compression='none', " +
        "columns={'id': 'BIGINT'}, filename='f\"x')",
    );
    expect(readCsvSql(['a.csv'], dialect, cols, 'error', false, { filename: true })).toMatch(
      /^read_csv\(\['a\.csv'\], .*, filename=true\)$/,
    );
  });
  it('keeps the single-path text unchanged and refuses an empty list', () => {
    expect(readCsvSql('a.csv', dialect, cols)).toBe(
      readCsvSql('a.csv', dialect, cols, 'error', false, {}),
    );
    expect(() => readCsvSql([], dialect, cols)).toThrow(/at least one file/);
  });
});

describe('type names', () => {
  it.each([
    'BIGINT',
    'bigint',
    'DECIMAL(10,2)',
    'DECIMAL( 18 , 3 )',
    'VARCHAR[]',
    'INTEGER[3][]',
    'TIMESTAMP WITH TIME ZONE',
    'STRUCT(a INTEGER, "b ""c"" d" VARCHAR[])',
    'STRUCT(a STRUCT(b MAP(VARCHAR, DOUBLE)))',
    'UNION(n INTEGER, s VARCHAR)',
  ])('accepts %s', (t) => expect(isTypeName(t)).toBe(true));

  it.each([
    '',
    'BIGINT); DROP TABLE x; --',
    "VARCHAR COLLATE 'x'",
    'INT -- c',
    'INT /* c */',
    'DECIMAL(10,2',
    'STRUCT(a INTEGER))',
    "ENUM('a', 'b')",
    'INT[',
    '"unterminated',
    '[]',
    '()',
    'X'.repeat(1001),
  ])('refuses %j', (t) => expect(isTypeName(t)).toBe(false));
});

describe('splitting a script', () => {
  it('splits at ; outside strings, identifiers and comments', () => {
    const sql =
      "SELECT 'a;b', \"c;d\", $$e;f$$, $t$g;$t$, E'h\\';i' -- j;k\n; /* l; /* m; */ n; */ SELECT 2;; -- only a comment";
    const st = splitStatements(sql);
    expect(st.map((s) => s.keyword)).toEqual(['SELECT', 'SELECT']);
    expect(st[0]!.text).toBe("SELECT 'a;b', \"c;d\", $$e;f$$, $t$g;$t$, E'h\\';i' -- j;k\n");
    expect(sql.slice(st[1]!.start, st[1]!.start + st[1]!.text.length)).toBe(st[1]!.text);
  });
  it('names the first keyword, past comments, and ( for a parenthesised query', () => {
    expect(splitStatements('-- hi\n/* x */ with q as (select 1) select * from q')[0]!.keyword).toBe(
      'WITH',
    );
    expect(splitStatements('(SELECT 1) UNION (SELECT 2)')[0]!.keyword).toBe('(');
    expect(splitStatements('  \n -- nothing\n')).toEqual([]);
  });
});

describe('placing DuckDB errors', () => {
  const block = (line: number, shown: string, caret: number) =>
    `Binder Error: boom\n\nLINE ${line}: ${shown}\n${' '.repeat(`LINE ${line}: `.length + caret)}^`;

  it('finds the caret in the line DuckDB shows', () => {
    const text = 'SELECT 1,\n  zz FROM t';
    expect(errorOffset(block(2, '  zz FROM t', 2), text)).toBe(text.indexOf('zz'));
  });
  it('counts wide characters twice and tabs not at all, as DuckDB does', () => {
    const text = "SELECT '日本😀' AS x,\t\tzz";
    // 8 + (2 + 2 + 2) + 7 (`' AS x,`) + 0 + 0 = 21
    expect(errorOffset(block(1, text, 21), text)).toBe(text.indexOf('zz'));
  });
  it('finds the window of a long line cut with ...', () => {
    const text = `SELECT '${'x'.repeat(150)}' AS a, zz FROM t`;
    const shown = `...${text.slice(100)}`;
    const caret = 3 + text.indexOf('zz') - 100;
    expect(errorOffset(block(1, shown, caret), text)).toBe(text.indexOf('zz'));
  });
  it('takes the first block when DuckDB-WASM repeats it (parser errors)', () => {
    const text = 'SELECT\nFORM x';
    const m = `Parser Error: syntax error at or near "FORM"${block(2, 'FORM x', 0).slice(18)}${block(2, 'FORM x', 0).slice(18)}`;
    expect(errorOffset(m, text)).toBe(7);
    expect(errorSummary(m)).toBe('syntax error at or near "FORM"');
  });
  it('gives line and column in the user’s text, whatever the line breaks', () => {
    expect(lineColumnAt('a\r\nb\rc\nd', 7)).toEqual({ line: 4, column: 1 });
    expect(lineColumnAt('ab', 1)).toEqual({ line: 1, column: 2 });
  });
  it('measures characters like a terminal', () => {
    expect([...'a日😀\t\u0301'].map((c) => charWidth(c.codePointAt(0)!))).toEqual([1, 2, 2, 0, 0]);
  });
});

describe('the console guard', () => {
  it.each([
    'INSTALL httpfs',
    'load httpfs',
    'FORCE INSTALL json',
    'SET autoload_known_extensions = true',
    'SET GLOBAL /* x */ "autoinstall_known_extensions" TO true',
    'RESET autoload_known_extensions',
    'RESET ALL',
    "PRAGMA custom_extension_repository='http://x'",
    'SET enable_external_access = true',
  ])('refuses %j', (sql) => expect(refusedStatement(sql)).not.toBeNull());
  it.each(['SET threads = 1', 'SELECT 1', "SET VARIABLE x = 'load'", 'PRAGMA show_tables'])(
    'lets %j run',
    (sql) => expect(refusedStatement(sql)).toBeNull(),
  );
});

describe('table views', () => {
  const base = {
    catalog: 'memory',
    database: 'db',
    name: 't',
    dialect,
    columns: [
      { name: 'id', type: 'BIGINT' },
      { name: '__decant_file', type: 'VARCHAR' },
    ],
    partitionKeys: [{ name: 'year', type: 'INTEGER' }],
  };

  it('joins partition values on the file name, from one read_csv', () => {
    const sql = tableViewSql({
      ...base,
      files: [
        { path: 'a.csv', partitionValues: ['2024'] },
        { path: 'b.csv', partitionValues: ['__HIVE_DEFAULT_PARTITION__'] },
      ],
    });
    expect(sql).toBe(
      'CREATE OR REPLACE VIEW "memory"."db"."t" AS SELECT d."id", d."__decant_file", p."k0" AS "year" ' +
        `FROM ${readCsvSql(['a.csv', 'b.csv'], dialect, base.columns, 'error', false, { filename: '__decant_file_' })} AS d ` +
        `JOIN (VALUES ('a.csv', CAST('2024' AS INTEGER)), ('b.csv', CAST(NULL AS INTEGER))) ` +
        'AS p("f", "k0") ON d."__decant_file_" = p."f"',
    );
  });
  it('reads a glob instead of the list when given one', () => {
    const sql = tableViewSql({
      ...base,
      pattern: 'x-*.csv',
      files: [{ path: 'x-1.csv', partitionValues: ['1'] }],
    });
    expect(sql).toContain("read_csv('x-*.csv', ");
  });
  it('is typed and empty without files, and plain without partition keys', () => {
    expect(tableViewSql({ ...base, files: [] })).toBe(
      'CREATE OR REPLACE VIEW "memory"."db"."t" AS SELECT CAST(NULL AS BIGINT) AS "id", ' +
        'CAST(NULL AS VARCHAR) AS "__decant_file", CAST(NULL AS INTEGER) AS "year" WHERE false',
    );
    expect(
      tableViewSql({ ...base, partitionKeys: [], files: [{ path: 'a.csv', partitionValues: [] }] }),
    ).toBe(
      'CREATE OR REPLACE VIEW "memory"."db"."t" AS SELECT d."id", d."__decant_file" ' +
        `FROM ${readCsvSql(['a.csv'], dialect, base.columns)} AS d`,
    );
  });
  it('refuses types it cannot check and values that do not fit the keys', () => {
    expect(() => partitionValueSql('1', 'INT); DROP TABLE x; --')).toThrow(/not a type name/);
    expect(() =>
      tableViewSql({ ...base, files: [{ path: 'a.csv', partitionValues: [] }] }),
    ).toThrow(/0 partition values for 1 keys/);
  });
  it('checks each distinct partition value once', () => {
    expect(
      partitionCastCheckSql(base.partitionKeys, [
        { path: 'a', partitionValues: ['1'] },
        { path: 'b', partitionValues: ['1'] },
        { path: 'c', partitionValues: ["x'"] },
      ]),
    ).toBe(
      "SELECT k, v FROM (SELECT 0 AS k, v FROM (VALUES ('1'), ('x''')) AS t(v) " +
        'WHERE TRY_CAST(v AS INTEGER) IS NULL) LIMIT 1',
    );
  });
  it('compares names the way DuckDB does', () => {
    expect(asciiLower('Sales ÄÖ')).toBe('sales ÄÖ');
    expect(
      unusedName('f', [
        { name: 'F', type: 'X' },
        { name: 'f_', type: 'X' },
      ]),
    ).toBe('f__');
  });
});

describe('results and statistics SQL', () => {
  it('materializes queries with the statement on its own lines', () => {
    const m = materializeSql(3, 'SELECT 1', 'SELECT')!;
    expect(m.sql).toBe('CREATE TEMP TABLE "decant_result_3" AS\nSELECT 1');
    expect(m.sql.slice(m.prefixLength)).toBe('SELECT 1');
    expect(materializeSql(3, 'SHOW TABLES', 'SHOW')!.sql).toBe(
      'CREATE TEMP TABLE "decant_result_3" AS SELECT * FROM (\nSHOW TABLES\n)',
    );
    expect(materializeSql(3, 'INSERT INTO t VALUES (1)', 'INSERT')).toBeNull();
  });
  it('pages by rowid', () => {
    expect(pageSql(3, 10, 5)).toBe(
      'SELECT * FROM "temp"."main"."decant_result_3" WHERE rowid >= 10 AND rowid < 15 ORDER BY rowid',
    );
  });
  it('computes every statistic in one SELECT, by column position', () => {
    const sql = columnStatisticsSql('"m"."d"."t"', [
      { name: 'a"b', type: 'VARCHAR' },
      { name: 'ok', type: 'BOOLEAN' },
      { name: 'l', type: 'INTEGER[]' },
    ]);
    expect(sql.match(/SELECT/g)).toHaveLength(1);
    expect(sql).toContain('max(length("a""b")) AS "ml0"');
    expect(sql).toContain('CAST(count_if(NOT "ok") AS BIGINT) AS "f1"');
    expect(sql).not.toContain('min("l")');
    expect(statsKind('STRUCT(a INTEGER)')).toBe('nested');
  });
  it('checks a type change by reading the text as the new type, others as text', () => {
    const files = { paths: 'x-*.csv', dialect, columns: [...cols, { name: 'b', type: 'DOUBLE' }] };
    expect(textRowCountSql(files)).toBe(
      `SELECT count(*) AS n FROM ${readCsvSql('x-*.csv', dialect, [
        { name: 'id', type: 'VARCHAR' },
        { name: 'b', type: 'VARCHAR' },
      ])}`,
    );
    const typed = readAsTypeSql(files, 'b', 'DATE');
    expect(typed).toMatch(
      /^SELECT count\("b"\) AS v, count\(\*\) AS n FROM read_csv\('x-\*\.csv', /,
    );
    expect(typed).toContain("columns={'id': 'VARCHAR', 'b': 'DATE'}");
    expect(typed).toContain(
      "ignore_errors=true, store_rejects=true, rejects_table='decant_rejects'",
    );
    expect(typed).toMatch(/rejects_limit=20\)$/);
    expect(() => readAsTypeSql(files, 'b', "DATE'), ('x")).toThrow(/not a type name/);
  });
  it('checks partition values as text, each once, and counts rows of the files that fail', () => {
    expect(
      failingPartitionValuesSql(['01', "a'", '01', '__HIVE_DEFAULT_PARTITION__'], 'INTEGER'),
    ).toBe(
      "SELECT v FROM (VALUES (0, '01'), (1, 'a''')) AS t(i, v) WHERE TRY_CAST(v AS INTEGER) IS NULL ORDER BY i",
    );
    expect(failingPartitionValuesSql(['__HIVE_DEFAULT_PARTITION__'], 'INTEGER')).toBeNull();
    const files = { paths: 'x-*.csv', dialect, columns: cols };
    expect(rowsInFilesSql(files, '__f', ['x-1.csv'])).toMatch(
      /^SELECT count\(\*\) AS n FROM read_csv\('x-\*\.csv', .*filename='__f'\) AS d JOIN \(VALUES \('x-1\.csv'\)\) AS p\(f\) ON d\."__f" = p\.f$/,
    );
    expect(rowsInFilesSql(files, '__f', [])).toBe('SELECT 0 AS n');
  });
});

describe('mayWrite: statements after which a loaded Parquet table is read again', () => {
  it('says yes to anything that can change a table, no to plain reads', () => {
    for (const text of [
      'DELETE FROM shop.orders',
      'with x as (select 1) insert into t select * from x',
      'SELECT 1; update t SET a = 2',
      'CREATE OR REPLACE TABLE shop.orders AS SELECT 1',
      'alter table t rename to u',
      'DROP TABLE t',
    ])
      expect(mayWrite(text), text).toBe(true);
    for (const text of [
      'SELECT * FROM shop.orders',
      'SELECT \'delete\' AS "update" -- drop\nFROM t',
      'WITH a AS (SELECT 1) SELECT * FROM a',
      'DESCRIBE shop.orders',
    ])
      expect(mayWrite(text), text).toBe(false);
  });
});
