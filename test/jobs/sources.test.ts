import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileJob } from '../../src/jobs/compile';
import type { CompileContext } from '../../src/jobs/context';
import type { FilterGroup } from '../../src/jobs/model';
import { CSV, nodeTables } from '../engine/catalog-support';
import { fixturePath } from '../support/fixtures';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import type { AttachedTables } from '../../workers/engine/attached-tables';
import { attachSalesFolder, chain, jobErrorFrom, node, sqlOf } from './job-support';

let engine: NodeEngine;
let tables: AttachedTables<string>;
beforeAll(async () => {
  engine = await startNodeEngine();
  tables = nodeTables(engine);
});

const attachFolder = (root: string, database: string, name: string) =>
  attachSalesFolder(tables, root, database, name);

const YEAR_2024: FilterGroup = {
  combine: 'AND',
  clauses: [{ column: 'year', op: 'EQ', value: { kind: 'constant', value: '2024' } }],
};

function salesJob(predicate?: FilterGroup, database = 'shop') {
  return chain([
    node('catalog-source', 'sales', { database, table: 'sales', partitionPredicate: predicate }),
  ]);
}

describe('Data Catalog source', () => {
  it('reads "db"."table": by text, and by result all five sales rows with year and month last', () => {
    const ctx: CompileContext = { tables: [attachFolder(fixturePath('sales'), 'shop', 'sales')] };
    expect(sqlOf(salesJob(), 'sales', ctx)).toBe('SELECT * FROM "shop"."sales"');
    const c = compileJob(salesJob(), ctx);
    const rows = engine.s.rows(`${c.targets[0]!.sql} ORDER BY id`);
    expect(rows.map((r) => [r.id, r.sku, r.year, r.month])).toEqual([
      [1, 'a', 2024, 1],
      [2, 'b', 2024, 1],
      [3, 'c', 2024, 2],
      [4, 'd', 2025, 1],
      [5, 'e', 2025, 1],
    ]);
    expect(c.targets[0]!.columns!.map((x) => x.name)).toEqual([
      'id',
      'sku',
      'price',
      'year',
      'month',
    ]);
    expect(c.sources).toEqual([
      {
        nodeId: 'sales',
        table: { database: 'shop', name: 'sales' },
        partitions: ['year=2024/month=01', 'year=2024/month=02', 'year=2025/month=01'],
        files: [
          'year=2024/month=01/part-0.csv',
          'year=2024/month=02/part-0.csv',
          'year=2025/month=01/part-0.csv',
        ],
        pruned: false,
      },
    ]);
  });

  it('names the table with its catalog when told (a database called "temp")', () => {
    const t = attachFolder(fixturePath('sales'), 'temp', 'sales');
    const ctx: CompileContext = { tables: [t], mainCatalog: 'memory' };
    expect(sqlOf(salesJob(undefined, 'temp'), 'sales', ctx)).toBe(
      'SELECT * FROM "memory"."temp"."sales"',
    );
    expect(
      engine.s.rows(compileJob(salesJob(undefined, 'temp'), ctx).targets[0]!.sql),
    ).toHaveLength(5);
  });

  it('with a partition predicate, reads only the chosen partitions: a broken file elsewhere is never opened', () => {
    // 2024 is good data; 2025's file holds text where id is a BIGINT, so reading it fails.
    const root = mkdtempSync(join(tmpdir(), 'h5-prune-'));
    mkdirSync(join(root, 'year=2024/month=01'), { recursive: true });
    mkdirSync(join(root, 'year=2025/month=01'), { recursive: true });
    writeFileSync(join(root, 'year=2024/month=01/part-0.csv'), 'id,sku,price\n1,a,1.5\n2,b,2.5\n');
    writeFileSync(join(root, 'year=2025/month=01/part-0.csv'), 'id,sku,price\nnot-a-number,x,0\n');
    const t = attachFolder(root, 'pruned', 'sales');
    // The view itself reads every file: filtering its rows does not avoid the broken one.
    expect(() => engine.s.rows('SELECT * FROM pruned.sales WHERE year = 2024')).toThrow(
      /not-a-number/,
    );

    const job = salesJob(YEAR_2024, 'pruned');
    const c = compileJob(job, { tables: [t] });
    expect(c.sources[0]).toMatchObject({
      partitions: ['year=2024/month=01'],
      files: ['year=2024/month=01/part-0.csv'],
      pruned: true,
    });
    const body = sqlOf(job, 'sales', { tables: [t] });
    expect(body).toContain(`read_csv(['${t.scan!.files[0]!.registered}']`);
    expect(body).not.toContain(t.scan!.files[1]!.registered);
    expect(body).toMatch(/ WHERE \(\("year" = '2024'\)\)$/);
    const rows = engine.s.rows(`${c.targets[0]!.sql} ORDER BY id`);
    expect(rows.map((r) => [r.id, r.year, r.month])).toEqual([
      [1, 2024, 1],
      [2, 2024, 1],
    ]);

    // Without the engine's file names, the source falls back to the view and filters rows.
    const { scan: _, ...bare } = t;
    expect(sqlOf(job, 'sales', { tables: [bare] })).toBe(
      `SELECT * FROM "pruned"."sales" WHERE (("year" = '2024'))`,
    );
    expect(compileJob(job, { tables: [bare] }).sources[0]).toMatchObject({
      partitions: ['year=2024/month=01'],
      files: null,
      pruned: false,
    });
  });

  it('a predicate that keeps no partition reads no file and is empty but typed', () => {
    const t = attachFolder(fixturePath('sales'), 'shop', 'sales');
    const none: FilterGroup = {
      combine: 'AND',
      clauses: [{ column: 'year', op: 'GT', value: { kind: 'constant', value: '2030' } }],
    };
    const c = compileJob(salesJob(none), { tables: [t] });
    expect(c.sources[0]!.files).toEqual([]);
    expect(engine.s.rows(c.targets[0]!.sql)).toEqual([]);
    expect(engine.s.rows(`DESCRIBE ${c.targets[0]!.sql}`).map((r) => r.column_type)).toEqual([
      'BIGINT',
      'VARCHAR',
      'DOUBLE',
      'BIGINT',
      'BIGINT',
    ]);
  });

  it('skips files earlier runs processed (bookmarks) and says which it reads', () => {
    const t = attachFolder(fixturePath('sales'), 'shop', 'sales');
    const ctx: CompileContext = {
      tables: [t],
      processedFiles: new Map([
        ['sales', ['year=2024/month=01/part-0.csv', 'year=2024/month=02/part-0.csv']],
      ]),
    };
    const c = compileJob(salesJob(), ctx);
    expect(c.sources[0]!.files).toEqual(['year=2025/month=01/part-0.csv']);
    expect(engine.s.rows(`${c.targets[0]!.sql} ORDER BY id`).map((r) => r.id)).toEqual([4, 5]);
    // Without the engine's names it cannot skip them, and says so rather than read them again.
    const { scan: _, ...bare } = t;
    jobErrorFrom(
      () => compileJob(salesJob(), { ...ctx, tables: [bare] }),
      /Data Catalog table "sales": cannot skip the files earlier runs processed/,
    );
  });

  it('a table the runner loaded a bookmark subset of (Parquet, JSON) is read from that subset', () => {
    const { scan: _, ...t } = attachFolder(fixturePath('sales'), 'shop', 'sales');
    // Here the "subset" is the view of the whole table filtered to 2025: what matters is that
    // the source reads `ref` and reports the subset's files, the predicate still choosing.
    const subset = {
      ref: '(SELECT * FROM "shop"."sales" WHERE year = 2025)',
      files: ['year=2025/month=01/part-0.csv'],
    };
    const ctx: CompileContext = { tables: [{ ...t, subset }] };
    expect(sqlOf(salesJob(), 'sales', ctx)).toBe(`SELECT * FROM ${subset.ref}`);
    const c = compileJob(salesJob(), ctx);
    expect(c.sources[0]!.files).toEqual(['year=2025/month=01/part-0.csv']);
    expect(engine.s.rows(`${c.targets[0]!.sql} ORDER BY id`).map((r) => r.id)).toEqual([4, 5]);
    // A predicate that keeps only 2024 reads none of the subset's files (and no row).
    const only2024 = compileJob(salesJob(YEAR_2024), ctx);
    expect(only2024.sources[0]!.files).toEqual([]);
    expect(engine.s.rows(only2024.targets[0]!.sql)).toEqual([]);
  });

  it('a predicate may use only partition keys, and parameters', () => {
    const t = attachFolder(fixturePath('sales'), 'shop', 'sales');
    const onPrice: FilterGroup = {
      combine: 'AND',
      clauses: [{ column: 'price', op: 'GT', value: { kind: 'constant', value: '1' } }],
    };
    jobErrorFrom(
      () => compileJob(salesJob(onPrice), { tables: [t] }),
      /column "price" is not in the partition keys \("year", "month"\)/,
    );
    const byParam: FilterGroup = {
      combine: 'AND',
      clauses: [{ column: 'year', op: 'EQ', value: { kind: 'constant', value: '${year}' } }],
    };
    const job = { ...salesJob(byParam), parameters: [{ name: 'year', value: '2024' }] };
    const c = compileJob(job, { tables: [t], arguments: { year: '2025' } });
    expect(c.sources[0]!.partitions).toEqual(['year=2025/month=01']);
    expect(engine.s.rows(`${c.targets[0]!.sql} ORDER BY id`).map((r) => r.id)).toEqual([4, 5]);
  });

  it('a table that is not in the catalog is said on the node', () => {
    jobErrorFrom(
      () => compileJob(salesJob(), { tables: [] }),
      /^Data Catalog table "sales": table "shop"\."sales" is not in the catalog$/m,
    );
  });
});

describe('Dropped file source', () => {
  it('reads the registered file with its dialect: by text and by result', () => {
    engine.register('job-events.tsv', fixturePath('events.tsv'));
    const dialect = { ...CSV, delimiter: '\t' };
    const columns = [
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'user_id', type: 'BIGINT' },
      { name: 'active', type: 'BOOLEAN' },
      { name: 'score', type: 'DOUBLE' },
    ];
    const job = chain([
      node('file-source', 'events', { path: 'job-events.tsv', dialect, columns }),
    ]);
    expect(sqlOf(job, 'events')).toBe(
      "SELECT * FROM read_csv('job-events.tsv', auto_detect=false, delim='\t', quote='\"', escape='\"', " +
        "header=true, encoding='utf-8', decimal_separator='.', compression='none', " +
        "columns={'ts': 'TIMESTAMP', 'user_id': 'BIGINT', 'active': 'BOOLEAN', 'score': 'DOUBLE'})",
    );
    const c = compileJob(job);
    expect(c.sources).toEqual([
      {
        nodeId: 'events',
        file: 'job-events.tsv',
        partitions: null,
        files: ['job-events.tsv'],
        pruned: false,
      },
    ]);
    const rows = engine.s.rows(c.targets[0]!.sql);
    expect(rows.map((r) => [r.user_id, r.active, r.score])).toEqual([
      [17, true, 0.5],
      [18, false, null],
      [null, true, 1.25],
    ]);
  });
});
