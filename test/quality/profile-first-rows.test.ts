// A profile of a table's first rows reads about those rows: no count(*) of the whole table, and a
// LIMIT that reaches the file's scan. Measured as bytes DuckDB reads from the table's file, on a
// file over two of DuckDB's 32 MB read buffers long, so a full scan cannot hide in one read.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnInfo } from '../../src/core/csv/dialect';
import type { QualityEngine } from '../../src/quality/evaluate/evaluate-ruleset';
import { computeProfile } from '../../src/quality/profile/compute-profile';
import type { ProfileSample } from '../../src/quality/profile/model';
import { profileStamp } from '../../src/quality/profile/profile-stamp';
import { activeRuntime } from '../../workers/engine/runtime-hooks';
import { CSV } from '../engine/catalog-support';
import { createNodeEngineHost, DiskFile } from '../support/engine-host';

const host = createNodeEngineHost();
let tasks = 0;
const engine: QualityEngine = {
  qualityQueries: (queries, onProgress) => host.qualityQueries(`q${++tasks}`, queries, onProgress),
};
const COLUMNS: ColumnInfo[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'amount', type: 'DOUBLE' },
  { name: 'label', type: 'VARCHAR' },
];
const ROWS = 2_600_000;
/** DuckDB-WASM's CSV reads: one buffer of this many bytes at a time. */
const BUFFER = 32_000_000;
let fileBytes = 0;
/** Bytes DuckDB read through its runtime since the last reset. */
let bytesRead = 0;

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'decant-first-rows-')), 'big.csv');
  const lines = ['id,amount,label'];
  for (let i = 1; i <= ROWS; i++) lines.push(`${i},${(i % 997) / 4},label-${i % 1009}-xyzw`);
  writeFileSync(path, lines.join('\n') + '\n');
  fileBytes = statSync(path).size;
  await host.attachTable({
    database: 'big',
    name: 'orders',
    classification: 'csv',
    dialect: CSV,
    columns: COLUMNS,
    partitionKeys: [],
    files: [{ path: 'big.csv', file: new DiskFile(path), partitionValues: [] }],
  });
  // Count every read DuckDB makes of a file (the host has started DuckDB by now).
  const rt = activeRuntime();
  const read = rt.readFile.bind(rt);
  rt.readFile = (mod, fileId, buffer, bytes, location) => {
    const n = read(mod, fileId, buffer, bytes, location);
    bytesRead += n;
    return n;
  };
}, 120_000);

afterEach(() => {
  bytesRead = 0;
});

const profile = (sample: ProfileSample, tableRows?: number) =>
  computeProfile(engine, {
    table: { database: 'big', name: 'orders' },
    columns: COLUMNS,
    sample,
    ...(tableRows === undefined ? {} : { tableRows }),
    stamp: profileStamp({ version: 1, updatedAt: 1, sources: [] }),
    tableVersion: 1,
  });

describe('a profile of the first rows', () => {
  it('reads the start of the file only, in every pass', async () => {
    // Over two buffers: a pass that read the whole file would exceed one buffer per pass.
    expect(fileBytes).toBeGreaterThan(2 * BUFFER);
    const p = await profile({ kind: 'first', rows: 20_000 });
    expect(p.rowCount).toBe(20_000);
    expect(p.columns[0]).toMatchObject({ min: '1', max: '20000' });
    expect(p.passes).toBeGreaterThanOrEqual(2);
    expect(bytesRead).toBeLessThanOrEqual(p.passes * BUFFER);
  });

  it('takes the table’s rows from the catalog, and leaves them unknown without it', async () => {
    const known = await profile({ kind: 'first', rows: 100 }, ROWS);
    expect(known.tableRows).toBe(ROWS);
    expect(bytesRead).toBeLessThanOrEqual(known.passes * BUFFER);
    bytesRead = 0;
    const unknown = await profile({ kind: 'first', rows: 100 });
    expect(unknown.tableRows).toBeUndefined();
    expect(bytesRead).toBeLessThanOrEqual(unknown.passes * BUFFER);
  });

  it('a random sample still counts the whole table (it reads all of it anyway)', async () => {
    const p = await profile({ kind: 'random', rows: 1_000 });
    expect(p.tableRows).toBe(ROWS);
    expect(bytesRead).toBeGreaterThanOrEqual(fileBytes);
  });
});
