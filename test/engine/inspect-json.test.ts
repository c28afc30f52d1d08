import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectJson, type JsonFile } from '../../workers/engine/inspect-json';
import { readWhole } from '../../workers/engine/read-whole';
import { nativeRead } from '../support/native-duckdb';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { expected, fixturePath } from '../support/fixtures';
import { decantErrorFrom } from '../support/decant-error';

let engine: NodeEngine;
const dir = mkdtempSync(join(tmpdir(), 'decant-json-'));
beforeAll(async () => {
  engine = await startNodeEngine();
});

const enc = new TextEncoder();
const file = (name: string, text: string | Uint8Array): JsonFile => ({
  name,
  bytes: typeof text === 'string' ? enc.encode(text) : text,
});
const ordersText = readFileSync(fixturePath('orders.ndjson'), 'utf8');
const orderLines = ordersText.trim().split('\n');

const failure = (f: JsonFile) => decantErrorFrom(() => inspectJson(engine.s, f), f.name);

/** Column types native DuckDB's read_json (json extension, every record sampled) gives the file. */
async function nativeJsonColumns(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const { columns } = await nativeRead(`read_json('${path}', sample_size = -1)`);
  return columns.map(([n, type]) => ({ name: n, type }));
}

describe('inspectJson', () => {
  it('orders.ndjson matches its expected answer, and native DuckDB read_json', async () => {
    const want = expected('orders.ndjson');
    const got = inspectJson(engine.s, file('orders.ndjson', ordersText));
    expect(got.classification).toBe(want.classification);
    expect(got.columns).toEqual(want.columns);
    expect(got.rowCount).toBe(want.rowCount);
    expect(got.notes).toContain('newline-delimited JSON (NDJSON): 3 record(s)');
    expect(got.columns).toEqual(await nativeJsonColumns('orders.ndjson', ordersText));
  });

  it('reads the same records as a pretty-printed array with a BOM', () => {
    const pretty = JSON.stringify(
      orderLines.map((l) => JSON.parse(l)),
      null,
      2,
    );
    const got = inspectJson(engine.s, file('orders.json', `\ufeff${pretty}\n`));
    expect(got.columns).toEqual(expected('orders.ndjson').columns);
    expect(got.rowCount).toBe(3);
    expect(got.notes.slice(0, 2)).toEqual([
      'a JSON array of 3 object(s)',
      'UTF-8 with a byte order mark',
    ]);
  });

  it('finds fields that appear late among 100,000 records, nested ones too', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const r: Record<string, unknown> = { id: i, name: `n${i}`, geo: { lat: i / 7 } };
      if (i === 99_999) Object.assign(r, { late: 'x', geo: { lat: 1.5, city: 'Oslo' } });
      lines.push(JSON.stringify(r));
    }
    const text = lines.join('\n') + '\n';
    const got = inspectJson(engine.s, file('big.ndjson', text));
    expect(got.rowCount).toBe(100_000);
    expect(got.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'geo', type: 'STRUCT(lat DOUBLE, city VARCHAR)' },
      { name: 'late', type: 'VARCHAR' },
    ]);
    expect(got.columns).toEqual(await nativeJsonColumns('big.ndjson', text));
  });

  it('documents why columns are passed: DuckDB-WASM left to infer samples and mistypes', () => {
    // Its own inference sorts names, types nested numbers as DOUBLE and top-level ones as
    // INTEGER, and decides nested objects by a reservoir sample (a late nested field is lost).
    const rows = [{ s: { x: 1 } }, { s: { y: 'q' } }, { b: 2 }];
    engine.s.db.registerFileText('probe.json', JSON.stringify(rows));
    const conn = engine.s.db.connect();
    try {
      conn.insertJSONFromPath('probe.json', { name: '__probe' });
      const cols = engine.s
        .rows('DESCRIBE __probe')
        .map((r) => `${r.column_name} ${r.column_type}`);
      // Which one field survives depends on the sample; both never do.
      expect(cols[0]).toBe('b INTEGER');
      expect(cols[1]).toMatch(/^s STRUCT\((x DOUBLE|y VARCHAR)\)$/);
    } finally {
      engine.s.run('DROP TABLE IF EXISTS __probe');
      conn.close();
      engine.s.db.dropFile('probe.json');
    }
    const ours = inspectJson(engine.s, file('probe.json', JSON.stringify(rows)));
    expect(ours.columns).toEqual([
      { name: 's', type: 'STRUCT(x BIGINT, y VARCHAR)' },
      { name: 'b', type: 'BIGINT' },
    ]);
  });

  it('reads mixed kinds as VARCHAR and says so; keeps big integers as DOUBLE', () => {
    const got = inspectJson(
      engine.s,
      file(
        'mixed.ndjson',
        '{"v":1,"w":{"a":1},"n":1}\n{"v":"x","w":[2],"n":12345678901234567890}\n',
      ),
    );
    expect(got.columns).toEqual([
      { name: 'v', type: 'VARCHAR' },
      { name: 'w', type: 'VARCHAR' },
      { name: 'n', type: 'DOUBLE' },
    ]);
    expect(got.notes).toEqual([
      'newline-delimited JSON (NDJSON): 2 record(s)',
      "line 2: an integer beyond BIGINT's range; its field reads as DOUBLE (digits past the 15th or so may be lost)",
      '"v" holds values of different kinds (e.g. numbers and text): read as VARCHAR',
      '"w" mixes objects or lists with other values: read as VARCHAR (JSON text)',
    ]);
  });

  it('names the column DuckDB makes of a key that differs from another only in case', () => {
    const got = inspectJson(engine.s, file('case.json', '[{"a":1,"A":2}]'));
    expect(got.columns.map((c) => c.name)).toEqual(['a', 'A_1']);
    expect(got.notes.at(-1)).toMatch(/^key "A" is column "A_1": DuckDB ignores case/);
  });

  it('leaves no table behind', () => {
    inspectJson(engine.s, file('orders.ndjson', ordersText));
    const left = engine.s.rows(
      "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__decant%'",
    );
    expect(left).toEqual([]);
  });
});

describe('inspectJson refuses clearly', () => {
  it('a syntax error: file, line and column', () => {
    const bad = [orderLines[0], orderLines[1], '{"order_id":3,"customer":}'].join('\n');
    const e = failure(file('orders.ndjson', bad));
    expect(e.message).toBe(
      `json: "orders.ndjson": line 3, column 26: Unexpected token '}', expected a value`,
    );
    expect([e.line, e.column]).toEqual([3, '26']);
  });

  it('an empty file', () => {
    const e = failure(file('empty.json', ''));
    expect(e.message).toBe('json: "empty.json" is empty: there are no records');
    expect(e.code).toBe('empty');
    expect(failure(file('blank.ndjson', '\n\n  \n')).code).toBe('empty');
    expect(failure(file('none.json', '[]')).message).toBe(
      'json: "none.json" holds an empty array: there are no records',
    );
    expect(failure(file('objs.json', '[{}, {}]')).message).toBe(
      'json: "objs.json" has only empty objects: no columns',
    );
  });

  it('a top-level scalar', () => {
    expect(failure(file('n.json', ' 42 ')).message).toBe(
      'json: "n.json" holds a single number, not records: expected an array of objects, ' +
        'or one object per line (NDJSON)',
    );
    expect(failure(file('s.json', '"x"\n"y"')).message).toBe(
      'json: "s.json": line 1, column 1: each record must be an object ({…}); found a string',
    );
  });

  it('text that is not UTF-8, with code "encoding"', () => {
    const latin1 = new Uint8Array([...enc.encode('{"city":"Malm'), 0xf6, ...enc.encode('"}')]);
    const e = failure(file('latin1.ndjson', latin1));
    expect(e.code).toBe('encoding');
    expect(e.message).toMatch(/^json: "latin1.ndjson": line 1, column 14: Invalid UTF-8 in string/);
    const utf16 = failure(file('u16.json', new Uint8Array([0xff, 0xfe, 0x5b, 0, 0x5d, 0])));
    expect(utf16.message).toBe('json: "u16.json" is UTF-16 text; save it as UTF-8');
  });
});

describe('readWhole', () => {
  it('inflates gzip and stops at the limit', async () => {
    const text = ordersText.repeat(10);
    const gz = new Blob([gzipSync(text)]);
    expect(new TextDecoder().decode((await readWhole(gz, true, 1 << 20))!)).toBe(text);
    expect(await readWhole(gz, true, 100)).toBeNull();
    expect(await readWhole(new Blob([text]), false, 100)).toBeNull();
  });
});
