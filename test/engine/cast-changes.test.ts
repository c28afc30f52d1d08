// A type change that converts every value but changes some (rounding, truncation) is reported.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectCsv } from '../../workers/engine/inspect-csv';
import { castFailures } from '../../workers/engine/cast-failures';
import type { AttachedTables } from '../../workers/engine/attached-tables';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { sourceFor } from '../support/fixtures';
import { nodeTables } from './catalog-support';

let engine: NodeEngine;
let tables: AttachedTables<string>;
const dir = mkdtempSync(join(tmpdir(), 'decant-cast-'));

beforeAll(async () => {
  engine = await startNodeEngine();
  tables = nodeTables(engine);
  const path = join(dir, 'weather.csv');
  writeFileSync(
    path,
    'date,temp_max,wind,label,at\n' +
      '2012-01-01,12.8,4.7,5,2024-03-01 10:30:00\n' +
      '2012-01-02,10.6,4.5,7.5,2024-03-02 00:00:00\n' +
      '2012-01-03,11.7,2.3,7,2024-03-03 23:59:59\n' +
      '2012-01-04,12.0,6.1,x,\n' +
      '2012-01-05,12.8,1e12,8,2024-03-05 00:00:00\n',
  );
  const found = inspectCsv(engine.s, sourceFor(engine, path));
  tables.attach({
    database: 'default',
    name: 'weather',
    classification: 'csv',
    dialect: found.dialect,
    columns: found.columns.map((c) => (c.name === 'label' ? { ...c, type: 'VARCHAR' } : c)),
    partitionKeys: [],
    files: [{ path: 'weather.csv', file: path, partitionValues: [] }],
  });
});

const check = (column: string, type: string) =>
  castFailures(engine.s, tables.table('default', 'weather'), column, type, tables.relabel);

describe('castFailures: values that convert but change', () => {
  it('DOUBLE → INTEGER: 12.8 reads as 13, and says so before the save', () => {
    const r = check('temp_max', 'INTEGER');
    expect(r.failures).toBe(0);
    expect(r.changed).toEqual({
      count: 4,
      examples: [
        { before: '12.8', after: '13' },
        { before: '10.6', after: '11' },
        { before: '11.7', after: '12' },
      ],
    });
  });

  it('DOUBLE → DECIMAL with too small a scale rounds; a wide enough one changes nothing', () => {
    expect(check('temp_max', 'DECIMAL(4,0)').changed?.count).toBe(4);
    expect(check('temp_max', 'DECIMAL(5,1)').changed).toBeUndefined();
    expect(check('temp_max', 'DOUBLE').changed).toBeUndefined();
  });

  it('overflow does not convert: a failure, not a change', () => {
    const r = check('wind', 'INTEGER');
    expect(r.failures).toBe(1);
    expect(r.changed?.count).toBe(4);
  });

  it('TIMESTAMP → DATE loses the time of day of the values that have one', () => {
    expect(check('at', 'DATE').changed).toEqual({
      count: 2,
      examples: [
        { before: '2024-03-01 10:30:00', after: '2024-03-01' },
        { before: '2024-03-03 23:59:59', after: '2024-03-03' },
      ],
    });
  });

  it('text → number: a fraction rounded is a change, text that does not parse a failure', () => {
    const r = check('label', 'INTEGER');
    expect(r.failures).toBe(1);
    expect(r.examples).toEqual(['x']);
    expect(r.changed).toEqual({ count: 1, examples: [{ before: '7.5', after: '8' }] });
    expect(check('label', 'DOUBLE').changed).toBeUndefined();
    expect(check('temp_max', 'VARCHAR').changed).toBeUndefined();
  });
});
