/**
 * The page's connection to its IndexedDB database, opened once with idb's `openDB` and wired to
 * its three lifecycle events:
 * - `blocked`: this page brings a newer schema while an older tab still holds the database; the
 *   open waits (status `blocked`) until that tab lets go, which every Decant tab does (below).
 * - `blocking`: another tab opens a newer version (or deletes the database). This connection
 *   closes at once so that tab's upgrade is not held up, and the page is `outdated`: its code no
 *   longer matches the stored schema, so every later call fails with one clear DecantError
 *   instead of a raw `InvalidStateError`, and the app asks the user to reload.
 * - `terminated`: the browser closed the connection (site data cleared, disk error): `lost`.
 */
import { openDB } from 'idb';
import { DecantError } from '../core/errors';
import { upgradeCatalogDb } from './migrations';
import { CATALOG_DB_VERSION, DATABASE_NAME, type CatalogDb } from './schema';

export type StorageStatus =
  | { kind: 'opening' }
  /** Waiting for older Decant tabs to close their connection before upgrading. */
  | { kind: 'blocked' }
  | { kind: 'open' }
  /** Another tab upgraded (`newVersion`) or deleted (`null`) the database: reload. */
  | { kind: 'outdated'; newVersion: number | null }
  /** The browser closed the connection. */
  | { kind: 'lost' }
  /** The database could not be opened; `error` says why and what to do. */
  | { kind: 'failed'; error: DecantError };

/** What the user is told about a status, or '' when there is nothing to tell. */
export function storageStatusText(status: StorageStatus): string {
  switch (status.kind) {
    case 'blocked':
      return 'Decant is being updated: close its other tabs (or reload them) to finish.';
    case 'outdated':
      return status.newVersion === null
        ? "Decant's storage was deleted in another tab — reload this page."
        : 'Decant was updated in another tab — reload this page to keep working.';
    case 'lost':
      return "The browser closed Decant's storage (was site data cleared?) — reload this page.";
    case 'failed':
      return status.error.message;
    default:
      return '';
  }
}

/** Methods that stay callable once the connection is gone. */
const ALWAYS_CALLABLE = new Set<PropertyKey>([
  'close',
  'addEventListener',
  'removeEventListener',
  'dispatchEvent',
]);

/**
 * One connection and its status. `db` resolves once the database is open and upgraded, or
 * rejects with a DecantError (e.g. a newer Decant saved it, or the browser refuses storage).
 */
export class StorageConnection {
  readonly db: Promise<CatalogDb>;
  #status: StorageStatus = { kind: 'opening' };
  readonly #listeners = new Set<(status: StorageStatus) => void>();
  #raw: CatalogDb | null = null;

  constructor(name: string, factory: IDBFactory) {
    const opened = openThrough(factory, () =>
      openDB(name, CATALOG_DB_VERSION, {
        upgrade: upgradeCatalogDb,
        blocked: () => this.#set({ kind: 'blocked' }),
        blocking: (_current, newVersion) => {
          this.#raw?.close();
          this.#set({ kind: 'outdated', newVersion: newVersion ?? null });
        },
        terminated: () => this.#set({ kind: 'lost' }),
      }),
    );
    this.db = opened.then(
      (db) => {
        this.#raw = db;
        this.#set({ kind: 'open' });
        return guarded(db, () => this.refusal());
      },
      async (err: unknown) => {
        const error = await openError(err, name, factory);
        this.#set({ kind: 'failed', error });
        throw error;
      },
    );
    // The status carries the failure; callers that never await `db` leave no unhandled rejection.
    this.db.catch(() => {});
  }

  get status(): StorageStatus {
    return this.#status;
  }

  /** Calls `listener` on every status change; returns the unsubscribe. */
  onStatus(listener: (status: StorageStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Why a call on the database is refused now (outdated, lost), or null while it is usable.
   * A refused call never reaches IndexedDB: a refused write changes nothing.
   */
  refusal(): DecantError | null {
    const s = this.#status;
    if (s.kind !== 'outdated' && s.kind !== 'lost') return null;
    return new DecantError(
      `storage: ${storageStatusText(s)} Until then this page can neither read nor save.`,
    );
  }

  /** Closes the connection (tests, and a page that is going away). */
  close(): void {
    this.#raw?.close();
    if (this.#status.kind === 'open') this.#set({ kind: 'lost' });
  }

  #set(status: StorageStatus): void {
    // Once outdated or lost, the page stays so: only a reload brings a working connection.
    if (this.#status.kind === 'outdated' || this.#status.kind === 'lost') return;
    this.#status = status;
    for (const listener of this.#listeners) listener(status);
  }
}

/**
 * Opens a connection to the database (default: the page's `decant`, through the global
 * `indexedDB`). The page opens exactly one, in src/app/boot.ts; tests pass a fresh fake factory.
 */
export function connectStorage(
  options: { name?: string; factory?: IDBFactory } = {},
): StorageConnection {
  return new StorageConnection(options.name ?? DATABASE_NAME, options.factory ?? indexedDB);
}

/**
 * The database of a connection of its own, for tests and tools; `onVersionChange` is told when
 * another tab opens a newer version (this connection has closed by then).
 */
export function openCatalogDb(
  name: string = DATABASE_NAME,
  factory: IDBFactory = indexedDB,
  onVersionChange?: () => void,
): Promise<CatalogDb> {
  const connection = connectStorage({ name, factory });
  if (onVersionChange)
    connection.onStatus((s) => {
      if (s.kind === 'outdated') onVersionChange();
    });
  return connection.db;
}

/**
 * The database with every call but `close` and event listeners refused (thrown by
 * `transaction`, as IndexedDB does; rejected by idb's promise shortcuts) while `refusal` says so.
 */
function guarded(db: CatalogDb, refusal: () => DecantError | null): CatalogDb {
  return new Proxy(db, {
    get(target, prop) {
      // idb's own proxy resolves methods against its target: `this` must stay `target`.
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (ALWAYS_CALLABLE.has(prop)) return method.bind(target);
      return (...args: unknown[]) => {
        const refused = refusal();
        if (refused === null) return method.apply(target, args);
        if (prop === 'transaction') throw refused;
        return Promise.reject(refused);
      };
    },
  });
}

/**
 * Runs `open` with `factory` as the global `indexedDB`: idb's `openDB` opens through the global,
 * synchronously, so tests (and a future worker) can hand over their own factory this way.
 */
function openThrough<T>(factory: IDBFactory, open: () => T): T {
  const global = globalThis as { indexedDB?: IDBFactory };
  if (global.indexedDB === factory) return open();
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
  Object.defineProperty(globalThis, 'indexedDB', { value: factory, configurable: true });
  try {
    return open();
  } finally {
    if (previous) Object.defineProperty(globalThis, 'indexedDB', previous);
    else delete global.indexedDB;
  }
}

/** Why the database did not open, in words a user can act on. */
async function openError(err: unknown, name: string, factory: IDBFactory): Promise<DecantError> {
  const why =
    err instanceof Error || err instanceof DOMException
      ? `${err.name}: ${err.message}`
      : String(err);
  // The message keeps the browser's words for the details, then says what to do.
  const base = `catalog: cannot open the catalog's storage (${why})`;
  if (err instanceof DOMException && err.name === 'VersionError') {
    const stored = await storedVersion(name, factory);
    return new DecantError(
      `${base}: it was saved by a newer Decant (storage version ${stored ?? 'newer'}; this page ` +
        `knows version ${CATALOG_DB_VERSION}). This page is an older copy of Decant: reload it ` +
        '(or clear the cached site) to get the current one. Your catalog is unchanged.',
      { cause: err },
    );
  }
  // E.g. storage disabled (some private modes) or a failed migration.
  return new DecantError(base, { cause: err });
}

/** The version the stored database is at, or undefined when it cannot be read. */
function storedVersion(name: string, factory: IDBFactory): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = factory.open(name);
    request.onsuccess = () => {
      const version = request.result.version;
      request.result.close();
      resolve(version);
    };
    request.onerror = () => resolve(undefined);
    request.onblocked = () => resolve(undefined);
  });
}
