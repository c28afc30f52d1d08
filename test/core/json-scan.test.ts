import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, scanJsonRecords } from '../../src/core/json/json-scan';
import {
  duckdbTypeOf,
  readerFieldsOf,
  shapeNotes,
  StructShape,
} from '../../src/core/json/json-shape';
import { positionAt } from '../../src/core/json/text-position';

const enc = new TextEncoder();
const dec = new TextDecoder();

function scan(text: string | Uint8Array, root = new StructShape()) {
  const r = scanJsonRecords(typeof text === 'string' ? enc.encode(text) : text, root);
  const columns = root.names.map((n, i) => [n, duckdbTypeOf(root.types[i])]);
  return { ...r, root, columns };
}

function failure(text: string | Uint8Array): { e: JsonSyntaxError; line: number; column: number } {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  try {
    scanJsonRecords(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(JsonSyntaxError);
    const err = e as JsonSyntaxError;
    return { e: err, ...positionAt(bytes, err.offset) };
  }
  throw new Error(`accepted: ${String(text)}`);
}

describe('scanJsonRecords: types from every record', () => {
  it('types NDJSON orders the way DuckDB read_json does, late fields included', () => {
    const r = scan(
      '{"order_id":1,"customer":{"id":10,"email":"a@x"},"items":[{"sku":"A","qty":2}],"total":19.9}\n' +
        '\n' +
        '{"order_id":2,"customer":{"id":11,"email":"b@x"},"items":[],"total":5.0}\n' +
        '{"order_id":3,"customer":{"id":10},"items":[{"sku":"C","qty":5}],"total":0,"coupon":"X1"}\n',
    );
    expect(r.format).toBe('ndjson');
    expect(r.records).toBe(3);
    expect(r.columns).toEqual([
      ['order_id', 'BIGINT'],
      ['customer', 'STRUCT(id BIGINT, email VARCHAR)'],
      ['items', 'STRUCT(sku VARCHAR, qty BIGINT)[]'],
      ['total', 'DOUBLE'],
      ['coupon', 'VARCHAR'],
    ]);
    // The import reads one array: the records, joined by commas, nothing else.
    expect(JSON.parse(dec.decode(r.array))).toHaveLength(3);
  });

  it('reads the array form as a view of the input, without the BOM', () => {
    const bytes = enc.encode('\ufeff [ {"a": 1}, {"a": 2.5, "b": [1, 2]} ] \n');
    const r = scan(bytes);
    expect(r).toMatchObject({ format: 'array', bom: true, records: 2 });
    expect(r.array.buffer).toBe(bytes.buffer);
    expect(r.array[0]).toBe(0x20);
    expect(r.columns).toEqual([
      ['a', 'DOUBLE'],
      ['b', 'BIGINT[]'],
    ]);
  });

  it('widens and falls back like read_json: mixed scalars, mixed nesting, nulls, empties', () => {
    const r = scan(
      '{"n":1,"s":"x","m":1,"j":{"a":1},"z":null,"e":[],"o":{},"l":[1,"a"],"u":{"x":1}}\n' +
        '{"n":2,"s":null,"m":"two","j":[1],"z":null,"e":[],"o":{},"l":[true],"u":{"y":[{"k":1.5}]}}',
    );
    expect(Object.fromEntries(r.columns)).toEqual({
      n: 'BIGINT',
      s: 'VARCHAR',
      m: 'VARCHAR',
      j: 'VARCHAR',
      z: 'VARCHAR',
      e: 'VARCHAR[]',
      o: 'VARCHAR',
      l: 'VARCHAR[]',
      u: 'STRUCT(x BIGINT, y STRUCT(k DOUBLE)[])',
    });
    expect(shapeNotes(r.root)).toEqual([
      '"m" holds values of different kinds (e.g. numbers and text): read as VARCHAR',
      '"j" mixes objects or lists with other values: read as VARCHAR (JSON text)',
      '"z" is null in every record: read as VARCHAR',
      '"e" is an empty list in every record: read as VARCHAR[]',
      '"o" is an empty object in every record: read as VARCHAR',
      '"l[]" holds values of different kinds (e.g. numbers and text): read as VARCHAR',
    ]);
    expect(readerFieldsOf(r.root).find((f) => f.name === 'u')).toEqual({
      name: 'u',
      sqlType: 'struct',
      fields: [
        { name: 'x', sqlType: 'int64' },
        {
          name: 'y',
          sqlType: 'list',
          valueType: { sqlType: 'struct', fields: [{ name: 'k', sqlType: 'float64' }] },
        },
      ],
    });
  });

  it('types numbers by how they are written; integers past BIGINT become DOUBLE', () => {
    const r = scan(
      '[{"a":9223372036854775807,"b":-9223372036854775808,"c":1.0,"d":1e3,"e":-0,' +
        '"f":9223372036854775808}]',
    );
    expect(r.columns.map((c) => c[1])).toEqual([
      'BIGINT',
      'BIGINT',
      'DOUBLE',
      'DOUBLE',
      'BIGINT',
      'DOUBLE',
    ]);
    expect(r.bigIntegerAt).toBe(dec.decode(r.array).lastIndexOf('9223372036854775808'));
  });

  it('unions fields across files given one root, and notes a duplicate key', () => {
    const root = new StructShape();
    scan('{"a":1}\n', root);
    const r = scan('{"b":"x","a":2,"a":3}', root);
    expect(root.names).toEqual(['a', 'b']);
    expect(r.duplicateKey).toEqual({ offset: 15, key: 'a' });
  });

  it('decodes escaped and non-ASCII keys', () => {
    const r = scan('{"\\u0041b\\"c":1,"ä ö":2}\n{"Ab\\"c":3,"\\u00e4 \\u00f6":4}');
    expect(r.root.names).toEqual(['Ab"c', 'ä ö']);
    expect(r.columns.map((c) => c[1])).toEqual(['BIGINT', 'BIGINT']);
  });
});

describe('scanJsonRecords: refusals, with the place', () => {
  it.each([
    ['{"a":1}\n{"a":2}\n{"a":3,"b":tru}', 3, 15, "Unexpected token '}', expected 'true'"],
    ['{"a":1}\n{"a" 2}', 2, 6, "Unexpected token '2', expected ':' after a key"],
    ['[{"a":1},]', 1, 10, "Unexpected token ']', expected a record ({…})"],
    ['[{"a":1}', 1, 9, "Unexpected end of input, expected ',' or ']' after a record"],
    ['{"a":1,}', 1, 8, "Unexpected token '}', expected a key in double quotes"],
    ['{"a":"x\ty"}', 1, 8, 'Bad control character in string literal'],
    ['{"a":"\\x"}', 1, 7, 'Bad escaped character in string literal'],
    ['{"a":"\\ud83d"}', 1, 7, 'Unpaired surrogate in string'],
    ['{"a":01}', 1, 7, "Unexpected token '1', expected ',' or '}' after a value in an object"],
    ['{"a":-}', 1, 7, "Unexpected token '}', expected a digit after the minus sign"],
    ['{"a":1.}', 1, 8, 'Unterminated fractional number'],
    ['{"a":1e400}', 1, 6, 'Number out of range'],
    ['{"a":NaN}', 1, 6, "Unexpected token 'N', expected a value"],
    ['{"a":"x}', 1, 6, 'Unterminated string'],
    ['{"a":1},\n{"a":2}', 1, 8, "Unexpected token ',', expected a record ({…})"],
    ['{"a":1}\n[1]', 2, 1, 'each record must be an object ({…}); found a list'],
    ['[1, 2]', 1, 2, 'each record must be an object ({…}); found a number'],
    ['{"":1}', 1, 2, 'an empty key ("") cannot name a column'],
    ['{"é":1}\n{"é": ×}', 2, 7, "Unexpected token '×', expected a value"],
  ])('%j: line %i, column %i', (text, line, column, reason) => {
    const f = failure(text);
    expect([f.line, f.column, f.e.reason]).toEqual([line, column, reason]);
    expect(f.e.kind).toBe('syntax');
  });

  it('says where invalid UTF-8 is, and that it is an encoding problem', () => {
    const bytes = new Uint8Array([...enc.encode('{"a":"caf'), 0xe9, ...enc.encode('"}')]);
    const f = failure(bytes);
    expect(f.e.kind).toBe('encoding');
    expect([f.line, f.column]).toEqual([1, 10]);
  });

  it('refuses UTF-16, empty input, an empty array and a lone scalar as whole-file problems', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x7b, 0, 0x7d, 0]);
    expect(failure(utf16).e).toMatchObject({ kind: 'encoding', offset: -1 });
    expect(failure(' \n\t').e).toMatchObject({ kind: 'empty', offset: -1 });
    expect(failure('\ufeff').e).toMatchObject({ kind: 'empty' });
    expect(failure('[ ]').e).toMatchObject({ kind: 'empty' });
    expect(failure('42\n').e).toMatchObject({
      kind: 'scalar',
      reason:
        'holds a single number, not records: expected an array of objects, or one object per line (NDJSON)',
    });
    expect(failure('"hello"').e.reason).toMatch(/^holds a single string, not records/);
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = '{"a":' + '['.repeat(300) + ']'.repeat(300) + '}';
    expect(failure(deep).e.reason).toMatch(/nested deeper than 256 levels/);
  });
});

describe('positionAt', () => {
  it('counts characters, not bytes, and not the BOM', () => {
    const bytes = enc.encode('\ufeffé\r\nab😀c');
    expect(positionAt(bytes, 3)).toEqual({ line: 1, column: 1 });
    expect(positionAt(bytes, bytes.length - 1)).toEqual({ line: 2, column: 4 });
  });
});
