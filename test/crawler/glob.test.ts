import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../src/crawler/glob';
import { DecantError } from '../../src/core/errors';

const matches = (glob: string, path: string) => globToRegExp(glob).test(path);

describe('globToRegExp', () => {
  it('`*` and `?` stay inside one folder', () => {
    expect(matches('*.csv', 'a.csv')).toBe(true);
    expect(matches('*.csv', 'sales/a.csv')).toBe(false);
    expect(matches('sales/*', 'sales/a.csv')).toBe(true);
    expect(matches('sales/*', 'sales/year=2024/a.csv')).toBe(false);
    expect(matches('part-?.csv', 'part-1.csv')).toBe(true);
    expect(matches('part-?.csv', 'part-10.csv')).toBe(false);
    expect(matches('a?b', 'a/b')).toBe(false);
  });

  it('`**` crosses folders, and `**/` may stand for no folder', () => {
    expect(matches('**/_tmp/**', 'sales/_tmp/x.csv')).toBe(true);
    expect(matches('**/_tmp/**', 'a/b/_tmp/c/d.csv')).toBe(true);
    expect(matches('**/_tmp/**', '_tmp/x.csv')).toBe(true);
    expect(matches('**/_tmp/**', 'sales/tmp/x.csv')).toBe(false);
    expect(matches('**/*.crc', 'sales/year=2024/.part-0.csv.crc')).toBe(true);
    expect(matches('**/*.crc', 'x.crc')).toBe(true);
    expect(matches('**/*.crc', 'x.crc.csv')).toBe(false);
    expect(matches('sales/**/part-0.csv', 'sales/part-0.csv')).toBe(true);
    expect(matches('sales/**/part-0.csv', 'sales/a/b/part-0.csv')).toBe(true);
    // Glue: `**` inside a name crosses folders too (`myfolder**` matches `myfolder/x`).
    expect(matches('sales**', 'sales/year=2024/a.csv')).toBe(true);
    expect(matches('**.csv', 'a/b/c.csv')).toBe(true);
  });

  it('`{a,b}` is either alternative, nested too; commas elsewhere are literal', () => {
    expect(matches('**/*.{csv,tsv}', 'a/b.tsv')).toBe(true);
    expect(matches('**/*.{csv,tsv}', 'a/b.json')).toBe(false);
    expect(matches('{logs,sales/{a,b}}/**', 'sales/b/x.csv')).toBe(true);
    expect(matches('{logs,sales/{a,b}}/**', 'sales/c/x.csv')).toBe(false);
    expect(matches('a,b.csv', 'a,b.csv')).toBe(true);
  });

  it('brackets match one character of a set, never "/"', () => {
    expect(matches('month=0[1-3]/*', 'month=02/a.csv')).toBe(true);
    expect(matches('month=0[1-3]/*', 'month=04/a.csv')).toBe(false);
    expect(matches('x[!ab]y', 'xcy')).toBe(true);
    expect(matches('x[!ab]y', 'xay')).toBe(false);
    expect(matches('x[!ab]y', 'x/y')).toBe(false);
  });

  it('treats regex characters and escapes literally', () => {
    expect(matches('a.b+(c)$^|', 'a.b+(c)$^|')).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('\\*.csv', '*.csv')).toBe(true);
    expect(matches('\\*.csv', 'a.csv')).toBe(false);
    expect(matches('./sales/*.csv', 'sales/a.csv')).toBe(true);
    expect(matches('/sales/*.csv', 'sales/a.csv')).toBe(true);
  });

  it('matches whole paths only, case-sensitively, and whole characters', () => {
    expect(matches('sales', 'sales/a.csv')).toBe(false);
    expect(matches('*.CSV', 'a.csv')).toBe(false);
    expect(matches('?.csv', '😀.csv')).toBe(true);
  });

  it('refuses malformed patterns with a message naming them', () => {
    for (const [glob, problem] of [
      ['**/*.{csv', '"{" without its "}"'],
      ['a}', '"}" without its "{"'],
      ['x[ab', '"[" without its "]"'],
      ['x\\', 'lone "\\"'],
    ]) {
      expect(() => globToRegExp(glob!)).toThrow(DecantError);
      expect(() => globToRegExp(glob!)).toThrow(`crawler: exclusion ${JSON.stringify(glob)}`);
      expect(() => globToRegExp(glob!)).toThrow(problem!);
    }
  });
});
