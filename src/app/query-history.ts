/**
 * What the Query area keeps between visits: every statement run (newest first, in the page's
 * IndexedDB connection, `settings` store, so all tabs share one history and it survives a
 * reload), and the text being edited (localStorage: read synchronously when the editor is made,
 * so a reload shows the text at once and nothing typed meanwhile is overwritten by a late read).
 */
import type { CatalogDb } from '../storage';

/** The `settings` record that holds the history. */
export const HISTORY_KEY = 'query.history';
/** Statements kept; the oldest go first. */
export const HISTORY_LIMIT = 200;
const DRAFT_KEY = 'decant-query-draft';

/** `list` with `sql` first: trimmed, an earlier copy of it removed, at most `limit` kept. */
export function historyWith(list: readonly string[], sql: string, limit = HISTORY_LIMIT): string[] {
  const s = sql.trim();
  if (s === '') return list.slice(0, limit);
  return [s, ...list.filter((x) => x !== s)].slice(0, limit);
}

/** The statements of a stored value; anything that is not a list of strings reads as none. */
function statementsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

/** The history in the `settings` store. Each add is one read-modify-write transaction. */
export class QueryHistoryStore {
  readonly #db: Promise<CatalogDb>;

  /** `db` is the page's one connection (src/app/boot.ts). */
  constructor(db: Promise<CatalogDb>) {
    this.#db = db;
  }

  /** Newest first. Rejects when the database cannot open. */
  async list(): Promise<string[]> {
    const r = await (await this.#db).get('settings', HISTORY_KEY);
    return statementsOf(r?.value);
  }

  /** Records `sql` as the newest statement; resolves with the history after it. */
  async add(sql: string): Promise<string[]> {
    const tx = (await this.#db).transaction('settings', 'readwrite');
    const r = await tx.store.get(HISTORY_KEY);
    const next = historyWith(statementsOf(r?.value), sql);
    await tx.store.put({ key: HISTORY_KEY, value: next });
    await tx.done;
    return next;
  }
}

/** Where the text being edited is kept. */
export interface QueryDraft {
  load(): string;
  save(sql: string): void;
}

/**
 * The draft in `storage` (the page's localStorage); without one, or when the browser refuses
 * (storage disabled, quota), the text is simply not kept.
 */
export function storedDraft(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): QueryDraft {
  return {
    load() {
      try {
        return storage?.getItem(DRAFT_KEY) ?? '';
      } catch {
        return '';
      }
    },
    save(sql) {
      try {
        storage?.setItem(DRAFT_KEY, sql);
      } catch {
        // Not kept; the editor still holds it.
      }
    },
  };
}
