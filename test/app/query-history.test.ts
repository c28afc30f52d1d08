import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openCatalogDb } from '../../src/storage';
import {
  HISTORY_KEY,
  historyWith,
  QueryHistoryStore,
  storedDraft,
} from '../../src/app/query-history';

describe('historyWith', () => {
  it('puts the statement first, trimmed, without an earlier copy, and keeps at most the limit', () => {
    expect(historyWith(['b', 'a'], '  a \n')).toEqual(['a', 'b']);
    expect(historyWith(['a'], '   ')).toEqual(['a']);
    expect(historyWith(['c', 'b', 'a'], 'd', 3)).toEqual(['d', 'c', 'b']);
  });
});

describe('QueryHistoryStore', () => {
  it('keeps statements newest first in the settings store, shared by every store on the database', async () => {
    const db = openCatalogDb('decant-query-history-test', new IDBFactory());
    const one = new QueryHistoryStore(db);
    const two = new QueryHistoryStore(db);
    expect(await one.list()).toEqual([]);
    await one.add('SELECT 1');
    await two.add('SELECT 2');
    expect(await one.add('SELECT 1')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(await two.list()).toEqual(['SELECT 1', 'SELECT 2']);
    expect((await (await db).get('settings', HISTORY_KEY))?.value).toEqual([
      'SELECT 1',
      'SELECT 2',
    ]);
  });

  it('reads a damaged record as no history', async () => {
    const db = openCatalogDb('decant-query-history-bad', new IDBFactory());
    await (await db).put('settings', { key: HISTORY_KEY, value: { not: 'a list' } });
    expect(await new QueryHistoryStore(db).list()).toEqual([]);
  });
});

describe('storedDraft', () => {
  it('keeps the text in the given storage, and survives a storage that throws', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    };
    storedDraft(storage).save('SELECT 1');
    expect(storedDraft(storage).load()).toBe('SELECT 1');
    const broken = {
      getItem: (): string | null => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(() => storedDraft(broken).save('x')).not.toThrow();
    expect(storedDraft(broken).load()).toBe('');
    expect(storedDraft(undefined).load()).toBe('');
  });
});
