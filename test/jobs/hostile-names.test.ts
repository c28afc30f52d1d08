import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileJob } from '../../src/jobs/compile';
import { describeSql, columnsFromDescribe } from '../../src/jobs/describe';
import type { Job } from '../../src/jobs/model';
import { CSV } from '../engine/catalog-support';
import {
  jobEngine,
  jobOf,
  node,
  problems,
  target,
  type JobEngine,
  type TestTable,
} from './job-support';

/** Names that break naive SQL: quotes, a statement, unicode, case twins of keywords. */
const DB = 'sales "db"';
const TABLE = 'a"b';
const ID = 'id"; DROP TABLE x; --';
const AMOUNT = 'ünï 💥';
const NOTE = "it's";
const ODD: TestTable = {
  database: DB,
  name: TABLE,
  columns: [
    { name: ID, type: 'INTEGER' },
    { name: AMOUNT, type: 'DOUBLE' },
    { name: NOTE, type: 'VARCHAR' },
    { name: 'select', type: 'VARCHAR' },
  ],
  rows: ["(1, 1.5, 'x\"y', 'k1')", "(2, 2.5, 'it''s', 'k2')", "(3, NULL, NULL, 'k1')"],
};
const OTHER: TestTable = {
  database: DB,
  name: 'ĸeys',
  columns: [
    { name: 'select', type: 'VARCHAR' },
    { name: AMOUNT, type: 'VARCHAR' },
  ],
  rows: ["('k1', 'one')", "('k2', 'two')"],
};

let je: JobEngine;
beforeAll(async () => {
  je = await jobEngine([ODD, OTHER]);
});

function hostileJob(): Job {
  return jobOf(
    [
      node('catalog-source', 'n"1', { database: DB, table: TABLE }, 'src "1"'),
      node('catalog-source', 'ĸ', { database: DB, table: 'ĸeys' }),
      node(
        'filter',
        'f; DROP',
        {
          filter: {
            combine: 'AND',
            clauses: [
              { column: NOTE, op: 'ISNULL', negated: true },
              { column: AMOUNT, op: 'GT', value: { kind: 'constant', value: '${min}' } },
            ],
          },
        },
        "filter's\nname",
      ),
      node('join', 'J"', { type: 'left', on: [{ left: 'select', right: 'select' }] }),
      node('derived-column', 'd', { column: 'dbl "x"', expression: `"${AMOUNT}" * 2` }),
      node('aggregate', 'a', {
        groupBy: ['select'],
        aggregations: [
          { column: 'dbl "x"', fn: 'sum' },
          { column: ID, fn: 'count' },
        ],
      }),
      target('t "out"'),
    ],
    [
      ['n"1', 'f; DROP'],
      ['f; DROP', 'J"', 0],
      ['ĸ', 'J"', 1],
      ['J"', 'd'],
      ['d', 'a'],
      ['a', 't "out"'],
    ],
    { parameters: [{ name: 'min', value: "1' OR 1=1 --" }] },
  );
}

describe('hostile names: every identifier and literal quoted', () => {
  it('compiles with every name quoted, and runs', () => {
    const job = hostileJob();
    job.parameters = [{ name: 'min', value: '1' }];
    const c = compileJob(job, je.ctx);
    const sql = c.targets[0]!.sql;
    expect(sql).toContain('SELECT * FROM "sales ""db"""."a""b"');
    expect(sql).toContain('"n""1" AS (');
    expect(sql).toContain(`"J""" AS (`);
    expect(sql).toContain(`(NOT ("it's" IS NULL))`);
    expect(sql).toContain(`r."select" AS "(right)select", r."ünï 💥" AS "(right)ünï 💥"`);
    expect(sql).toContain(`count("id""; DROP TABLE x; --") AS "count(id""; DROP TABLE x; --)"`);
    const rows = je.rows(`${sql} ORDER BY "select"`);
    expect(rows).toEqual([
      { select: 'k1', 'sum(dbl "x")': 3, 'count(id"; DROP TABLE x; --)': 1 },
      { select: 'k2', 'sum(dbl "x")': 5, 'count(id"; DROP TABLE x; --)': 1 },
    ]);
    expect(je.rows(`SELECT count(*) AS n FROM "sales ""db"""."a""b"`)).toEqual([{ n: 3 }]);
  });

  it('a hostile parameter value is one string literal', () => {
    expect(problems(hostileJob(), je.ctx)).toEqual([
      `Filter "filter's\\nname": "1' OR 1=1 --" is not a number, and column "ünï 💥" is DOUBLE`,
    ]);
    const job = hostileJob();
    job.parameters.push({ name: 'key', value: "k1' OR 1=1 --" });
    job.parameters[0]!.value = '0';
    const filter = job.nodes[2] as Extract<Job['nodes'][number], { kind: 'filter' }>;
    filter.options.filter.clauses.push({
      column: 'select',
      op: 'EQ',
      value: { kind: 'constant', value: '${key}' },
    });
    const sql = compileJob(job, je.ctx).targets[0]!.sql;
    expect(sql).toContain(`("select" = 'k1'' OR 1=1 --')`);
    expect(je.rows(sql)).toEqual([]);
  });

  it('DESCRIBE of every node gives its columns, names intact', () => {
    const job = hostileJob();
    job.parameters = [{ name: 'min', value: '1' }];
    const cols = (id: string) =>
      columnsFromDescribe(je.rows(describeSql(job, id, je.ctx))).map((c) => c.name);
    expect(cols('n"1')).toEqual([ID, AMOUNT, NOTE, 'select']);
    expect(cols('J"')).toEqual([ID, AMOUNT, NOTE, 'select', '(right)select', `(right)${AMOUNT}`]);
    expect(cols('a')).toEqual(['select', 'sum(dbl "x")', 'count(id"; DROP TABLE x; --)']);
  });

  it('a dropped file with hostile column names and file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-odd-'));
    const path = join(dir, "we'ird.csv");
    writeFileSync(path, `"a""b",ünï\n1,x\n`);
    je.engine.register('reg\'d "file".csv', path);
    const job = jobOf(
      [
        node('file-source', 'f', {
          path: 'reg\'d "file".csv',
          dialect: CSV,
          columns: [
            { name: 'a"b', type: 'INTEGER' },
            { name: 'ünï', type: 'VARCHAR' },
          ],
        }),
        node('select-fields', 's', { columns: ['ünï', 'a"b'] }),
        target(),
      ],
      [
        ['f', 's'],
        ['s', 'out'],
      ],
    );
    expect(je.rows(compileJob(job).targets[0]!.sql)).toEqual([{ ünï: 'x', 'a"b': 1 }]);
  });

  it('a NUL in a name is refused on its node, not sent to the engine', () => {
    const job = hostileJob();
    job.parameters = [{ name: 'min', value: '1' }];
    job.nodes[4] = node('derived-column', 'd', { column: 'bad\0name', expression: '1' });
    expect(problems(job, je.ctx)).toEqual([
      'Derived Column "d": the new column "bad\\u0000name" contains a NUL character',
      'Derived Column "d": sql: identifier contains a NUL character',
    ]);
  });
});
