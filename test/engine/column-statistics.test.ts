import { beforeAll, describe, expect, it } from 'vitest';
import { inspectCsv } from '../../workers/engine/inspect-csv';
import { columnStatistics } from '../../workers/engine/column-statistics';
import { castFailures as castFailuresOf } from '../../workers/engine/cast-failures';
import type { AttachedTables } from '../../workers/engine/attached-tables';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { expected, fixturePath, sourceFor } from '../support/fixtures';
import { CSV, nodeTables } from './catalog-support';
import { salesTable } from '../support/sales-table';
import { decantErrorFrom } from '../support/decant-error';

let engine: NodeEngine;
let tables: AttachedTables<string>;

/** As the worker calls it: on what the attached table's view reads. */
function castFailures(_s: unknown, database: string, name: string, column: string, type: string) {
  return castFailuresOf(engine.s, tables.table(database, name), column, type, tables.relabel);
}
beforeAll(async () => {
  engine = await startNodeEngine();
  tables = nodeTables(engine);
});

/** Inspects a fixture as a dropped file is, then attaches it as `database.name` (types overridable). */
function attachFixture(
  database: string,
  name: string,
  file: string,
  types: Record<string, string> = {},
) {
  const found = inspectCsv(engine.s, sourceFor(engine, fixturePath(file)));
  tables.attach({
    database,
    name,
    classification: 'csv',
    dialect: found.dialect,
    columns: found.columns.map((c) => ({ ...c, type: types[c.name] ?? c.type })),
    partitionKeys: [],
    files: [{ path: file, file: fixturePath(file), partitionValues: [] }],
  });
}

const failure = (f: () => unknown) => decantErrorFrom(f);

describe('columnStatistics', () => {
  it('events.tsv: Glue’s statistics per column, matching the fixture', () => {
    attachFixture('db', 'events', 'events.tsv');
    const want = expected('events.tsv') as { rowCount: number; nulls: Record<string, number> };
    const stats = columnStatistics(engine.s, 'db', 'events', tables.relabel);
    expect(stats.rowCount).toBe(want.rowCount);
    const by = Object.fromEntries(stats.columns.map((c) => [c.column, c]));
    for (const [column, nulls] of Object.entries(want.nulls)) expect(by[column]!.nulls).toBe(nulls);
    expect(stats.columns).toEqual([
      {
        column: 'ts',
        type: 'TIMESTAMP',
        nulls: 0,
        // approx_count_distinct's estimate for 3 distinct timestamps (see column-stats.ts).
        distinct: 2,
        min: '2024-03-01 10:00:00',
        max: '2024-03-02 23:59:59',
      },
      { column: 'user_id', type: 'BIGINT', nulls: 1, distinct: 2, min: '17', max: '18' },
      {
        column: 'active',
        type: 'BOOLEAN',
        nulls: 0,
        distinct: 2,
        min: 'false',
        max: 'true',
        trues: 2,
        falses: 1,
      },
      { column: 'score', type: 'DOUBLE', nulls: 1, distinct: 2, min: '0.5', max: '1.25' },
    ]);
  });

  it('gives lengths for text and works with any column name', () => {
    tables.attach({
      database: 'we"ird; DROP',
      name: '<img onerror=x>',
      classification: 'csv',
      dialect: CSV,
      columns: [
        { name: 'a"b', type: 'BIGINT' },
        { name: '名前 x', type: 'VARCHAR' },
        { name: "'; --", type: 'DOUBLE' },
      ],
      partitionKeys: [],
      files: [
        {
          path: 'p.csv',
          file: fixturePath('sales/year=2025/month=01/part-0.csv'),
          partitionValues: [],
        },
      ],
    });
    const stats = columnStatistics(engine.s, 'we"ird; DROP', '<img onerror=x>');
    expect(stats.columns[1]).toEqual({
      column: '名前 x',
      type: 'VARCHAR',
      nulls: 0,
      distinct: 2,
      min: 'd',
      max: 'e',
      maxLength: 1,
      avgLength: 1,
    });
    expect(castFailures(engine.s, 'we"ird; DROP', '<img onerror=x>', '名前 x', 'DOUBLE')).toEqual({
      failures: 2,
      examples: ['d', 'e'],
    });
  });

  it('says when the table is not attached', () => {
    expect(failure(() => columnStatistics(engine.s, 'db', 'nope')).message).toBe(
      'catalog: no table "db"."nope" in the engine (attach it first)',
    );
  });
});

describe('castFailures', () => {
  it('late-string.csv read as VARCHAR: one value would fail as BIGINT, "N/A"', () => {
    attachFixture('db', 'late', 'late-string.csv', { code: 'VARCHAR' });
    expect(castFailures(engine.s, 'db', 'late', 'code', 'BIGINT')).toEqual({
      failures: 1,
      examples: ['N/A'],
    });
    expect(castFailures(engine.s, 'db', 'late', 'code', 'VARCHAR')).toEqual({
      failures: 0,
      examples: [],
    });
    expect(castFailures(engine.s, 'db', 'late', 'id', 'DECIMAL(4,0)')).toMatchObject({
      failures: 30001 - 9999,
    });
  });

  it('reports at most 5 distinct examples', () => {
    attachFixture('db', 'sales5', 'sales/year=2024/month=01/part-0.csv');
    const r = castFailures(engine.s, 'db', 'sales5', 'sku', 'INTEGER');
    expect(r).toEqual({ failures: 2, examples: ['a', 'b'] });
  });

  it('refuses a type that is not a type name, before any SQL', () => {
    const e = failure(() =>
      castFailures(engine.s, 'db', 'late', 'code', "BIGINT) IS NULL OR (SELECT 'x'"),
    );
    expect(e.message).toMatch(/^catalog: "BIGINT\) IS NULL OR \(SELECT 'x'" is not a type name/);
  });

  it('says which column or type is unknown', () => {
    expect(failure(() => castFailures(engine.s, 'db', 'late', 'nope', 'BIGINT')).message).toBe(
      'catalog: "db"."late" has no column "nope"',
    );
    expect(failure(() => castFailures(engine.s, 'db', 'late', 'code', 'FOO')).message).toMatch(
      /^catalog: cannot check "code" of "db"."late" as FOO: Type with name FOO does not exist!/,
    );
    expect(failure(() => castFailures(engine.s, 'db', 'nope', 'code', 'INTEGER')).message).toBe(
      'catalog: no table "db"."nope" in the engine (attach it first)',
    );
  });

  it('reads the file’s text as the new type, as the table will: true is not an INTEGER', () => {
    attachFixture('db', 'events2', 'events.tsv');
    expect(castFailures(engine.s, 'db', 'events2', 'active', 'INTEGER')).toEqual({
      failures: 3,
      examples: ['true', 'false'],
    });
    // Timestamps with a time of day read as DATE; NULLs are not failures.
    expect(castFailures(engine.s, 'db', 'events2', 'ts', 'DATE').failures).toBe(0);
    expect(castFailures(engine.s, 'db', 'events2', 'user_id', 'DATE')).toEqual({
      failures: 2,
      examples: ['17', '18'],
    });
  });

  it('checks a partition key’s values from the paths, counting the rows they cover', () => {
    const files = [
      ['2024/01', '01'],
      ['2024/02', 'xx'],
      ['2025/01', '__HIVE_DEFAULT_PARTITION__'],
    ].map(([dir, month]) => ({
      path: `${dir}/part-0.csv`,
      file: fixturePath(`sales/year=${dir!.replace('/', '/month=')}/part-0.csv`),
      partitionValues: [month!],
    }));
    tables.attach(
      salesTable(files, {
        database: 'db',
        name: 'months',
        partitionKeys: [{ name: 'month', type: 'VARCHAR' }],
      }),
    );
    expect(castFailures(engine.s, 'db', 'months', 'month', 'INTEGER')).toEqual({
      failures: 1,
      examples: ['xx'],
    });
    expect(castFailures(engine.s, 'db', 'months', 'month', 'VARCHAR').failures).toBe(0);
  });
});
