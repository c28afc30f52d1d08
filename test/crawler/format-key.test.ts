// Which CSV files may share a table: issue 11 item 1. Keys are made as the engine makes them
// (csvFormatKey of a sniffed dialect, with the characters the file lacks), and every plan is
// made from both listing orders.
import { describe, expect, it } from 'vitest';
import type { CsvDialect } from '../../src/core/csv/dialect';
import type { ClassifiedFile } from '../../src/crawler/crawl-file';
import {
  csvFormatKey,
  mergeFormatKeys,
  tableCsvDialect,
  tableFormatKey,
} from '../../src/core/csv/format-key';
import { groupTables, type CrawlPlan } from '../../src/crawler/group-tables';
import { cols, csvFile } from './crawl-files';

const COMMA: CsvDialect = {
  delimiter: ',',
  quote: '',
  escape: '',
  header: true,
  encoding: 'utf-8',
  decimalSeparator: '.',
  compression: 'none',
};
/** The sniffer's verdicts on files of one writer: nothing quoted, a quoted comma, a doubled quote. */
const plain = (absent = '"\'\\') => csvFormatKey(COMMA, absent);
const quoted = (absent = "'\\") => csvFormatKey({ ...COMMA, quote: '"' }, absent);
const doubled = csvFormatKey({ ...COMMA, quote: '"', escape: '"' });
const backslash = csvFormatKey({ ...COMMA, quote: '"', escape: '\\' });
const single = csvFormatKey({ ...COMMA, quote: "'" });

const merged = (a: string, b: string) => {
  const m = mergeFormatKeys(a, b);
  return m.ok ? JSON.parse(tableFormatKey(m.key)).slice(0, 3) : m.reason;
};

describe('mergeFormatKeys: the quoting that reads both files', () => {
  it('a file without quoting takes any quote character it never holds', () => {
    expect(merged(plain(), quoted())).toEqual([',', '"', '']);
    expect(merged(quoted(), plain())).toEqual([',', '"', '']);
    expect(merged(plain(), single)).toEqual([',', "'", '']);
    expect(merged(plain(), doubled)).toEqual([',', '"', '"']);
  });

  it('an escape by doubling the quote reads a file with no escapes the same', () => {
    expect(merged(quoted(''), doubled)).toEqual([',', '"', '"']);
    expect(merged(doubled, quoted(''))).toEqual([',', '"', '"']);
  });

  it('a backslash escape joins a file only when it holds no backslash', () => {
    expect(merged(quoted('\\'), backslash)).toEqual([',', '"', '\\']);
    expect(merged(quoted(''), backslash)).toBe(
      'one escapes quotes with backslash (\\), the other reads backslash (\\) as plain text',
    );
  });

  it('says why when the files really need different characters', () => {
    expect(merged(plain(''), quoted())).toBe(
      'one quotes fields with double quotes ("), the other reads double quotes (") as plain text',
    );
    expect(merged(single, quoted())).toBe(
      `one quotes fields with single quotes ('), the other with double quotes (")`,
    );
    expect(merged(doubled, backslash)).toBe(
      'one escapes quotes with double quotes ("), the other with backslash (\\)',
    );
    // A key from before the characters were checked (a catalog table's) promises nothing.
    expect(merged(csvFormatKey(COMMA), quoted())).toMatch(/reads double quotes.*as plain text/);
  });

  it('never merges other differences: delimiter, header, encoding…', () => {
    expect(merged(plain(), csvFormatKey({ ...COMMA, delimiter: ';' }, '"\'\\'))).toBe(
      'delimiter "," and ";"',
    );
    expect(merged(quoted(), csvFormatKey({ ...COMMA, encoding: 'latin-1' }, '"\'\\'))).toBe(
      'encoding "utf-8" and "latin-1"',
    );
    expect(mergeFormatKeys('parquet', 'json')).toEqual({ ok: false });
  });

  it('keeps keys without quoting options as they were, and the table dialect follows the key', () => {
    expect(csvFormatKey(COMMA)).toBe(JSON.stringify([',', '', '', true, 'utf-8', '.', null, null]));
    expect(csvFormatKey({ ...COMMA, quote: '"', escape: '"' }, "'\\")).toBe(doubled);
    const m = mergeFormatKeys(plain(), doubled);
    expect(m.ok && tableCsvDialect(m.key, COMMA)).toEqual({ ...COMMA, quote: '"', escape: '"' });
  });
});

/** airports/state=…/data_0.csv as the engine classifies them: AK, TX quoted, WA doubled. */
function airports(): ClassifiedFile[] {
  const columns = cols('iata VARCHAR', 'name VARCHAR', 'city VARCHAR', 'latitude DOUBLE');
  const keys: Record<string, string> = {
    AK: quoted(),
    GA: plain(),
    SC: plain(),
    TX: quoted(),
    WA: doubled,
  };
  return Object.entries(keys).map(([state, formatKey]) =>
    csvFile(`airports/state=${state}/data_0.csv`, columns, { formatKey }),
  );
}

const bothOrders = (files: ClassifiedFile[]): [CrawlPlan, CrawlPlan] => [
  groupTables(files),
  groupTables([...files].reverse()),
];

describe('groupTables: one writer, files that differ only in quoting', () => {
  it('makes one table of a PARTITION_BY folder in either order, read with the quoting all need', () => {
    const [sorted, reversed] = bothOrders(airports());
    expect(reversed).toEqual(sorted);
    expect(sorted.tables).toHaveLength(1);
    expect(sorted.tables[0]).toMatchObject({
      name: 'airports',
      partitionKeys: [{ name: 'state', type: 'VARCHAR' }],
      rowCount: 50,
      formatKey: doubled,
    });
    expect(sorted.tables[0]!.partitions).toHaveLength(5);
  });

  it('makes one table of loose files with one header in either order', () => {
    const files = ['empty', 'newlines', 'simple', 'utf8'].map((name, i) =>
      csvFile(`spectrum/${name}.csv`, cols('a VARCHAR', 'b BIGINT', 'c VARCHAR'), {
        formatKey: i < 2 ? quoted() : plain(),
      }),
    );
    const [sorted, reversed] = bothOrders(files);
    expect(reversed).toEqual(sorted);
    expect(sorted.tables.map((t) => [t.name, t.files.length])).toEqual([['spectrum', 4]]);
    expect(JSON.parse(sorted.tables[0]!.formatKey)[1]).toBe('"');
  });

  it('splits, naming why, when one partition needs a quote another reads as text', () => {
    const files = airports();
    files[1] = { ...files[1]!, formatKey: plain('') }; // GA holds " as plain text
    const [sorted, reversed] = bothOrders(files);
    expect(reversed).toEqual(sorted);
    expect(sorted.tables.length).toBeGreaterThan(1);
    expect(sorted.tables[0]!.note).toMatch(
      /"airports" is not one table: .*cannot share a table: different CSV dialects: one quotes fields with double quotes \("\), the other reads double quotes \("\) as plain text/,
    );
  });
});
