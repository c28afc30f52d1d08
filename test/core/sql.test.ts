import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral, structLiteral } from '../../src/core/sql/quote';
import { readCsvSql, rejectedRowsSql, sniffCsvSql } from '../../src/core/sql/read-csv';
import type { CsvDialect } from '../../src/core/csv/dialect';

const dialect: CsvDialect = {
  delimiter: ';',
  quote: '"',
  escape: '"',
  header: true,
  encoding: 'latin-1',
  decimalSeparator: ',',
  dateFormat: '%d.%m.%Y',
  compression: 'gzip',
};

describe('quoting', () => {
  it('doubles quotes so any name is one identifier', () => {
    expect(quoteIdent('a"; DROP TABLE x; --')).toBe('"a""; DROP TABLE x; --"');
    expect(quoteIdent('<img onerror>')).toBe('"<img onerror>"');
  });
  it('doubles single quotes in literals and refuses NUL', () => {
    expect(quoteLiteral("O'Neil")).toBe("'O''Neil'");
    expect(() => quoteLiteral('a\0b')).toThrow(/NUL/);
    expect(() => quoteIdent('a\0b')).toThrow(/NUL/);
  });
  it('builds struct literals for read_csv columns', () => {
    expect(structLiteral([["it's", 'BIGINT']])).toBe("{'it''s': 'BIGINT'}");
  });
});

describe('read_csv SQL', () => {
  it('spells out the whole dialect with auto-detection off', () => {
    expect(readCsvSql("f1's.csv", dialect, [{ name: 'preis', type: 'DOUBLE' }])).toBe(
      "read_csv('f1''s.csv', auto_detect=false, delim=';', quote='\"', escape='\"', header=true, " +
        "encoding='latin-1', decimal_separator=',', compression='gzip', columns={'preis': 'DOUBLE'}, " +
        "dateformat='%d.%m.%Y')",
    );
  });
  it('maps bad-row policies to DuckDB options', () => {
    const cols = [{ name: 'a', type: 'BIGINT' }];
    expect(readCsvSql('x', dialect, cols, 'skip')).toMatch(/, ignore_errors=true\)$/);
    expect(readCsvSql('x', dialect, cols, 'pad')).toMatch(
      /, null_padding=true, ignore_errors=true\)$/,
    );
    expect(readCsvSql('x', dialect, cols, 'error')).not.toMatch(/ignore_errors|null_padding/);
    expect(rejectedRowsSql('x', dialect, cols)[0]).toContain(
      "store_rejects=true, rejects_table='decant_rejects'",
    );
  });
  it("sets the CSV buffer only when asked, never below DuckDB's 2 MiB line limit", () => {
    const cols = [{ name: 'a', type: 'BIGINT' }];
    expect(readCsvSql('x', dialect, cols)).not.toMatch(/buffer_size/);
    expect(readCsvSql('x', dialect, cols, 'error', false, { bufferSize: 16_777_216 })).toMatch(
      /, buffer_size=16777216\)$/,
    );
    expect(readCsvSql('x', dialect, cols, 'error', false, { bufferSize: 1000 })).toMatch(
      /, buffer_size=2097152\)$/,
    );
  });
  it('passes only the hints given to the sniffer', () => {
    expect(sniffCsvSql('a.csv')).toMatch(/FROM sniff_csv\('a\.csv'\)$/);
    expect(
      sniffCsvSql('a.csv', { delimiter: '\t', encoding: 'utf-16', ignoreErrors: true }),
    ).toMatch(/sniff_csv\('a\.csv', delim='\t', encoding='utf-16', ignore_errors=true\)$/);
  });
});
