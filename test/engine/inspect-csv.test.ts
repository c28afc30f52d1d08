import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { inspectCsv } from '../../workers/engine/inspect-csv';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { expected, fixturePath, sourceFor } from '../support/fixtures';
import { decantErrorFrom } from '../support/decant-error';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

function inspect(name: string, opts = {}) {
  return inspectCsv(engine.s, sourceFor(engine, fixturePath(name)), opts);
}

/** Golden fixtures that must be read: dialect, column names and types, row count. */
const READABLE = [
  'all-strings-header.csv',
  'events.tsv',
  'latin1.csv',
  'no-header.csv',
  'quoted-multiline.csv',
  'semicolon-decimal-comma.csv',
  'utf8-bom.csv',
];

describe('inspectCsv on the golden fixtures', () => {
  it.each(READABLE)('%s matches its expected answer', (name) => {
    const want = expected(name);
    const got = inspect(name);
    if (want.delimiter !== undefined) expect(got.dialect.delimiter).toBe(want.delimiter);
    if (want.header !== undefined) expect(got.dialect.header).toBe(want.header);
    expect(got.columns.map((c) => c.type)).toEqual(want.columns!.map((c) => c.type));
    // Generated names for headerless files may differ (the fixture says so); real headers may not.
    if (want.header !== false)
      expect(got.columns.map((c) => c.name)).toEqual(want.columns!.map((c) => c.name));
    expect(got.rowCount).toBe(want.rowCount);
    expect(got.rowCountExact).toBe(true);
  });

  it('reads Latin-1 text as the right characters and says so', () => {
    const got = inspect('latin1.csv');
    expect(got.dialect.encoding).toBe('latin-1');
    expect(got.encodingLabel).toMatch(/Latin-1/);
    const rows = tableFromIPC(got.preview)
      .toArray()
      .map((r) => Object.values(r.toJSON()));
    expect(rows).toEqual(expected('latin1.csv').rows);
  });

  it('keeps quoted delimiters, doubled quotes and newlines inside fields exact', () => {
    const got = inspect('quoted-multiline.csv');
    const rows = tableFromIPC(got.preview)
      .toArray()
      .map((r) => Object.values(r.toJSON()).map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    expect(rows).toEqual(expected('quoted-multiline.csv').rows);
  });

  it('finds the decimal comma and the day-first dates of a European export', () => {
    const got = inspect('semicolon-decimal-comma.csv');
    expect(got.dialect.decimalSeparator).toBe(',');
    expect(got.dialect.dateFormat).toBe('%d.%m.%Y');
    const t = tableFromIPC(got.preview);
    expect(t.getChild('preis')!.toArray()).toEqual(Float64Array.from([3.49, 2.1, 0.99]));
  });

  it('names the first column "id", not "\\ufeffid", in a file with a BOM', () => {
    expect(inspect('utf8-bom.csv').columns[0]!.name).toBe('id');
  });
});

describe('inspectCsv refuses bad files with a precise message', () => {
  const failure = (name: string, opts = {}) => decantErrorFrom(() => inspect(name, opts), name);

  it('empty.csv: says the file is empty', () => {
    const e = failure('empty.csv');
    expect(e.code).toBe('empty');
    expect(e.message).toBe('csv: "empty.csv" is empty: there is nothing to convert');
  });

  it('junk.csv: says it is not text', () => {
    const e = failure('junk.csv');
    expect(e.code).toBe('binary');
    expect(e.message).toMatch(/^csv: "junk\.csv" is not a text file: /);
  });

  it('ragged.csv: names lines 3 and 4 and their field counts', () => {
    const e = failure('ragged.csv');
    expect(e.code).toBe('ragged');
    expect(e.line).toBe(3);
    expect(e.message).toContain('expected 3; line 3 has 2, line 4 has 4');
  });

  it('ragged.csv with "skip": reads the two good rows and lists the bad lines', () => {
    const got = inspect('ragged.csv', { badRows: 'skip' });
    expect(got.columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(got.rowCount).toBe(2);
    expect(got.ragged?.lines.map((l) => l.line)).toEqual([3, 4]);
  });

  it('ragged.csv with "pad": pads the short row, skips the long one', () => {
    const got = inspect('ragged.csv', { badRows: 'pad' });
    const rows = tableFromIPC(got.preview)
      .toArray()
      .map((r) => Object.values(r.toJSON()).map((v) => (v === null ? null : Number(v))));
    expect(rows).toEqual([
      [1, 2, 3],
      [4, 5, null],
      [10, 11, 12],
    ]);
  });
});
