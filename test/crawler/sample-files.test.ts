import { describe, expect, it } from 'vitest';
import { sampledFolders } from '../../src/core/paths/sample-files';

const listed = ['d/b/x.csv', 'd/a=10/x.csv', 'd/a=2/y.csv', 'd/a=2/x.csv'].map((path) => ({
  path,
}));

describe('sampledFolders', () => {
  it('reads in path order whatever the listing order, so the first file read is always the same', () => {
    const want = ['d/a=2/x.csv', 'd/a=2/y.csv', 'd/a=10/x.csv', 'd/b/x.csv'];
    for (const items of [listed, [...listed].reverse()]) {
      expect(sampledFolders(items).read.map((i) => i.path)).toEqual(want);
    }
  });

  it('with a sample size, reads the first files of each folder and leaves the rest unread', () => {
    const { read, unread } = sampledFolders([...listed].reverse(), 1);
    expect(read.map((i) => i.path)).toEqual(['d/a=2/x.csv', 'd/a=10/x.csv', 'd/b/x.csv']);
    expect(unread).toEqual([{ item: { path: 'd/a=2/y.csv' }, folder: 'd/a=2' }]);
  });
});
