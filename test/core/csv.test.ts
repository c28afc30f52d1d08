import { describe, expect, it } from 'vitest';
import { classifyHead, firstInvalidUtf8, lineColumnAt } from '../../src/core/csv/head-bytes';
import { estimateRows, suspectDelimiter } from '../../src/core/csv/delimiter-check';
import { csvErrorFacts } from '../../src/core/errors';
import { formatBytes, formatCount, parquetNameFromFileName } from '../../src/core/format';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('classifyHead', () => {
  it('calls a zero-byte or blank file empty', () => {
    expect(classifyHead(bytes(), true)).toEqual({ kind: 'empty' });
    expect(classifyHead(utf8(' \n\n'), true)).toEqual({ kind: 'empty' });
  });
  it('names formats dropped by mistake', () => {
    expect(classifyHead(utf8('PAR1....'), false)).toMatchObject({
      kind: 'binary',
      reason: /Parquet/,
    });
    expect(classifyHead(bytes(0x50, 0x4b, 3, 4, 0), false)).toMatchObject({ reason: /ZIP/ });
  });
  it('refuses NUL bytes as binary', () => {
    expect(classifyHead(bytes(0x61, 0, 0x62), true)).toMatchObject({
      kind: 'binary',
      reason: /NUL/,
    });
  });
  it('reads UTF-8 with and without BOM, and cuts the sample after its last full line', () => {
    expect(classifyHead(utf8('\ufeffid,x\n1,é\n2,ü'), false)).toMatchObject({
      encoding: 'utf-8',
      encodingLabel: 'UTF-8 (with BOM)',
      text: 'id,x\n1,é\n',
    });
  });
  it('does not blame a multi-byte character cut by the sample end', () => {
    const b = utf8('a,é');
    expect(firstInvalidUtf8(b.subarray(0, b.length - 1), false)).toBe(-1);
    expect(firstInvalidUtf8(b.subarray(0, b.length - 1), true)).toBe(2);
  });
  it('reads Latin-1 and says where UTF-8 broke', () => {
    const v = classifyHead(bytes(...utf8('nom\nFran'), 0xe7, ...utf8('ois\n')), true);
    expect(v).toMatchObject({ kind: 'text', encoding: 'latin-1', note: /line 2, column 5/ });
    if (v.kind === 'text') expect(v.text).toBe('nom\nFrançois\n');
  });
  it('refuses Windows-1252 smart quotes rather than mangle them', () => {
    expect(
      classifyHead(bytes(...utf8('a\n'), 0x93, ...utf8('hi'), 0x94, 0x0a), true),
    ).toMatchObject({
      kind: 'binary',
      reason: /Windows-1252.*line 2, column 1/,
    });
  });
  it('reads UTF-16 LE with BOM, refuses BE', () => {
    const le = new Uint8Array([0xff, 0xfe, ...[...'a,b\n'].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(classifyHead(le, true)).toMatchObject({ encoding: 'utf-16', text: 'a,b\n' });
    expect(classifyHead(bytes(0xfe, 0xff, 0, 0x61), true)).toMatchObject({
      kind: 'binary',
      reason: /big-endian/,
    });
  });
  it('reads UTF-16 LE without a BOM, and refuses BE without one (regression: "not a text file")', () => {
    const text = 'id,name\n1,Zoë\n2,Bob\n';
    const le = new Uint8Array(
      [...text].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]),
    );
    expect(classifyHead(le, true)).toMatchObject({
      kind: 'text',
      encoding: 'utf-16',
      encodingLabel: 'UTF-16 LE (no BOM), transcoded',
      text,
    });
    const be = new Uint8Array(
      [...text].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff]),
    );
    expect(classifyHead(be, true)).toMatchObject({ kind: 'binary', reason: /big-endian/ });
    // Plain single-byte text and NUL-ridden junk are not taken for UTF-16.
    expect(classifyHead(utf8('a,b\n1,2\n'), true)).toMatchObject({ encoding: 'utf-8' });
    expect(classifyHead(bytes(0, 0, 0, 0, 0, 0, 0, 0, 1, 0), true)).toMatchObject({
      kind: 'binary',
    });
  });
  it('locates bytes by line and column', () => {
    expect(lineColumnAt(utf8('ab\ncd\nef'), 7)).toEqual({ line: 3, column: 2 });
  });
});

describe('suspectDelimiter', () => {
  it('finds the comma DuckDB gave up on in a ragged file', () => {
    expect(suspectDelimiter('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n', 1)).toBe(',');
  });
  it('believes a real single-column file', () => {
    expect(suspectDelimiter('name\nAda\nGrace\n', 1)).toBeNull();
    expect(suspectDelimiter('a;b\n1;2\n', 2)).toBeNull();
  });
  it('ignores delimiters inside quotes', () => {
    expect(suspectDelimiter('title\n"a, b"\n"c, d"\n', 1)).toBeNull();
  });
});

describe('estimateRows', () => {
  it('is exact for a whole file and scales a sample by bytes', () => {
    expect(estimateRows('h\n1\n2\n', 6, 6, true)).toBe(2);
    expect(estimateRows('h\n1\n2\n', 6, 600, true)).toBe(200);
  });
  it('does not guess from a sample with no whole data row (was 0 for a file with rows)', () => {
    expect(estimateRows('h\n', 262_144, 400_000, true)).toBeNull();
    expect(estimateRows('h\n', 2, 2, true)).toBe(0);
  });
});

describe('csvErrorFacts', () => {
  it('reads line, column, value and type out of a DuckDB conversion error', () => {
    const f = csvErrorFacts(
      'Conversion Error: CSV Error on Line: 30002\nOriginal Line: 30001,N/A\nError when converting column "code". Could not convert string "N/A" to \'BIGINT\'\n',
    );
    expect(f).toMatchObject({
      kind: 'cast',
      line: 30002,
      column: 'code',
      value: 'N/A',
      targetType: 'BIGINT',
    });
    expect(f.summary).toBe('column "code": "N/A" is not a BIGINT');
  });
  it('recognises ragged rows and encoding errors', () => {
    expect(
      csvErrorFacts(
        'Invalid Input Error: CSV Error on Line: 4\nExpected Number of Columns: 3 Found: 4',
      ),
    ).toMatchObject({
      kind: 'ragged',
      line: 4,
      summary: 'expected 3 fields, found 4',
    });
    expect(
      csvErrorFacts(
        'Invalid Input Error: CSV Error on Line: 2\nInvalid unicode (byte sequence mismatch)',
      ).kind,
    ).toBe('encoding');
  });
});

describe('format', () => {
  it('names outputs and formats sizes and counts', () => {
    expect(parquetNameFromFileName('sales.csv.gz')).toBe('sales.parquet');
    expect(parquetNameFromFileName('my data.tsv')).toBe('my data.parquet');
    expect(parquetNameFromFileName('.csv')).toBe('data.parquet');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
