/**
 * An in-memory index of catalog names (databases, tables, columns) for search-as-you-type.
 * Built once from the stored tables and then kept current by the writer, so a keystroke scans a
 * flat array in memory instead of reading IndexedDB.
 */
import type { CatalogTable } from './model';

export type CatalogSearchHit =
  | { kind: 'database'; database: string }
  | { kind: 'table'; database: string; table: string }
  | { kind: 'column'; database: string; table: string; column: string };

interface Entry {
  hit: CatalogSearchHit;
  /** The searched name, lower-cased once at insert time. */
  key: string;
  /** Tie-break order within a rank: databases, then tables, then columns. */
  kindOrder: number;
}

const KIND_ORDER = { database: 0, table: 1, column: 2 } as const;

/** exact > prefix > substring; -1 means no match. */
function matchRank(key: string, query: string): number {
  if (key === query) return 0;
  if (key.startsWith(query)) return 1;
  return key.includes(query) ? 2 : -1;
}

function compareEntries(a: Entry, b: Entry): number {
  return (
    a.kindOrder - b.kindOrder ||
    compareStrings(a.key, b.key) ||
    compareStrings(a.hit.database, b.hit.database) ||
    compareStrings(tableOf(a.hit), tableOf(b.hit))
  );
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const tableOf = (hit: CatalogSearchHit) => (hit.kind === 'database' ? '' : hit.table);

/**
 * Entries are kept sorted (kind, name), so a scan meets each rank's best hits first and can
 * stop filling a rank at `limit` without sorting matches per query.
 */
export class CatalogIndex {
  #entries: Entry[] = [];

  /** An index of the given databases and tables (databases of the tables are added too). */
  static fromCatalog(databases: readonly string[], tables: readonly CatalogTable[]): CatalogIndex {
    const index = new CatalogIndex();
    const names = new Set([...databases, ...tables.map((t) => t.database)]);
    for (const name of names) index.#entries.push(entryOf({ kind: 'database', database: name }));
    for (const t of tables) index.#entries.push(...entriesOfTable(t));
    index.#entries.sort(compareEntries);
    return index;
  }

  get size(): number {
    return this.#entries.length;
  }

  /**
   * Case-insensitive substring search over all names, best first: exact, then prefix, then
   * substring matches; within each, databases before tables before columns, then by name.
   * An empty or blank query finds nothing.
   */
  search(query: string, limit = 50): CatalogSearchHit[] {
    const q = query.trim().toLowerCase();
    if (q === '' || limit <= 0) return [];
    const byRank: CatalogSearchHit[][] = [[], [], []];
    for (const e of this.#entries) {
      const rank = matchRank(e.key, q);
      if (rank >= 0 && byRank[rank]!.length < limit) byRank[rank]!.push(e.hit);
    }
    return byRank.flat().slice(0, limit);
  }

  /** Adds a database name (idempotent). */
  putDatabase(name: string): void {
    if (!this.#entries.some((e) => e.hit.kind === 'database' && e.hit.database === name))
      this.#insert([entryOf({ kind: 'database', database: name })]);
  }

  /** Drops a database and everything indexed under it. */
  removeDatabase(name: string): void {
    this.#entries = this.#entries.filter((e) => e.hit.database !== name);
  }

  /** Indexes `t` under its name, replacing what was indexed for it (idempotent). */
  putTable(t: CatalogTable): void {
    this.removeTable(t.database, t.name);
    this.putDatabase(t.database);
    this.#insert(entriesOfTable(t));
  }

  removeTable(database: string, table: string): void {
    this.#entries = this.#entries.filter(
      (e) => e.hit.kind === 'database' || e.hit.database !== database || e.hit.table !== table,
    );
  }

  #insert(entries: Entry[]): void {
    // One merge keeps inserts O(n) however many columns a table has.
    this.#entries = mergeSorted(this.#entries, entries.sort(compareEntries));
  }
}

function entryOf(hit: CatalogSearchHit): Entry {
  const name =
    hit.kind === 'database' ? hit.database : hit.kind === 'table' ? hit.table : hit.column;
  return { hit, key: name.toLowerCase(), kindOrder: KIND_ORDER[hit.kind] };
}

function entriesOfTable(t: CatalogTable): Entry[] {
  const { database, name: table } = t;
  return [
    entryOf({ kind: 'table', database, table }),
    ...[...t.columns, ...t.partitionKeys].map((c) =>
      entryOf({ kind: 'column', database, table, column: c.name }),
    ),
  ];
}

function mergeSorted(a: Entry[], b: Entry[]): Entry[] {
  const out: Entry[] = new Array<Entry>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length)
    out[k++] = compareEntries(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
