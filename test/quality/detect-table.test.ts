import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  detectSensitiveCells,
  detectSensitiveColumns,
  type QualityEngine,
} from '../../src/quality';
import { CSV } from '../engine/catalog-support';
import { createNodeEngineHost, DiskFile } from '../support/engine-host';

const host = createNodeEngineHost();
const engine: QualityEngine = {
  qualityQueries: (queries, onProgress) => host.qualityQueries('detect', queries, onProgress),
};
const COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'contact', type: 'VARCHAR' },
  { name: 'note', type: 'VARCHAR' },
  { name: 'card', type: 'VARCHAR' },
  { name: 'ip', type: 'VARCHAR' },
];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'decant-pii-'));
  const path = join(dir, 'people.csv');
  const lines = ['id,contact,note,card,ip'];
  for (let i = 0; i < 2000; i++) {
    // Every third contact is missing; one note in ten mentions a phone number.
    const contact = i % 3 === 0 ? '' : `user${i}@example.com`;
    const note = i % 10 === 0 ? `call +44 20 7946 ${String(1000 + i).slice(-4)}` : `order ${i}`;
    const card = i % 2 === 0 ? '4111 1111 1111 1111' : '4111 1111 1111 1112';
    lines.push([i, contact, note, card, `10.0.${i % 256}.${(i * 7) % 256}`].join(','));
  }
  writeFileSync(path, lines.join('\n') + '\n');
  await host.attachTable({
    database: 'hr',
    name: 'people',
    classification: 'csv',
    dialect: CSV,
    columns: COLUMNS,
    partitionKeys: [],
    files: [{ path: 'people.csv', file: new DiskFile(path), partitionValues: [] }],
  });
});

describe('detectSensitiveColumns', () => {
  it('samples the table in the engine and reports entity types per column above the threshold', async () => {
    const found = await detectSensitiveColumns(
      engine,
      { database: 'hr', name: 'people' },
      COLUMNS,
      {
        sampleRows: 1000,
        threshold: 0.05,
      },
    );
    const by = Object.fromEntries(found.map((f) => [f.column, f.entities]));
    expect(by.id).toEqual([]);
    expect(by.contact).toEqual([{ type: 'EMAIL', share: 1 }]);
    expect(by.note!.map((e) => e.type)).toEqual(['PHONE_NUMBER']);
    expect(by.note![0]!.share).toBeGreaterThan(0.05);
    expect(by.note![0]!.share).toBeLessThan(0.2);
    expect(by.card!.map((e) => e.type)).toEqual(['CREDIT_CARD']);
    expect(by.card![0]!.share).toBeGreaterThan(0.3);
    expect(by.card![0]!.share).toBeLessThan(0.7);
    expect(by.ip).toEqual([{ type: 'IP_ADDRESS', share: 1 }]);

    const strict = await detectSensitiveColumns(
      engine,
      { database: 'hr', name: 'people' },
      COLUMNS,
      {
        threshold: 0.8,
      },
    );
    expect(strict.filter((f) => f.entities.length).map((f) => f.column)).toEqual(['contact', 'ip']);
  });

  it('by cell: counts every cell holding each entity type (Luhn decides the cards)', async () => {
    const found = await detectSensitiveCells(engine, { database: 'hr', name: 'people' }, COLUMNS);
    const by = Object.fromEntries(
      found.map((f) => [f.column, f.entities.map((e) => [e.type, e.count])]),
    );
    // Counted from how beforeAll writes the 2,000 rows.
    expect(by).toEqual({
      id: [],
      contact: [['EMAIL', 1333]],
      note: [['PHONE_NUMBER', 200]],
      card: [['CREDIT_CARD', 1000]],
      ip: [['IP_ADDRESS', 2000]],
    });
  });

  it('says which table could not be sampled', async () => {
    await expect(
      detectSensitiveColumns(engine, { database: 'hr', name: 'gone' }, COLUMNS),
    ).rejects.toThrow(/^quality: cannot sample hr\.gone: /);
  });
});
