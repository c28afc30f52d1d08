import { describe, expect, it } from 'vitest';
import { filterCrawlFiles, skipReason } from '../../src/crawler/skip-rules';

describe('skipReason', () => {
  it('names the exclusion glob that matched, before any other rule', () => {
    expect(skipReason('sales/_tmp/a.csv', ['**/*.json', '**/_tmp/**'])).toBe(
      'excluded by "**/_tmp/**"',
    );
    expect(skipReason('sales/a.crc', ['**/*.crc'])).toBe('excluded by "**/*.crc"');
  });

  it('skips hidden and system files and folders, as Hadoop, Spark and Glue do', () => {
    expect(skipReason('sales/_SUCCESS')).toBe('a hidden or system file');
    expect(skipReason('sales/year=2024/.part-0.csv.crc')).toBe('a hidden or system file');
    expect(skipReason('.DS_Store')).toBe('a hidden or system file');
    expect(skipReason('sales/_committed_123')).toBe('a hidden or system file');
    expect(skipReason('sales/_tmp/part-0.csv')).toBe('inside the hidden or system folder "_tmp"');
    expect(skipReason('.git/objects/ab')).toBe('inside the hidden or system folder ".git"');
    expect(skipReason('photos/Thumbs.db')).toBe('an operating-system file');
    expect(skipReason('bucket/sales_$folder$')).toBe('an S3 folder marker');
  });

  it('keeps data files, Hive NULL partitions included', () => {
    expect(skipReason('sales/year=2024/month=01/part-0.csv')).toBeUndefined();
    expect(skipReason('sales/year=__HIVE_DEFAULT_PARTITION__/part-0.csv')).toBeUndefined();
    expect(skipReason('events.tsv')).toBeUndefined();
  });

  it('refuses paths that are not relative file paths', () => {
    expect(skipReason('/sales/a.csv')).toBe('not a relative file path');
    expect(skipReason('sales//a.csv')).toBe('not a relative file path');
    expect(skipReason('sales/')).toBe('not a relative file path');
  });
});

describe('filterCrawlFiles', () => {
  it('keeps order and says why for each skipped file, repeats included', () => {
    const files = ['b.csv', '_SUCCESS', 'a.csv', 'x/y.tmp', 'b.csv'].map((path) => ({ path }));
    expect(filterCrawlFiles(files, ['**/*.tmp'])).toEqual({
      kept: [{ path: 'b.csv' }, { path: 'a.csv' }],
      skipped: [
        { path: '_SUCCESS', reason: 'a hidden or system file' },
        { path: 'x/y.tmp', reason: 'excluded by "**/*.tmp"' },
        { path: 'b.csv', reason: 'listed more than once' },
      ],
    });
  });
});
