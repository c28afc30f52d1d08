import { beforeAll, describe, expect, it } from 'vitest';
import {
  afterEdit,
  COALESCE_MS,
  editorSources,
  emptyHistory,
  redoStep,
  undoStep,
  withDroppedFile,
  type EditHistory,
} from '../../src/jobs';
import type { CatalogTable } from '../../src/catalog/model';
import { CSV } from './../engine/catalog-support';
import type { NodeEngine } from '../support/node-engine';
import { jobOf, node } from './job-support';
import { runWorld, startNodeEngine } from './run/run-support';

describe('edit history (undo and redo as a value)', () => {
  it('each edit is a step; undo and redo walk them; a new edit drops the redo steps', () => {
    let h: EditHistory<string> = emptyHistory();
    h = afterEdit(h, 'a', undefined, 0);
    h = afterEdit(h, 'b', undefined, 10);
    const back = undoStep(h, 'c')!;
    expect(back.value).toBe('b');
    const again = undoStep(back.history, 'b')!;
    expect(again.value).toBe('a');
    expect(undoStep(again.history, 'a')).toBeNull();
    const fwd = redoStep(again.history, 'a')!;
    expect(fwd.value).toBe('b');
    expect(afterEdit(fwd.history, 'b', undefined, 20).future).toEqual([]);
  });

  it('edits with the same key close together are one step; later ones, or after an undo, are not', () => {
    let h: EditHistory<string> = emptyHistory();
    h = afterEdit(h, 'x', 'name', 0);
    h = afterEdit(h, 'xy', 'name', 100);
    expect(h.past).toEqual(['x']);
    h = afterEdit(h, 'xyz', 'name', 100 + COALESCE_MS);
    expect(h.past).toEqual(['x', 'xyz']);
    const u = undoStep(h, 'xyzw')!;
    expect(afterEdit(u.history, 'xyz', 'name', 100 + COALESCE_MS + 1).past).toEqual(['x', 'xyz']);
  });
});

describe('withDroppedFile', () => {
  const job = jobOf(
    [node('file-source', 'f', { path: '', dialect: CSV, columns: [] }, 'Dropped file')],
    [],
  );
  it('points the node at the registered file, named after it unless renamed', () => {
    const columns = [{ name: 'id', type: 'BIGINT' }];
    const next = withDroppedFile(
      job,
      'f',
      { name: 'sales.csv', path: 'fjob-1.csv' },
      { dialect: CSV, columns },
    );
    expect(next.nodes[0]).toMatchObject({
      name: 'sales.csv',
      options: { path: 'fjob-1.csv', columns },
    });
    expect(job.nodes[0]!.name).toBe('Dropped file');
    const renamed = { ...job, nodes: [{ ...job.nodes[0]!, name: 'orders' }] };
    expect(
      withDroppedFile(renamed, 'f', { name: 'x.csv', path: 'p' }, { dialect: CSV, columns })
        .nodes[0]!.name,
    ).toBe('orders');
  });
});

describe('editorSources', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await startNodeEngine();
  });

  it('describes each catalog table once, with partitions, and says which sources cannot be read', async () => {
    const w = await runWorld(engine);
    const sales = (await w.cat.store.getTable('shop', 'sales'))!;
    const broken: CatalogTable = { ...sales, name: 'broken' };
    const tables = new Map([
      ['sales', sales],
      ['broken', broken],
    ]);
    const job = jobOf(
      [
        node('catalog-source', 'a', { database: 'shop', table: 'sales' }),
        node('catalog-source', 'b', { database: 'shop', table: 'sales' }),
        node('catalog-source', 'c', { database: 'shop', table: 'broken' }),
        node('catalog-source', 'd', { database: 'shop', table: 'missing' }),
      ],
      [],
    );
    const { context, problems } = await editorSources(job, {
      table: (_db, name) => tables.get(name),
      listPartitions: (db, name) => w.cat.store.listPartitions(db, name),
      ensureAttached: async (t) =>
        t.name === 'broken'
          ? { kind: 'needs-permission', message: 'allow the folder' }
          : w.catalog.attach(t),
    });
    expect(context.tables!.map((t) => [t.name, t.partitions.length])).toEqual([
      ['sales', 3],
      ['broken', 0],
    ]);
    expect([...problems]).toEqual([
      ['c', 'Data Catalog table "c": its files cannot be read now: allow the folder'],
    ]);
  });
});
