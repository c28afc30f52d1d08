import {
  Bool,
  Float64,
  Int32,
  Int64,
  List,
  Field,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
  Table,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { columnEncodingsFromSample } from '../../workers/parquet/column-encodings';

const N = 10_000;
const range = (f: (i: number) => unknown) => Array.from({ length: N }, (_, i) => f(i));

/** Through IPC and back, as the encoder gets its sample. */
function sampleOf(columns: Record<string, Vector>) {
  return tableFromIPC(tableToIPC(new Table(columns)));
}

describe('columnEncodingsFromSample', () => {
  it('gives repeating columns a dictionary and unique ones none, with DELTA for integers and times', () => {
    const t = sampleOf({
      id: vectorFromArray(
        range((i) => BigInt(i)),
        new Int64(),
      ),
      unique_double: vectorFromArray(
        range((i) => Math.sin(i) * 1e6),
        new Float64(),
      ),
      few_doubles: vectorFromArray(
        range((i) => (i % 50) / 4),
        new Float64(),
      ),
      country: vectorFromArray(
        range((i) => ['DE', 'FR', 'US'][i % 3]),
        new Utf8(),
      ),
      unique_text: vectorFromArray(
        range((i) => `row ${i} of many`),
        new Utf8(),
      ),
      small_int: vectorFromArray(
        range((i) => i % 12),
        new Int32(),
      ),
      flag: vectorFromArray(
        range((i) => i % 2 === 0),
        new Bool(),
      ),
    });
    expect(columnEncodingsFromSample(t)).toEqual([
      { name: 'id', dictionary: false, fallback: 'delta' },
      { name: 'unique_double', dictionary: false, fallback: 'plain' },
      { name: 'few_doubles', dictionary: true, fallback: 'plain' },
      { name: 'country', dictionary: true, fallback: 'plain' },
      { name: 'unique_text', dictionary: false, fallback: 'plain' },
      { name: 'small_int', dictionary: true, fallback: 'delta' },
    ]);
  });

  it('counts distinct values among the non-null ones only, and tells strings apart by every byte', () => {
    const t = sampleOf({
      // 95% NULL, the rest all different: a dictionary would hold every value.
      sparse: vectorFromArray(
        range((i) => (i % 20 === 0 ? `value-${i}` : null)),
        new Utf8(),
      ),
      // Long strings that differ only in their last character, 26 of them.
      suffixes: vectorFromArray(
        range((i) => 'x'.repeat(500) + String.fromCharCode(97 + (i % 26))),
        new Utf8(),
      ),
      // Same length, same first half, all distinct.
      halves: vectorFromArray(
        range((i) => `prefix-${String(i).padStart(8, '0')}`),
        new Utf8(),
      ),
    });
    expect(columnEncodingsFromSample(t).map((c) => [c.name, c.dictionary])).toEqual([
      ['sparse', false],
      ['suffixes', true],
      ['halves', false],
    ]);
  });

  it('leaves nested columns to the writer and reads columns split over several batches', () => {
    const list = vectorFromArray(
      range((i) => [i]),
      new List(new Field('item', new Int32(), true)),
    );
    const oneBatch = new Table({
      tags: list,
      v: vectorFromArray(
        range((i) => i),
        new Int32(),
      ),
    });
    // Two batches, 1,000 distinct values in each, the same in both: one batch alone (5,000
    // values) is over the one-in-ten line, both together (10,000) are not.
    const halves = tableFromArrays({ v: Int32Array.from(range((i) => i % (N / 10))) });
    const split = new Table([...halves.slice(0, N / 2).batches, ...halves.slice(N / 2).batches]);
    expect(columnEncodingsFromSample(tableFromIPC(tableToIPC(oneBatch)))).toEqual([
      { name: 'v', dictionary: false, fallback: 'delta' },
    ]);
    expect(split.batches.length).toBe(2);
    expect(columnEncodingsFromSample(split)).toEqual([
      { name: 'v', dictionary: true, fallback: 'delta' },
    ]);
  });
});
