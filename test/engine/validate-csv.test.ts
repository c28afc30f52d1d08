import { beforeAll, describe, expect, it } from 'vitest';
import { inspectCsv } from '../../workers/engine/inspect-csv';
import { validateCsv } from '../../workers/engine/validate-csv';
import { widenOnCastError } from '../../src/core/csv/widen-column';
import { DecantError } from '../../src/core/errors';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { fixturePath, sourceFor } from '../support/fixtures';
import { decantErrorFrom } from '../support/decant-error';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

describe('validateCsv (the crawler reads the whole file before committing types)', () => {
  it('finds the late value the sample missed, and the widened schema reads every row', () => {
    const src = sourceFor(engine, fixturePath('late-string.csv'));
    const found = inspectCsv(engine.s, src);
    const plan = { dialect: found.dialect, columns: found.columns, badRows: 'error' as const };
    const error = decantErrorFrom(() => validateCsv(engine.s, src, plan));
    expect(error).toMatchObject({ code: 'cast', line: 30002, column: 'code' });
    const widened = widenOnCastError(plan.columns, error);
    expect(widened?.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'code', type: 'VARCHAR' },
    ]);
    expect(widened?.note).toBe(
      'column "code" written as text (VARCHAR): line 30002: column "code": "N/A" is not a BIGINT',
    );
    expect(validateCsv(engine.s, src, { ...plan, columns: widened!.columns })).toBe(30001);
    // Widening a text column, or an error that is not a cast, cannot help.
    expect(widenOnCastError(widened!.columns, error)).toBeNull();
    expect(widenOnCastError(plan.columns, new DecantError('x', { code: 'ragged' }))).toBeNull();
  });

  it('returns the exact row count of a clean file', () => {
    const src = sourceFor(engine, fixturePath('events.tsv'));
    const found = inspectCsv(engine.s, src);
    expect(validateCsv(engine.s, src, { ...found, badRows: 'error' })).toBe(3);
  });
});
