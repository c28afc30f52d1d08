import { describe, expect, it } from 'vitest';
import {
  HIVE_NULL_PARTITION,
  partitionFromPath,
  partitionKeyType,
  partitionKeysFor,
  partitionValue,
  unescapePathName,
} from '../../src/crawler/partition-path';

describe('partitionFromPath', () => {
  it('reads Hive levels below the table root, without the file name', () => {
    expect(partitionFromPath('sales/year=2024/month=01/part-0.csv', 1)).toEqual([
      { key: 'year', value: '2024' },
      { key: 'month', value: '01' },
    ]);
    expect(partitionFromPath('sales/year=2024/month=01/part-0.csv', 2)).toEqual([
      { key: 'month', value: '01' },
    ]);
    expect(partitionFromPath('events.tsv', 0)).toEqual([]);
  });

  it('reads other levels as plain folders', () => {
    expect(partitionFromPath('logs/2024/01/data.csv', 1)).toEqual([
      { key: null, value: '2024' },
      { key: null, value: '01' },
    ]);
    expect(partitionFromPath('t/=x/a.csv', 1)).toEqual([{ key: null, value: '=x' }]);
  });

  it('unescapes keys and values like Hive, after splitting at the first "="', () => {
    expect(partitionFromPath('t/city=New%20York/a.csv', 1)).toEqual([
      { key: 'city', value: 'New York' },
    ]);
    expect(partitionFromPath('t/expr=a%3Db=c/a.csv', 1)).toEqual([{ key: 'expr', value: 'a=b=c' }]);
    expect(partitionFromPath('t/path=a%2Fb/a.csv', 1)).toEqual([{ key: 'path', value: 'a/b' }]);
    expect(partitionFromPath('t/my%20key=1/a.csv', 1)).toEqual([{ key: 'my key', value: '1' }]);
    expect(partitionFromPath('t/k%3Dv/a.csv', 1)).toEqual([{ key: null, value: 'k=v' }]);
  });

  it(`keeps ${HIVE_NULL_PARTITION} as is, for the engine to read as NULL`, () => {
    expect(partitionFromPath(`t/year=${HIVE_NULL_PARTITION}/a.csv`, 1)).toEqual([
      { key: 'year', value: HIVE_NULL_PARTITION },
    ]);
  });
});

describe('unescapePathName', () => {
  it('decodes UTF-8 escapes, falls back to one character per escape, keeps malformed ones', () => {
    expect(unescapePathName('caf%C3%A9')).toBe('café');
    expect(unescapePathName('100%25')).toBe('100%');
    expect(unescapePathName('%E9t%E9')).toBe('été');
    expect(unescapePathName('50%off')).toBe('50%off');
    expect(unescapePathName('a+b')).toBe('a+b');
  });
});

describe('partitionKeysFor', () => {
  const levels = (...paths: string[]) => paths.map((p) => partitionFromPath(p, 1));

  it('names a level after the Hive key every file agrees on', () => {
    const keys = partitionKeysFor(
      levels(
        's/year=2024/month=01/a.csv',
        's/year=2024/month=02/a.csv',
        's/year=2025/month=01/a.csv',
      ),
    );
    expect(keys).toEqual([
      { name: 'year', type: 'BIGINT', hiveKey: 'year' },
      { name: 'month', type: 'VARCHAR', hiveKey: 'month' },
    ]);
  });

  it("falls back to Glue's partition_N where keys are missing or disagree", () => {
    expect(partitionKeysFor(levels('l/2024/01/a.csv', 'l/2024/02/a.csv'))).toEqual([
      { name: 'partition_0', type: 'BIGINT', hiveKey: null },
      { name: 'partition_1', type: 'VARCHAR', hiveKey: null },
    ]);
    const mixed = levels('t/year=2024/x=1/a.csv', 't/yr=2025/x=2/a.csv', 't/2026/x=3/a.csv');
    expect(partitionKeysFor(mixed).map((k) => k.name)).toEqual(['partition_0', 'x']);
  });

  it('keeps a stray key=value folder whole as the value of a plain level', () => {
    const [[a], [b]] = levels('t/year=2024/a.csv', 't/2025/a.csv') as [
      [{ key: string | null; value: string }],
      [{ key: string | null; value: string }],
    ];
    expect(partitionValue(a, null)).toBe('year=2024');
    expect(partitionValue(b, null)).toBe('2025');
    expect(partitionValue(a, 'year')).toBe('2024');
  });

  it('does not let a partition key shadow a data column or another key', () => {
    const keys = partitionKeysFor(levels('t/year=2024/Year=1/a.csv'), ['id', 'YEAR']);
    expect(keys.map((k) => k.name)).toEqual(['partition_0', 'partition_1']);
    expect(keys[0]!.hiveKey).toBe('year');
    const clash = partitionKeysFor(levels('t/a=1/b=2/a.csv'), ['partition_0', 'a']);
    expect(clash.map((k) => k.name)).toEqual(['partition_0_2', 'b']);
  });

  it('is empty for files directly in the table root', () => {
    expect(partitionKeysFor(levels('t/a.csv', 't/b.csv'))).toEqual([]);
    expect(partitionKeysFor([])).toEqual([]);
  });
});

describe('partitionKeyType', () => {
  it('is BIGINT only for integers without leading zeros, so "01" never reads back as 1', () => {
    expect(partitionKeyType(['2024', '2025', '0', '-7'])).toBe('BIGINT');
    expect(partitionKeyType(['01', '02', '10'])).toBe('VARCHAR');
    expect(partitionKeyType(['1', '007'])).toBe('VARCHAR');
    expect(partitionKeyType(['-0'])).toBe('VARCHAR');
    expect(partitionKeyType(['1.5'])).toBe('VARCHAR');
    expect(partitionKeyType(['+1'])).toBe('VARCHAR');
    expect(partitionKeyType([''])).toBe('VARCHAR');
  });

  it('is VARCHAR past BIGINT range', () => {
    expect(partitionKeyType(['9223372036854775807', '-9223372036854775808'])).toBe('BIGINT');
    expect(partitionKeyType(['9223372036854775808'])).toBe('VARCHAR');
    expect(partitionKeyType(['12345678901234567890123'])).toBe('VARCHAR');
  });

  it('is DATE for real YYYY-MM-DD dates only', () => {
    expect(partitionKeyType(['2024-01-31', '2024-02-29'])).toBe('DATE');
    expect(partitionKeyType(['2023-02-29'])).toBe('VARCHAR');
    expect(partitionKeyType(['2024-1-5'])).toBe('VARCHAR');
  });

  it('lets NULL partitions fit any type', () => {
    expect(partitionKeyType(['2024', HIVE_NULL_PARTITION])).toBe('BIGINT');
    expect(partitionKeyType([HIVE_NULL_PARTITION])).toBe('VARCHAR');
  });
});
