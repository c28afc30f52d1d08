import { describe, expect, it } from 'vitest';
import { summarizeNotes } from '../../src/crawler';

describe('summarizeNotes', () => {
  it('says a thing said of many files once, with a few of their names', () => {
    const notes = [
      'a.csv: no custom classifier fits ("x": 1 column); read by the built-in one',
      'b.csv: no custom classifier fits ("x": 1 column); read by the built-in one',
      'late.csv: column "code" written as text (VARCHAR): line 30002',
      'c.csv: no custom classifier fits ("x": 1 column); read by the built-in one',
      'd.csv: no custom classifier fits ("x": 1 column); read by the built-in one',
      '2 folder(s) crawled before were not read again',
    ];
    expect(summarizeNotes(notes)).toEqual([
      '4 files (a.csv, b.csv, c.csv, …): no custom classifier fits ("x": 1 column); read by the built-in one',
      'late.csv: column "code" written as text (VARCHAR): line 30002',
      '2 folder(s) crawled before were not read again',
    ]);
  });

  it('keeps single notes as they are', () => {
    expect(summarizeNotes(['x.csv: something'])).toEqual(['x.csv: something']);
    expect(summarizeNotes([])).toEqual([]);
  });
});
