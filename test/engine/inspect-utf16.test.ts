import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectCsv } from '../../workers/engine/inspect-csv';
import { expected, fixturePath, sourceFor } from '../support/fixtures';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

describe('UTF-16 without a byte-order mark', () => {
  it('is read as UTF-16 LE, with every character right', () => {
    const name = 'utf16le-no-bom.csv';
    const want = expected(name);
    const got = inspectCsv(engine.s, sourceFor(engine, fixturePath(name)), {});
    expect(got.dialect.encoding).toBe('utf-16');
    expect(got.encodingLabel).toBe('UTF-16 LE (no BOM), transcoded');
    expect(got.columns).toEqual(want.columns!.map((c) => ({ ...c })));
    expect(got.rowCount).toBe(want.rowCount);
    const rows = tableFromIPC(got.preview)
      .toArray()
      .map((r) => Object.values(r.toJSON()).map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    expect(rows).toEqual(want.rows);
  });
});
