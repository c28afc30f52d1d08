import { tableFromArrays, tableToIPC, vectorFromArray, Table, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { csvField, csvFromResult, EXPORT_PAGE_ROWS } from '../../src/app/query-export';

describe('csvField', () => {
  it('quotes what RFC 4180 needs quoted, and the empty string', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('')).toBe('""');
  });
});

describe('csvFromResult', () => {
  it('writes a header and every row, page by page, NULL as an empty field', async () => {
    const n = EXPORT_PAGE_ROWS + 2;
    const ids = Int32Array.from({ length: n }, (_, i) => i);
    const names = Array.from({ length: n }, (_, i) =>
      i === 0 ? 'JFK, NY' : i === 1 ? null : i === 2 ? '' : `r${i}`,
    );
    const table = new Table({
      id: tableFromArrays({ id: ids }).getChild('id')!,
      name: vectorFromArray(names, new Utf8()),
    });
    const asked: [number, number][] = [];
    const blob = await csvFromResult(['id', 'the "name"'], n, (offset, limit) => {
      asked.push([offset, limit]);
      return Promise.resolve(tableToIPC(table.slice(offset, offset + limit), 'stream'));
    });
    expect(asked).toEqual([
      [0, EXPORT_PAGE_ROWS],
      [EXPORT_PAGE_ROWS, 2],
    ]);
    const lines = (await blob.text()).split('\r\n');
    expect(lines.slice(0, 4)).toEqual(['id,"the ""name"""', '0,"JFK, NY"', '1,', '2,""']);
    expect(lines.at(-2)).toBe(`${n - 1},r${n - 1}`);
    expect(lines).toHaveLength(n + 2);
    expect(blob.type).toBe('text/csv');
  });

  it('refuses a page that comes back short rather than write a partial file', async () => {
    const one = tableToIPC(tableFromArrays({ id: Int32Array.from([1]) }), 'stream');
    await expect(csvFromResult(['id'], 2, () => Promise.resolve(one))).rejects.toThrow(
      /query: export read 1 rows at row 1, expected 2/,
    );
  });
});
