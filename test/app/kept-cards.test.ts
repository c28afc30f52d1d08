import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openCatalogDb } from '../../src/storage';
import { KEEP_COPY_LIMIT, cardShelf, type KeptCard } from '../../src/app/kept-cards';

const card = (size: number): KeptCard => ({
  id: 'c1',
  name: 'huge.csv',
  size,
  lastModified: 0,
  addedAt: 0,
  copy: 'c1-huge.csv',
  badRows: 'error',
  target: 'parquet',
});

describe("Quick convert's kept cards", () => {
  it('copies files up to 1 GB; a larger one is refused in words, before any copy or record', async () => {
    expect(KEEP_COPY_LIMIT).toBe(1_000_000_000);
    const db = openCatalogDb('decant-kept-cards-test', new IDBFactory());
    const shelf = cardShelf(db, 1000);
    // A File of 6 GB is not made here: the shelf reads only its size before refusing.
    const big = new File([new Uint8Array(1001)], 'huge.csv');
    await expect(shelf.keep(card(big.size), big)).rejects.toThrow(
      /^storage: at 1,001 bytes, "huge\.csv" is larger than the 1,000 bytes Decant copies into the browser's storage; after a reload, drop it again$/,
    );
    const bigger = new File([new Uint8Array(2500)], 'huge.csv');
    await expect(shelf.keep(card(bigger.size), bigger)).rejects.toThrow(
      /^storage: at 2\.5 kB, "huge\.csv" is larger than the 1\.0 kB Decant copies/,
    );
    // Nothing was saved: the refused card does not come back after a reload.
    const records = await (await db).getAll('settings');
    expect(records.filter((r) => String(r.key).startsWith('quick-convert:card:'))).toEqual([]);
  });
});
