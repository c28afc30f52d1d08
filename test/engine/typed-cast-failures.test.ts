// A type change checked on a table whose values are typed in its files (Parquet): the values
// as they are typed now, cast, on DuckDB-WASM's Node bundle.
import { beforeAll, describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import { typedCastFailures } from '../../workers/engine/cast-failures';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
  engine.s.run(
    'CREATE SCHEMA IF NOT EXISTS typed',
    `CREATE OR REPLACE TABLE typed.t AS SELECT * FROM (VALUES
      (TIMESTAMP '2024-03-01 10:00:00', 'true', 12.8::DOUBLE),
      (TIMESTAMP '2024-03-02 00:00:00', 'nope', 3.0::DOUBLE),
      (NULL, NULL, NULL)) v(ts, flag, price)`,
  );
});

describe('typedCastFailures', () => {
  it('counts values that do not cast, with examples', () => {
    const r = typedCastFailures(engine.s, 'typed', 't', 'flag', 'VARCHAR', 'BOOLEAN');
    expect(r).toEqual({ failures: 1, examples: ['nope'] });
  });

  it('says which values change: a timestamp losing its time, a number rounded', () => {
    const ts = typedCastFailures(engine.s, 'typed', 't', 'ts', 'TIMESTAMP', 'DATE');
    expect(ts.failures).toBe(0);
    expect(ts.changed).toEqual({
      count: 1,
      examples: [{ before: '2024-03-01 10:00:00', after: '2024-03-01' }],
    });
    const price = typedCastFailures(engine.s, 'typed', 't', 'price', 'DOUBLE', 'INTEGER');
    expect(price.changed?.examples).toEqual([{ before: '12.8', after: '13' }]);
  });

  it('refuses what is not a type name, and names a missing column', () => {
    expect(() =>
      typedCastFailures(engine.s, 'typed', 't', 'ts', 'TIMESTAMP', 'DATE; DROP'),
    ).toThrow(/is not a type name/);
    expect(() => typedCastFailures(engine.s, 'typed', 't', 'nope', 'VARCHAR', 'DATE')).toThrow(
      DecantError,
    );
  });
});
