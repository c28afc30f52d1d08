// The user's own entity types (checked, saved in the settings store, found by context) and dates
// of birth beside a name column: precision and recall on generated real-looking and decoy values.
import 'fake-indexeddb/auto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCatalogDb } from '../../src/storage';
import {
  birthColumns,
  customEntityProblems,
  detectSensitiveCells,
  detectSensitiveColumns,
  loadCustomEntities,
  plausibleBirthDate,
  saveCustomEntities,
  type QualityEngine,
} from '../../src/quality';
import { CSV } from '../engine/catalog-support';
import { createNodeEngineHost, DiskFile } from '../support/engine-host';
import { digits, reseed } from './sensitive-corpus';

const TODAY = new Date(Date.UTC(2026, 11, 3));
const next = reseed(42);
const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
const pad = (n: number) => String(n).padStart(2, '0');

/** A real-looking birth date, written ISO, US or European; and decoys that look alike. */
function birth(): string {
  const [y, m, d] = [int(1930, 2008), int(1, 12), int(1, 28)];
  return [`${y}-${pad(m)}-${pad(d)}`, `${pad(m)}/${pad(d)}/${y}`, `${pad(d)}.${pad(m)}.${y}`][
    int(0, 2)
  ]!;
}
const DECOYS = [
  () => `${int(2027, 2090)}-${pad(int(1, 12))}-${pad(int(1, 28))}`, // the future
  () => `${int(1700, 1899)}-${pad(int(1, 12))}-${pad(int(1, 28))}`, // nobody alive
  () => `2023-02-${int(29, 31)}`, // no such day
  () => `1990-${int(13, 19)}-01`, // no such month
  () => `2024-05-0${int(1, 9)} 14:${pad(int(10, 59))}`, // a time of day
  () => digits(8),
  () => `v${int(1, 9)}.${int(0, 20)}.${int(0, 9)}`,
];

describe('dates of birth', () => {
  it('meet precision and recall >= 0.99 on generated dates and decoys', () => {
    let tp = 0,
      fp = 0,
      fn = 0;
    for (let i = 0; i < 600; i++) {
      const real = i % 2 === 0;
      const v = real ? birth() : DECOYS[int(0, DECOYS.length - 1)]!();
      const hit = plausibleBirthDate(v, TODAY);
      if (hit && real) tp++;
      else if (hit) fp++;
      else if (real) fn++;
    }
    const precision = tp / Math.max(1, tp + fp);
    const recall = tp / Math.max(1, tp + fn);
    console.info(
      `DATE_OF_BIRTH precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} (${tp}/${fp}/${fn})`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.99);
  });

  it('are looked for only in a birth-like column of a table with a name column', () => {
    expect([...birthColumns(['first_name', 'dob', 'order_date'])]).toEqual(['dob']);
    expect([...birthColumns(['id', 'date_of_birth'])]).toEqual([]);
    expect([...birthColumns(['full name', 'born', 'birthday'])]).toEqual(['born', 'birthday']);
  });
});

describe('the user’s own entity types', () => {
  it('point at the entity and field that is wrong', () => {
    const p = customEntityProblems([
      { name: 'STAFF_ID', pattern: '^E-[0-9]{6}$' },
      { name: 'BADGE', pattern: 'B-[0-9' },
      { name: 'AHEAD', pattern: 'x(?=y)' },
      { name: 'EMAIL', pattern: 'x' },
      { name: 'staff_id', pattern: 'y' },
      { name: '', pattern: '' },
    ]);
    expect(p.map((x) => [x.index, x.field])).toEqual([
      [1, 'pattern'],
      [2, 'pattern'],
      [3, 'name'],
      [4, 'name'],
      [5, 'name'],
      [5, 'pattern'],
    ]);
    expect(p[0]!.message).toMatch(/^not a regular expression: .*Unterminated character class/);
    expect(p[1]!.message).toBe(
      'not a regular expression: look-around "(?=" at character 2 is not in RE2',
    );
  });

  it('are kept in the settings store; a bad one is refused and nothing is saved', async () => {
    const db = await openCatalogDb('decant-custom-entities', new IDBFactory());
    expect(await loadCustomEntities(db)).toEqual([]);
    const good = [{ name: 'STAFF_ID', pattern: '^E-[0-9]{6}$', contextWords: ['staff'] }];
    await saveCustomEntities(db, good);
    expect(await loadCustomEntities(db)).toEqual(good);
    await expect(
      saveCustomEntities(db, [...good, { name: 'BADGE', pattern: '(B-' }]),
    ).rejects.toThrow(
      /^quality: entity type 2 \(BADGE\): pattern not a regular expression: .*Unterminated group/,
    );
    expect(await loadCustomEntities(db)).toEqual(good);
    db.close();
  });
});

describe('detection on a table with dates of birth and an own entity type', () => {
  const host = createNodeEngineHost();
  const engine: QualityEngine = {
    qualityQueries: (queries, onProgress) => host.qualityQueries('detect', queries, onProgress),
  };
  const COLUMNS = [
    { name: 'first_name', type: 'VARCHAR' },
    { name: 'date_of_birth', type: 'DATE' },
    { name: 'order_date', type: 'DATE' },
    { name: 'staff_id', type: 'VARCHAR' },
    { name: 'ref', type: 'VARCHAR' },
  ];
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'decant-dob-'));
    const path = join(dir, 'staff.csv');
    const rows = ['first_name,date_of_birth,order_date,staff_id,ref'];
    for (let i = 0; i < 300; i++)
      rows.push(
        `Ann,${int(1940, 2000)}-${pad(int(1, 12))}-${pad(int(1, 28))},2024-${pad(int(1, 12))}-01,E-${digits(6)},E-${digits(6)}`,
      );
    writeFileSync(path, rows.join('\n') + '\n');
    await host.attachTable({
      database: 'hr',
      name: 'staff',
      classification: 'csv',
      dialect: CSV,
      columns: COLUMNS,
      partitionKeys: [],
      files: [{ path: 'staff.csv', file: new DiskFile(path), partitionValues: [] }],
    });
  });

  it('finds the birth dates and the staff ids, and nothing in columns outside their context', async () => {
    const found = await detectSensitiveColumns(engine, { database: 'hr', name: 'staff' }, COLUMNS, {
      customEntities: [{ name: 'STAFF_ID', pattern: '^E-[0-9]{6}$', contextWords: ['staff'] }],
    });
    const by = Object.fromEntries(found.map((f) => [f.column, f.entities.map((e) => e.type)]));
    expect(by).toEqual({
      first_name: [],
      date_of_birth: ['DATE_OF_BIRTH'],
      order_date: [],
      staff_id: ['STAFF_ID'],
      ref: [],
    });
  });

  it('by cell: every value checked in the engine, counted per column and entity type', async () => {
    const found = await detectSensitiveCells(engine, { database: 'hr', name: 'staff' }, COLUMNS, {
      customEntities: [{ name: 'STAFF_ID', pattern: '^E-[0-9]{6}$', contextWords: ['staff'] }],
    });
    expect(found).toEqual([
      { column: 'first_name', entities: [] },
      { column: 'date_of_birth', entities: [{ type: 'DATE_OF_BIRTH', count: 300, share: 1 }] },
      { column: 'order_date', entities: [] },
      { column: 'staff_id', entities: [{ type: 'STAFF_ID', count: 300, share: 1 }] },
      { column: 'ref', entities: [] },
    ]);
  });
});
