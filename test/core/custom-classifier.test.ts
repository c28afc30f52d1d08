import { describe, expect, it } from 'vitest';
import {
  characterFromInput,
  classifierProblems,
  defaultClassifier,
  dialectFromClassifier,
  formatProblem,
  generatedColumnNames,
  headerEvidence,
  inputFromCharacter,
  nullValuesOf,
  sniffHintsFromClassifier,
  typeCandidatesOf,
  type CsvClassifierSettings,
} from '../../src/core/csv/custom-classifier';
import type { CsvDialect } from '../../src/core/csv/dialect';
import { csvFormatKey } from '../../src/core/csv/format-key';
import { readCsvSql, sniffCsvSql } from '../../src/core/sql/read-csv';
import { dialectFromParameters, parametersFromDialect } from '../../src/catalog/table-files';
import type { CatalogTable } from '../../src/catalog/model';

const c = (s: Partial<CsvClassifierSettings> = {}): CsvClassifierSettings => ({
  ...defaultClassifier('hive'),
  ...s,
});
const problems = (s: Partial<CsvClassifierSettings>) =>
  classifierProblems(c(s)).map((p) => `${p.field}: ${p.message}`);

describe('classifierProblems: a typed classifier, checked field by field', () => {
  it('accepts the defaults and a full Hive-style classifier', () => {
    expect(problems({})).toEqual([]);
    expect(
      problems({
        delimiter: '\u0001',
        quote: '',
        header: 'ABSENT',
        columnNames: ['id', 'name'],
        nullValues: ['\\N'],
        dateFormat: '%d.%m.%Y',
        timestampFormat: '%Y-%m-%d %H:%M:%S',
        customDatatypes: ['BIGINT', 'DATE'],
      }),
    ).toEqual([]);
  });

  it('needs a name without surrounding spaces', () => {
    expect(problems({ name: '' })).toEqual(['name: a classifier needs a name']);
    expect(problems({ name: ' x' })).toEqual(['name: remove the spaces around the name']);
  });

  it('wants one-character delimiter, quote and escape', () => {
    expect(problems({ delimiter: '' })).toEqual([
      'delimiter: the delimiter is required (one character, e.g. , ; \\t | \\u0001)',
    ]);
    expect(problems({ delimiter: '||' })).toEqual([
      'delimiter: the delimiter must be one character (got 2: "||")',
    ]);
    expect(problems({ quote: "''" })).toEqual([
      `quote: the quote must be one character (got 2: "''")`,
    ]);
    expect(problems({ escape: '\n' })).toEqual(['escape: the escape cannot be a line break']);
    expect(problems({ delimiter: '\r' })).toEqual([
      'delimiter: the delimiter cannot be a line break',
    ]);
  });

  it('wants delimiter, quote and escape distinct (a quote may escape itself)', () => {
    expect(problems({ quote: ',' })).toEqual(['quote: the quote cannot also be the delimiter']);
    expect(problems({ escape: ',' })).toEqual(['escape: the escape cannot also be the delimiter']);
    expect(problems({ escape: '"' })).toEqual([]);
    expect(problems({ quote: '', escape: '\\' })).toEqual([
      'escape: an escape character needs a quote character',
    ]);
    expect(problems({ decimalSeparator: ',' })).toEqual([
      'decimalSeparator: the decimal separator "," is also the delimiter',
    ]);
    expect(problems({ delimiter: ';', decimalSeparator: ',' })).toEqual([]);
  });

  it('wants column names unique as DuckDB sees them, and none empty', () => {
    expect(problems({ columnNames: ['id', 'ID', ''] })).toEqual([
      'columnNames: column names 1 and 2 are the same ("ID"; case does not count)',
      'columnNames: column name 3 is empty',
    ]);
  });

  it('checks date and timestamp formats for sanity', () => {
    expect(problems({ dateFormat: '%d.%m.%Y %H:%M' })).toEqual([
      'dateFormat: the date format has a time of day: use it as the timestamp format',
    ]);
    expect(problems({ dateFormat: 'dd.mm.yyyy' })).toEqual([
      'dateFormat: the date format has no % directive (e.g. %Y-%m-%d)',
    ]);
    expect(problems({ timestampFormat: '%Y-%m-%d' })).toEqual([
      'timestampFormat: the timestamp format has no time of day (%H, %M…)',
    ]);
    expect(problems({ dateFormat: '%d/%m' })).toEqual([
      'dateFormat: the date format has no year (%Y or %y)',
    ]);
  });

  it('refuses null strings that can never match a field', () => {
    expect(problems({ nullValues: ['NA', '', 'a,b'] })).toEqual([
      'nullValues: null string 2 is empty (empty fields are NULL anyway)',
      'nullValues: null string 3 ("a,b") contains the delimiter',
    ]);
  });

  it('refuses unknown encodings, header rules and datatypes', () => {
    expect(
      problems({
        encoding: 'windows-1252' as never,
        header: 'YES' as never,
        customDatatypes: ['STRING' as never],
      }),
    ).toEqual([
      'header: the header is PRESENT, ABSENT or UNKNOWN',
      'encoding: unknown encoding "windows-1252" (auto, utf-8, utf-16 or latin-1)',
      'customDatatypes: "STRING" is not a type (BOOLEAN, BIGINT, DOUBLE, DATE, TIME, TIMESTAMP, VARCHAR)',
    ]);
  });
});

describe('formatProblem', () => {
  it('accepts the formats people use and names an unknown directive', () => {
    for (const f of ['%Y-%m-%d', '%d.%m.%Y', '%-d/%-m/%y', '%d %B %Y', '%Y%m%d'])
      expect(formatProblem(f, 'date')).toBeNull();
    for (const f of ['%Y-%m-%d %H:%M:%S', '%d/%m/%Y %I:%M %p', '%Y-%m-%dT%H:%M:%S.%f%z'])
      expect(formatProblem(f, 'timestamp')).toBeNull();
    expect(formatProblem('%Y-%Q', 'date')).toBe('"%Q" at character 4 is not a strftime directive');
    expect(formatProblem('%Y-%m-%', 'date')).toBe(
      'ends with a lone "%" (write "%%" for a percent sign)',
    );
  });
});

describe('characters typed in a form', () => {
  it('reads escapes for characters that cannot be typed, and shows them back', () => {
    expect(characterFromInput('\\t')).toBe('\t');
    expect(characterFromInput('\\u0001')).toBe('\u0001');
    expect(characterFromInput('\\\\')).toBe('\\');
    expect(characterFromInput(';')).toBe(';');
    expect(characterFromInput('\\x')).toBe('\\x');
    for (const ch of ['\t', '\u0001', '\\', ';', '|', '"'])
      expect(characterFromInput(inputFromCharacter(ch))).toBe(ch);
    expect(inputFromCharacter('\u0001')).toBe('\\u0001');
  });
});

describe('a classifier as DuckDB options', () => {
  it('passes every fixed setting to the sniffer, with literals quoted', () => {
    const hints = sniffHintsFromClassifier(
      c({
        delimiter: '\u0001',
        quote: "'",
        header: 'ABSENT',
        nullValues: ['\\N', "it's"],
        dateFormat: '%d.%m.%Y',
        customDatatypes: ['BIGINT'],
      }),
      'utf-8',
      false,
    );
    expect(sniffCsvSql('f1.csv', { ...hints, names: ['a', 'b"c'] })).toBe(
      'SELECT Delimiter, Quote, Escape, HasHeader, Columns, DateFormat, TimestampFormat FROM ' +
        "sniff_csv('f1.csv', delim='\u0001', quote='''', escape='''', header=false, " +
        "encoding='utf-8', decimal_separator='.', dateformat='%d.%m.%Y', " +
        "nullstr=['', '\\N', 'it''s'], names=['a', 'b\"c'], " +
        "auto_type_candidates=['BIGINT', 'VARCHAR'])",
    );
  });

  it('leaves the header and formats to the sniffer when the classifier does', () => {
    const sql = sniffCsvSql('f.csv', sniffHintsFromClassifier(c(), 'latin-1', undefined));
    expect(sql).not.toMatch(/header=|dateformat|timestampformat|names=/);
    expect(sql).toContain(
      "auto_type_candidates=['BOOLEAN', 'BIGINT', 'DOUBLE', 'DATE', 'TIME', 'TIMESTAMP', 'VARCHAR']",
    );
    expect(sql).toContain(`escape='"'`);
  });

  it('reads with nullstr when the dialect has null strings, and not otherwise', () => {
    const d = dialectFromClassifier(
      c({ nullValues: ['NA'] }),
      { header: true, dateFormat: '%Y-%m-%d' },
      'utf-8',
      'gzip',
    );
    expect(d).toEqual({
      delimiter: ',',
      quote: '"',
      escape: '"',
      header: true,
      encoding: 'utf-8',
      decimalSeparator: '.',
      dateFormat: '%Y-%m-%d',
      timestampFormat: undefined,
      compression: 'gzip',
      nullValues: ['', 'NA'],
    });
    const cols = [{ name: 'a', type: 'BIGINT' }];
    expect(readCsvSql('x.csv', d, cols)).toMatch(/, nullstr=\['', 'NA'\]\)$/);
    expect(readCsvSql('x.csv', { ...d, nullValues: undefined }, cols)).not.toContain('nullstr');
  });

  it("prefers the classifier's formats over the sniffer's", () => {
    const d = dialectFromClassifier(
      c({ dateFormat: '%d.%m.%Y' }),
      { header: false, dateFormat: '%Y-%m-%d', timestampFormat: '%Y-%m-%d %H:%M' },
      'utf-8',
      'none',
    );
    expect(d.dateFormat).toBe('%d.%m.%Y');
    expect(d.timestampFormat).toBe('%Y-%m-%d %H:%M');
  });

  it('adds VARCHAR to the custom datatypes, and keeps every type when there are none', () => {
    expect(typeCandidatesOf({ customDatatypes: ['DATE', 'BIGINT'] })).toEqual([
      'BIGINT',
      'DATE',
      'VARCHAR',
    ]);
    expect(typeCandidatesOf({ customDatatypes: [] })).toHaveLength(7);
    expect(nullValuesOf({ nullValues: ['NA', 'NA', ''] })).toEqual(['', 'NA']);
    expect(generatedColumnNames(3)).toEqual(['col0', 'col1', 'col2']);
  });
});

describe('headerEvidence', () => {
  const cols = (...types: string[]) => types.map((type, i) => ({ name: `c${i}`, type }));
  it('calls line 1 a header when it turns every typed column to text', () => {
    expect(
      headerEvidence(cols('DATE', 'VARCHAR', 'DOUBLE'), cols('VARCHAR', 'VARCHAR', 'VARCHAR')),
    ).toBe('header');
  });
  it('calls line 1 data when its fields fit every typed column', () => {
    expect(headerEvidence(cols('BIGINT', 'DOUBLE'), cols('BIGINT', 'DOUBLE'))).toBe('data');
  });
  it('is unclear for all-text files, mixed evidence and different shapes', () => {
    expect(headerEvidence(cols('VARCHAR'), cols('VARCHAR'))).toBe('unclear');
    expect(headerEvidence(cols('BIGINT', 'DATE'), cols('BIGINT', 'VARCHAR'))).toBe('unclear');
    expect(headerEvidence(cols('BIGINT'), cols('BIGINT', 'BIGINT'))).toBe('unclear');
  });
});

describe('null strings survive the catalog: table parameters', () => {
  const base: CsvDialect = {
    delimiter: ';',
    quote: '"',
    escape: '"',
    header: false,
    encoding: 'utf-8',
    decimalSeparator: ',',
    dateFormat: '%d.%m.%Y',
    compression: 'none',
  };
  const table = (parameters: CatalogTable['parameters']) =>
    ({ parameters }) as unknown as CatalogTable;

  it('round-trips a dialect with null strings, and one without', () => {
    const withNulls = { ...base, nullValues: ['', 'NA', '\\N'] };
    expect(dialectFromParameters(table(parametersFromDialect(withNulls)))).toEqual(withNulls);
    expect(parametersFromDialect(withNulls).nullValues).toBe('["","NA","\\\\N"]');
    const plain = dialectFromParameters(table(parametersFromDialect(base)));
    expect(plain.nullValues).toBeUndefined();
    expect(plain).toEqual({ ...base, timestampFormat: undefined, nullValues: undefined });
  });

  it('ignores a nullValues parameter that is not a JSON list of strings', () => {
    expect(dialectFromParameters(table({ nullValues: 'NA' })).nullValues).toBeUndefined();
    expect(dialectFromParameters(table({ nullValues: '[1]' })).nullValues).toBeUndefined();
  });

  it('keeps files read with different null strings apart (format key)', () => {
    expect(csvFormatKey(base)).not.toBe(csvFormatKey({ ...base, nullValues: ['', 'NA'] }));
    // Without null strings the key is the one the crawler has always used.
    expect(csvFormatKey(base)).toBe(
      JSON.stringify([';', '"', '"', false, 'utf-8', ',', '%d.%m.%Y', undefined]),
    );
  });
});
