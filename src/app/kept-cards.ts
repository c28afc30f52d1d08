/**
 * Quick convert's cards kept across reloads: each dropped file as a copy in the browser's
 * storage (src/platform/kept-drops.ts) and its card (what was found, the options, the last
 * result) as one record in the `settings` store, under `quick-convert:card:<id>`.
 */
import type { BadRowPolicy, ColumnInfo } from '../core/csv/dialect';
import type { CatalogDb } from '../storage/schema';
import { keepDrop, keptDrop, removeKeptDrop } from '../platform/kept-drops';
import { DecantError } from '../core/errors';
import { formatBytesApart } from '../core/format';

/**
 * The largest dropped file copied for the next visit. A copy doubles the file's disk use and
 * competes with its conversion for the disk (a 6 GB file's copy took the first six minutes of
 * its convert); past this the card lasts until the page closes, and says so.
 */
export const KEEP_COPY_LIMIT = 1_000_000_000;

export type ConvertTarget = 'parquet' | 'csv';

/** A card as kept. Plain data: it is structured-cloned into IndexedDB. */
export interface KeptCard {
  id: string;
  name: string;
  size: number;
  lastModified: number;
  addedAt: number;
  /** Name of the copy in the kept-drops folder. */
  copy: string;
  badRows: BadRowPolicy;
  target: ConvertTarget;
  /** What the last inspection found. */
  summary?: { columns: ColumnInfo[]; rowCount: number | null; notes: string[] };
  /** The last conversion (its download is gone after a reload; converting again makes it). */
  result?: { target: ConvertTarget; codec: string; rows: number; bytes: number; at: number };
}

/** Where QuickConvert keeps its cards; every method may reject with a `storage:` error. */
export interface CardShelf {
  /** Every kept card, oldest first, with its copy (null when the copy is gone). */
  list(): Promise<{ card: KeptCard; file: File | null }[]>;
  /** Copies the file, then saves the card: a card is never saved without its copy. */
  keep(card: KeptCard, file: File): Promise<void>;
  update(card: KeptCard): Promise<void>;
  /** Deletes the card, then its copy. */
  remove(card: KeptCard): Promise<void>;
}

const PREFIX = 'quick-convert:card:';
const keyOf = (id: string) => `${PREFIX}${id}`;

/** A CardShelf over the page's one connection, copying files up to `limit` bytes. */
export function cardShelf(db: Promise<CatalogDb>, limit = KEEP_COPY_LIMIT): CardShelf {
  return {
    async list() {
      const records = await (
        await db
      ).getAll('settings', IDBKeyRange.bound(PREFIX, `${PREFIX}\uffff`));
      const cards = records
        .map((r) => r.value as KeptCard)
        .sort((a, b) => a.addedAt - b.addedAt || a.id.localeCompare(b.id));
      return Promise.all(
        cards.map(async (card) => ({
          card,
          file: await keptDrop(card.copy, card.name, card.lastModified).catch(() => null),
        })),
      );
    },
    async keep(card, file) {
      if (file.size > limit) {
        const [size, most] = formatBytesApart(file.size, limit);
        throw new DecantError(
          `storage: at ${size}, "${card.name}" is larger than the ` +
            `${most} Decant copies into the browser's storage; after a reload, ` +
            'drop it again',
        );
      }
      await keepDrop(file, card.copy);
      try {
        await (await db).put('settings', { key: keyOf(card.id), value: card });
      } catch (e) {
        await removeKeptDrop(card.copy);
        throw e;
      }
    },
    async update(card) {
      await (await db).put('settings', { key: keyOf(card.id), value: card });
    },
    async remove(card) {
      await (await db).delete('settings', keyOf(card.id));
      await removeKeptDrop(card.copy);
    },
  };
}
