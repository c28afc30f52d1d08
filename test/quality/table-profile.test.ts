import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ColumnInfo } from '../../src/core/csv/dialect';
import { quoteLiteral } from '../../src/core/sql/quote';
import type { QualityEngine } from '../../src/quality/evaluate/evaluate-ruleset';
import { computeProfile, statisticsOfProfile } from '../../src/quality/profile/compute-profile';
import type { ColumnProfile, ProfileSample, TableProfile } from '../../src/quality/profile/model';
import { profileStamp } from '../../src/quality/profile/profile-stamp';
import { CSV } from '../engine/catalog-support';
import {
  createNodeEngineClient,
  createNodeEngineHost,
  DiskFile,
  fixtureFile,
} from '../support/engine-host';

const host = createNodeEngineHost();
let tasks = 0;
let queriesRun: string[][] = [];
const engine: QualityEngine = {
  qualityQueries: (queries, onProgress) => {
    queriesRun.push(queries);
    return host.qualityQueries(`p${++tasks}`, queries, onProgress);
  },
};
let native: DuckDBConnection;

/** 1..1000 with known distributions: see each column's comment. */
const GEN: ColumnInfo[] = [
  { name: 'n', type: 'BIGINT' }, // 1..1000
  { name: 'half', type: 'DOUBLE' }, // n / 2, NULL every 10th row
  { name: 'neg', type: 'DOUBLE' }, // -n: correlation with n is -1
  { name: 'small', type: 'INTEGER' }, // n % 5: one bin per value, 200 each
  { name: 'word', type: 'VARCHAR' }, // 'a' ×500, 'bb' ×300, 'Cc9' ×150, NULL ×50
  { name: 'code', type: 'VARCHAR' }, // 'AB-123'-like: upper, upper, '-', digits
  { name: 'day', type: 'DATE' }, // 2024-01-01 + (n - 1) % 100 days
  { name: 'flag', type: 'BOOLEAN' }, // n % 3 = 0
];
const EVENTS: ColumnInfo[] = [
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'user_id', type: 'BIGINT' },
  { name: 'active', type: 'BOOLEAN' },
  { name: 'score', type: 'DOUBLE' },
];

const EMPTY: ColumnInfo[] = [
  { name: 'a', type: 'BIGINT' },
  { name: 'b', type: 'VARCHAR' },
  { name: 'c', type: 'DATE' },
];

function generated(): string {
  const lines = [GEN.map((c) => c.name).join(',')];
  for (let n = 1; n <= 1000; n++) {
    const word = n <= 500 ? 'a' : n <= 800 ? 'bb' : n <= 950 ? 'Cc9' : '';
    const code = `${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(65 + ((n * 7) % 26))}-${n % 7 === 0 ? n : n % 100}`;
    const day = new Date(Date.UTC(2024, 0, 1 + ((n - 1) % 100))).toISOString().slice(0, 10);
    lines.push([n, n % 10 === 0 ? '' : n / 2, -n, n % 5, word, code, day, n % 3 === 0].join(','));
  }
  return lines.join('\n') + '\n';
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'decant-profile-'));
  const gen = join(dir, 'gen.csv');
  writeFileSync(gen, generated());
  const empty = join(dir, 'empty.csv');
  writeFileSync(empty, 'a,b,c\n');
  await host.attachTable({
    database: 'gen',
    name: 'empty',
    classification: 'csv',
    dialect: CSV,
    columns: EMPTY,
    partitionKeys: [],
    files: [{ path: 'empty.csv', file: new DiskFile(empty), partitionValues: [] }],
  });
  await host.attachTable({
    database: 'gen',
    name: 'seq',
    classification: 'csv',
    dialect: CSV,
    columns: GEN,
    partitionKeys: [],
    files: [{ path: 'gen.csv', file: new DiskFile(gen), partitionValues: [] }],
  });
  await host.attachTable({
    database: 'fx',
    name: 'events',
    classification: 'csv',
    dialect: { ...CSV, delimiter: '\t' },
    columns: EVENTS,
    partitionKeys: [],
    files: [{ path: 'events.tsv', file: fixtureFile('events.tsv'), partitionValues: [] }],
  });
  // The independent side: native DuckDB reading the same files with the same types.
  native = await (await DuckDBInstance.create(':memory:')).connect();
  const types = (cols: ColumnInfo[]) =>
    `{${cols.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
  await native.run(
    `CREATE TABLE seq AS SELECT * FROM read_csv(${quoteLiteral(gen)}, header = true, columns = ${types(GEN)})`,
  );
  await native.run(
    `CREATE TABLE events AS SELECT * FROM read_csv(${quoteLiteral(fixtureFile('events.tsv').diskPath)}, header = true, delim = '\t', columns = ${types(EVENTS)})`,
  );
});

async function nativeRows(query: string): Promise<Record<string, unknown>[]> {
  return (await native.runAndReadAll(query)).getRowObjectsJson() as Record<string, unknown>[];
}
async function nativeValue(query: string): Promise<number | null> {
  const v = Object.values((await nativeRows(query))[0]!)[0];
  return v === null ? null : Number(v);
}

const STAMP = { version: 1, updatedAt: 1, sources: [] };
async function profileOf(
  database: string,
  name: string,
  columns: ColumnInfo[],
  sample?: ProfileSample,
  exactValuesUpTo?: number,
): Promise<TableProfile> {
  return computeProfile(engine, {
    table: { database, name },
    columns,
    sample,
    exactValuesUpTo,
    stamp: profileStamp(STAMP),
    tableVersion: 1,
  });
}
const col = (p: TableProfile, name: string): ColumnProfile =>
  p.columns.find((c) => c.column === name)!;
const sum = (xs: { count: number }[] | undefined) => (xs ?? []).reduce((a, x) => a + x.count, 0);

/** Bin counts written independently: floor((v - lo) / width), the max folded into the last bin. */
async function nativeHistogram(table: string, v: string, bins: number): Promise<number[]> {
  const rows = await nativeRows(
    `WITH r AS (SELECT min(${v}) AS lo, max(${v}) AS hi FROM ${table})
     SELECT least(floor((${v} - lo) / ((hi - lo) / ${bins})), ${bins - 1})::INT AS k, count(*) AS c
     FROM ${table}, r WHERE ${v} IS NOT NULL GROUP BY k ORDER BY k`,
  );
  const out = Array<number>(bins).fill(0);
  for (const r of rows) out[Number(r.k)] = Number(r.c);
  return out;
}

describe('computeProfile on generated data with known distributions', () => {
  let p: TableProfile;
  beforeAll(async () => {
    queriesRun = [];
    p = await profileOf('gen', 'seq', GEN);
  });

  it('reads the table in passes of one query each, whatever the column count', async () => {
    // Every text column has few values: they are counted in pass 2, and pass 3 has nothing to do.
    expect(queriesRun.map((q) => q.length)).toEqual([1, 1]);
    expect(p.passes).toBe(2);
    queriesRun = [];
    expect((await profileOf('gen', 'seq', GEN, undefined, 0)).passes).toBe(3);
    expect(queriesRun.map((q) => q.length)).toEqual([1, 1, 1]);
    expect(p.rowCount).toBe(1000);
    expect(p.tableRows).toBe(1000);
  });

  it('holds exactly the catalog’s column statistics (the same aggregates, no second scan)', async () => {
    expect(statisticsOfProfile(p)).toEqual(await host.columnStatistics('gen', 'seq'));
  });

  it('1..1000 falls into 20 bins of 50, and its quantiles are where they must be', () => {
    const n = col(p, 'n');
    expect(n.kind).toBe('number');
    expect(n.histogram!.map((b) => b.count)).toEqual(Array(20).fill(50));
    expect(n.histogram![0]!.from).toBe(1);
    expect(n.histogram!.at(-1)!.to).toBe(1000);
    expect(n.min).toBe('1');
    expect(n.max).toBe('1000');
    expect(n.mean).toBe(500.5);
    // approx_quantile is a t-digest estimate: within 1% of the range of the exact value.
    for (const q of n.quantiles!) expect(Math.abs(q.value - (1 + 999 * q.p))).toBeLessThan(10);
    expect(n.quantiles!.map((q) => q.p)).toEqual([0.05, 0.25, 0.5, 0.75, 0.95]);
  });

  it('gives a narrow integer range one bin per value', () => {
    expect(col(p, 'small').histogram).toEqual(
      [0, 1, 2, 3, 4].map((v) => ({ from: v, to: v, count: 200 })),
    );
  });

  it('matches native DuckDB’s mean, stddev, nulls, quantiles and histogram for every number', async () => {
    for (const name of ['n', 'half', 'neg', 'small']) {
      const c = col(p, name);
      const q = `"${name}"`;
      expect(c.mean).toBeCloseTo((await nativeValue(`SELECT avg(${q}) FROM seq`))!, 9);
      expect(c.stddev).toBeCloseTo((await nativeValue(`SELECT stddev_samp(${q}) FROM seq`))!, 9);
      expect(c.nulls).toBe(
        await nativeValue(`SELECT count(*) FILTER (WHERE ${q} IS NULL) FROM seq`),
      );
      const range = c.histogram!.at(-1)!.to - c.histogram![0]!.from;
      for (const { p: at, value } of c.quantiles!) {
        const exact = (await nativeValue(`SELECT quantile_cont(${q}, ${at}) FROM seq`))!;
        expect(Math.abs(value - exact)).toBeLessThanOrEqual(range * 0.01);
      }
      if (c.histogram!.length === 20)
        expect(c.histogram!.map((b) => b.count)).toEqual(await nativeHistogram('seq', q, 20));
      expect(sum(c.histogram)).toBe(1000 - c.nulls);
    }
  });

  it('counts top values and patterns exactly, as GROUP BY does', async () => {
    const word = col(p, 'word');
    expect(word.topValues).toEqual([
      { value: 'a', count: 500 },
      { value: 'bb', count: 300 },
      { value: 'Cc9', count: 150 },
    ]);
    expect(word.patterns).toEqual([
      { value: 'a', count: 500 },
      { value: 'aa', count: 300 },
      { value: 'Aa9', count: 150 },
    ]);
    expect(word.nulls).toBe(50);
    const code = col(p, 'code');
    const patterns = await nativeRows(
      `SELECT regexp_replace(regexp_replace(regexp_replace(code, '[A-Z]', 'A', 'g'), '[a-z]', 'a', 'g'), '[0-9]', '9', 'g') AS v, count(*) AS c
       FROM seq GROUP BY v ORDER BY c DESC, v`,
    );
    expect(code.patterns!.map((x) => [x.value, x.count])).toEqual(
      patterns.slice(0, code.patterns!.length).map((r) => [r.v, Number(r.c)]),
    );
    for (const t of code.topValues!)
      expect(t.count).toBe(
        await nativeValue(`SELECT count(*) FROM seq WHERE code = ${quoteLiteral(t.value)}`),
      );
  });

  it('finds the same top values and patterns through approx_top_k and a third pass', async () => {
    const approx = await profileOf('gen', 'seq', GEN, undefined, 0);
    expect(col(approx, 'word').topValues).toEqual(col(p, 'word').topValues);
    expect(col(approx, 'word').patterns).toEqual(col(p, 'word').patterns);
    expect(col(approx, 'code').patterns).toEqual(col(p, 'code').patterns);
    // approx_top_k may pick other values among the many tied at 2 rows; each is counted exactly.
    for (const t of col(approx, 'code').topValues!)
      expect(t.count).toBe(
        await nativeValue(`SELECT count(*) FROM seq WHERE code = ${quoteLiteral(t.value)}`),
      );
    expect(approx.columns.map((c) => c.histogram)).toEqual(p.columns.map((c) => c.histogram));
  });

  it('gives text its length range and length distribution', async () => {
    const code = col(p, 'code');
    expect(code.minLength).toBe(await nativeValue('SELECT min(length(code)) FROM seq'));
    expect(code.maxLength).toBe(await nativeValue('SELECT max(length(code)) FROM seq'));
    const lengths = await nativeRows(
      'SELECT length(code) AS l, count(*) AS c FROM seq GROUP BY l ORDER BY l',
    );
    expect(code.lengths!.filter((b) => b.count).map((b) => [b.from, b.count])).toEqual(
      lengths.map((r) => [Number(r.l), Number(r.c)]),
    );
    expect(sum(col(p, 'word').lengths)).toBe(950);
  });

  it('profiles dates in epoch milliseconds and booleans by their counts', async () => {
    const day = col(p, 'day');
    expect(day.kind).toBe('date');
    expect(day.histogram![0]!.from).toBe(Date.UTC(2024, 0, 1));
    expect(day.histogram!.at(-1)!.to).toBe(Date.UTC(2024, 0, 100));
    expect(sum(day.histogram)).toBe(1000);
    expect(day.histogram!.map((b) => b.count)).toEqual(
      await nativeHistogram('seq', 'epoch_ms(day::TIMESTAMP)', 20),
    );
    expect(col(p, 'flag').topValues).toEqual([
      { value: 'false', count: 667 },
      { value: 'true', count: 333 },
    ]);
  });

  it('correlates numeric columns as corr does, and leaves text and dates out', async () => {
    expect(p.correlations.columns).toEqual(['n', 'half', 'neg', 'small']);
    const at = (a: string, b: string) =>
      p.correlations.values[p.correlations.columns.indexOf(a)]![p.correlations.columns.indexOf(b)];
    expect(at('n', 'neg')).toBeCloseTo(-1, 12);
    expect(at('n', 'n')).toBe(1);
    expect(at('half', 'n')).toBe(at('n', 'half'));
    expect(at('n', 'small')).toBeCloseTo(
      (await nativeValue('SELECT corr(n, small) FROM seq'))!,
      12,
    );
    expect(at('n', 'half')).toBeCloseTo((await nativeValue('SELECT corr(n, half) FROM seq'))!, 12);
  });
});

describe('computeProfile on the shared fixtures', () => {
  it('matches native DuckDB on events.tsv, NULLs and all', async () => {
    const p = await profileOf('fx', 'events', EVENTS);
    expect(p.rowCount).toBe(await nativeValue('SELECT count(*) FROM events'));
    for (const c of EVENTS) {
      const got = col(p, c.name);
      expect(got.nulls).toBe(
        await nativeValue(`SELECT count(*) FILTER (WHERE "${c.name}" IS NULL) FROM events`),
      );
    }
    const score = col(p, 'score');
    expect(score.mean).toBeCloseTo((await nativeValue('SELECT avg(score) FROM events'))!, 12);
    expect(sum(score.histogram)).toBe(await nativeValue('SELECT count(score) FROM events'));
    const ts = col(p, 'ts');
    expect(ts.histogram![0]!.from).toBe(await nativeValue('SELECT epoch_ms(min(ts)) FROM events'));
    expect(sum(ts.histogram)).toBe(await nativeValue('SELECT count(ts) FROM events'));
    const active = col(p, 'active');
    expect(active.topValues!.find((v) => v.value === 'true')!.count).toBe(
      await nativeValue('SELECT count(*) FILTER (WHERE active) FROM events'),
    );
  });
});

describe('computeProfile on a table with no rows', () => {
  it('gives counts of zero and no distributions, with no error', async () => {
    for (const exact of [undefined, 0]) {
      const p = await profileOf('gen', 'empty', EMPTY, undefined, exact);
      expect(p.rowCount).toBe(0);
      expect(p.columns.map((c) => [c.nulls, c.histogram, c.topValues ?? []])).toEqual([
        [0, undefined, []],
        [0, undefined, []],
        [0, undefined, []],
      ]);
      expect(p.correlations).toEqual({ columns: ['a'], values: [[null]] });
    }
  });
});

describe('computeProfile on a sample', () => {
  it('profiles the first rows, without counting the whole table', async () => {
    const p = await profileOf('gen', 'seq', GEN, { kind: 'first', rows: 100 });
    expect(p.rowCount).toBe(100);
    // Not counted (see profile-first-rows.test.ts); fewer rows than asked are all of them.
    expect(p.tableRows).toBeUndefined();
    expect((await profileOf('gen', 'seq', GEN, { kind: 'first', rows: 5000 })).tableRows).toBe(
      1000,
    );
    const n = col(p, 'n');
    expect([n.min, n.max]).toEqual(['1', '100']);
    expect(sum(n.histogram)).toBe(100);
    expect(col(p, 'word').topValues).toEqual([{ value: 'a', count: 100 }]);
  });

  it('reads the same reservoir sample in every pass', async () => {
    const p = await profileOf('gen', 'seq', GEN, { kind: 'random', rows: 200 });
    expect(p.rowCount).toBe(200);
    expect(p.tableRows).toBe(1000);
    // Histogram (pass 2) and statistics (pass 1) describe the same rows.
    expect(sum(col(p, 'n').histogram)).toBe(200);
    expect(sum(col(p, 'word').topValues)).toBe(200 - col(p, 'word').nulls);
    expect(sum(col(p, 'word').lengths)).toBe(200 - col(p, 'word').nulls);
  });
});

describe('computeProfile progress and cancel', () => {
  it('reports each pass, and stops when cancelled between passes', async () => {
    const client = createNodeEngineClient(host);
    const progress: number[] = [];
    await computeProfile(client, {
      table: { database: 'fx', name: 'events' },
      columns: EVENTS,
      stamp: 's',
      tableVersion: 1,
      onProgress: (x) => progress.push(x.done),
    });
    expect(progress).toEqual([0, 1, 2, 3]);

    const controller = new AbortController();
    const run = computeProfile(client, {
      table: { database: 'fx', name: 'events' },
      columns: EVENTS,
      stamp: 's',
      tableVersion: 1,
      signal: controller.signal,
      onProgress: (x) => x.done === 1 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('says which table it could not profile', async () => {
    await expect(profileOf('gen', 'missing', GEN)).rejects.toThrow(
      /^quality: cannot profile gen\.missing: /,
    );
  });
});

describe('profileStamp', () => {
  it('changes with the table’s version, update time and any file’s size or time', () => {
    const t = { version: 2, updatedAt: 10, sources: [{ path: 'a.csv', size: 5, lastModified: 7 }] };
    const s = profileStamp(t);
    expect(profileStamp({ ...t })).toBe(s);
    expect(profileStamp({ ...t, version: 3 })).not.toBe(s);
    expect(profileStamp({ ...t, updatedAt: 11 })).not.toBe(s);
    expect(profileStamp({ ...t, sources: [{ path: 'a.csv', size: 6, lastModified: 7 }] })).not.toBe(
      s,
    );
    expect(profileStamp({ ...t, sources: [{ path: 'a.csv', size: 5, lastModified: 8 }] })).not.toBe(
      s,
    );
  });
});
