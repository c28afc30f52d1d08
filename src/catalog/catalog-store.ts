/**
 * The Data Catalog's reads and writes over the IndexedDB of db.ts. Every write is one readwrite
 * transaction: it commits whole or aborts whole (nothing changed), and only after the commit
 * are the search index and `onChange` told. Errors are DecantErrors starting `catalog: `.
 * About 400 lines: every catalog write, each one transaction, in one place.
 */
import { quotedName } from '../core/quoted-name';
import { catalogError, tableExists, tableLabel, tableMissing } from './catalog-errors';
import { checkDatabaseClash, checkDatabaseNameFree, checkTableClash } from './name-rules';
import * as databaseWrites from './database-writes';
import type { CatalogDb, CatalogStoreName } from '../storage/schema';
import type { ImportPlan } from './glue-import';
import { applyImportPlan, type ImportResult } from './import-apply';
import { LiveCatalogIndex } from './live-index';
import type {
  CatalogColumn,
  CatalogDatabase,
  CatalogPartition,
  CatalogTable,
  Crawler,
  CrawlerRun,
  CsvClassifier,
  TableStatistics,
  TableVersion,
} from './model';
import type { CatalogSearchHit } from './search-index';
import { tableWithColumnEdit } from './table-edits';
import { commitTables, type CommitEntry, type GoneTables } from './commit-tables';
import { TABLE_STORES, type WriteTx } from './table-records';
import * as tableWrites from './table-writes';
import type { TableDraft } from './table-writes';
import { restoreTrash, type CatalogTrash } from './trash';
import { checkName, checkTable } from './validate';
import type { CatalogChange, WriteLog } from './write-log';
import { runWrite } from './write-runner';

export type { CatalogChange } from './write-log';
export type { CatalogTrash } from './trash';
export type { TableDraft } from './table-writes';
export type { ImportResult } from './import-apply';

const ALL_STORES = ['databases', ...TABLE_STORES] satisfies CatalogStoreName[];

export class CatalogStore {
  readonly #index = new LiveCatalogIndex({
    listDatabaseNames: () => this.db.getAllKeys('databases'),
    listAllTables: () => this.listAllTables(),
    getTable: (database, name) => this.getTable(database, name),
  });

  /** `onChange` hears each change after its transaction commits (never for a failed write). */
  constructor(
    readonly db: CatalogDb,
    private readonly onChange?: (change: CatalogChange) => void,
  ) {}

  // Databases

  /** All databases, by name. */
  listDatabases(): Promise<CatalogDatabase[]> {
    return this.db.getAll('databases');
  }

  /** Creates an empty database; throws if the name is taken. */
  async createDatabase(name: string, description = ''): Promise<CatalogDatabase> {
    checkName('database', name);
    return this.#write(`creating database ${quotedName(name)}`, ['databases'], (tx, log) =>
      databaseWrites.createDatabase(tx, log, name, description),
    );
  }

  /** Sets a database's description; throws if it does not exist. */
  describeDatabase(name: string, description: string): Promise<CatalogDatabase> {
    return this.#write(`describing database ${quotedName(name)}`, ['databases'], (tx, log) =>
      databaseWrites.describeDatabase(tx, log, name, description),
    );
  }

  /** Renames a database, moving its tables with their versions, partitions and statistics. */
  async renameDatabase(from: string, to: string): Promise<CatalogDatabase> {
    checkName('database', to);
    const action = `renaming database ${quotedName(from)} to ${quotedName(to)}`;
    return this.#write(action, ALL_STORES, (tx, log) =>
      databaseWrites.renameDatabase(tx, log, from, to),
    );
  }

  /** Deletes a database and all it holds; `restore(trash)` undoes it. */
  deleteDatabase(name: string): Promise<CatalogTrash> {
    return this.#write(`deleting database ${quotedName(name)}`, ALL_STORES, (tx, log) =>
      databaseWrites.deleteDatabase(tx, log, name),
    );
  }

  /** Undoes a delete, all or nothing; throws if a name it needs was taken meanwhile. */
  restore(trash: CatalogTrash): Promise<void> {
    const what =
      trash.kind === 'database'
        ? `database ${quotedName(trash.database.name)}`
        : `table ${tableLabel(trash.database, trash.table)}`;
    return this.#write(`restoring ${what}`, ALL_STORES, (tx, log) => restoreTrash(tx, trash, log));
  }

  // Tables

  /** The database's tables, by name. */
  listTables(database: string): Promise<CatalogTable[]> {
    return this.db.getAllFromIndex('tables', 'by-database', database);
  }

  /** Every table's [database, name], in that order: cheap (keys only, no columns read). */
  async listTableKeys(): Promise<{ database: string; name: string }[]> {
    const keys = await this.db.getAllKeys('tables');
    return keys.map(([database, name]) => ({ database, name }));
  }

  /** Every table of every database, by database then name. */
  listAllTables(): Promise<CatalogTable[]> {
    return this.db.getAll('tables');
  }

  getTable(database: string, name: string): Promise<CatalogTable | undefined> {
    return this.db.get('tables', [database, name]);
  }

  /**
   * Stores a new table as version 1; throws if the name is taken (or differs from a stored one
   * only in case) or its database is missing, unless `createDatabase`: then a missing database
   * is created in the same transaction, so a refused table leaves no empty database behind.
   */
  async createTable(
    draft: TableDraft,
    options: { createDatabase?: boolean } = {},
  ): Promise<CatalogTable> {
    checkTable(draft);
    const action = `creating table ${tableLabel(draft.database, draft.name)}`;
    return this.#write(action, ['databases', 'tables'], async (tx, log) => {
      if (options.createDatabase && !(await tx.objectStore('databases').get(draft.database)))
        await databaseWrites.createDatabase(tx, log, draft.database, '');
      return tableWrites.createTable(tx, log, draft);
    });
  }

  /**
   * Throws the error `createTable(draft, { createDatabase: true })` would throw for its names
   * (invalid, reserved, taken, or differing only in case), writing nothing: lets a caller refuse
   * before it copies a file for the table.
   */
  async checkNewTable(draft: TableDraft): Promise<void> {
    checkTable(draft);
    const action = `checking table ${tableLabel(draft.database, draft.name)}`;
    await runWrite(this.db, action, ['databases', 'tables'], async (tx) => {
      if (!(await tx.objectStore('databases').get(draft.database))) {
        checkDatabaseNameFree(draft.database);
        await checkDatabaseClash(tx, draft.database);
        return;
      }
      if (await tx.objectStore('tables').get([draft.database, draft.name]))
        throw tableExists(draft.database, draft.name);
      await checkTableClash(tx, draft.database, draft.name);
    });
  }

  /**
   * Saves an edited table. If its columns or partition keys changed (order included), or a
   * `reason` is given, the stored table is archived as a version (with that reason, else the
   * schema diff) and `next` becomes the next version; other edits (description, parameters,
   * sources) update it in place. `next.version` must be the stored version: an edit of a stale
   * read is refused rather than overwriting someone else's change.
   */
  async putTable(next: CatalogTable, reason?: string): Promise<CatalogTable> {
    checkTable(next);
    const action = `saving table ${tableLabel(next.database, next.name)}`;
    return this.#write(action, ['tables', 'tableVersions'], (tx, log) =>
      tableWrites.putTable(tx, log, next, reason),
    );
  }

  /** Renames a table, moving its versions, partitions and statistics with it. */
  async renameTable(database: string, from: string, to: string): Promise<CatalogTable> {
    checkName('table', to);
    const action = `renaming table ${tableLabel(database, from)} to ${quotedName(to)}`;
    return this.#write(action, TABLE_STORES, (tx, log) =>
      tableWrites.renameTable(tx, log, database, from, to),
    );
  }

  /** Deletes a table with its versions, partitions and statistics; `restore(trash)` undoes it. */
  deleteTable(database: string, name: string): Promise<CatalogTrash> {
    const action = `deleting table ${tableLabel(database, name)}`;
    return this.#write(action, TABLE_STORES, (tx, log) =>
      tableWrites.deleteTable(tx, log, database, name),
    );
  }

  /** The table's archived versions, newest first (the current table is not among them). */
  async listVersions(database: string, table: string): Promise<TableVersion[]> {
    const versions = await this.db.getAllFromIndex('tableVersions', 'by-table', [database, table]);
    return versions.reverse();
  }

  /**
   * Makes an archived version current again, under a new version number. The current table is
   * archived first, so restoring never loses anything and can itself be undone.
   */
  restoreVersion(database: string, table: string, version: number): Promise<CatalogTable> {
    const action = `restoring version ${version} of table ${tableLabel(database, table)}`;
    return this.#write(action, ['tables', 'tableVersions'], (tx, log) =>
      tableWrites.restoreVersion(tx, log, database, table, version),
    );
  }

  /**
   * Renames, retypes or re-comments one column (or partition key) via `putTable`, so the old
   * schema is archived. Throws if the column is missing or the new name is taken.
   */
  async updateColumn(
    database: string,
    table: string,
    columnName: string,
    patch: Partial<CatalogColumn>,
  ): Promise<CatalogTable> {
    const current = await this.getTable(database, table);
    if (!current) throw tableMissing(database, table);
    const edited = tableWithColumnEdit(current, columnName, patch);
    if (!edited)
      throw catalogError(
        `table ${tableLabel(database, table)} has no column ${quotedName(columnName)}`,
      );
    return this.putTable(edited.next, edited.reason);
  }

  /**
   * A crawler's commit: in ONE transaction, creates the database if missing, then creates each
   * table or updates it (archiving the previous version when its schema changed; the version's
   * reason is the schema diff), and replaces its partitions. Any failure leaves the catalog
   * exactly as it was.
   */
  async commitTables(
    database: string,
    entries: readonly CommitEntry[],
    gone: GoneTables = {},
  ): Promise<CatalogTable[]> {
    checkName('database', database);
    for (const e of entries) checkTable(e.draft);
    const action = `saving ${entries.length} table(s) in database ${quotedName(database)}`;
    return this.#write(
      action,
      ['databases', 'tables', 'tableVersions', 'partitions', 'statistics'],
      (tx, log) => commitTables(tx, log, database, entries, gone),
    );
  }

  /** Keeps the record of a crawler run (its outcome, tables touched, files skipped). */
  async recordCrawlerRun(run: CrawlerRun): Promise<void> {
    await this.#write(`recording crawler run ${run.id}`, ['crawlerRuns'], async (tx) => {
      await tx.objectStore('crawlerRuns').put({ ...run, skipped: run.skipped.slice(0, 1000) });
    });
  }

  /** The latest crawler runs, newest first. */
  async listCrawlerRuns(limit = 50): Promise<CrawlerRun[]> {
    const runs: CrawlerRun[] = [];
    let cursor = await this.db
      .transaction('crawlerRuns')
      .store.index('by-started')
      .openCursor(null, 'prev');
    while (cursor && runs.length < limit) {
      runs.push(cursor.value);
      cursor = await cursor.continue();
    }
    return runs;
  }

  // Saved crawlers and custom classifiers

  /** Saves a crawler by name (a new one, or a new state of an existing one). */
  async putCrawler(crawler: Crawler): Promise<Crawler> {
    checkName('crawler', crawler.name);
    return this.#write(`saving crawler ${quotedName(crawler.name)}`, ['crawlers'], async (tx) => {
      const current = await tx.objectStore('crawlers').get(crawler.name);
      const saved = { ...crawler, createdAt: current?.createdAt ?? crawler.createdAt };
      await tx.objectStore('crawlers').put(saved);
      return saved;
    });
  }

  getCrawler(name: string): Promise<Crawler | undefined> {
    return this.db.get('crawlers', name);
  }

  listCrawlers(): Promise<Crawler[]> {
    return this.db.getAll('crawlers');
  }

  async deleteCrawler(name: string): Promise<void> {
    await this.#write(`deleting crawler ${quotedName(name)}`, ['crawlers'], async (tx) => {
      await tx.objectStore('crawlers').delete(name);
    });
  }

  /** Saves a custom CSV classifier by name. */
  async putClassifier(classifier: CsvClassifier): Promise<CsvClassifier> {
    checkName('classifier', classifier.name);
    const action = `saving classifier ${quotedName(classifier.name)}`;
    return this.#write(action, ['classifiers'], async (tx) => {
      const current = await tx.objectStore('classifiers').get(classifier.name);
      const saved = { ...classifier, createdAt: current?.createdAt ?? classifier.createdAt };
      await tx.objectStore('classifiers').put(saved);
      return saved;
    });
  }

  listClassifiers(): Promise<CsvClassifier[]> {
    return this.db.getAll('classifiers');
  }

  async deleteClassifier(name: string): Promise<void> {
    await this.#write(`deleting classifier ${quotedName(name)}`, ['classifiers'], async (tx) => {
      await tx.objectStore('classifiers').delete(name);
    });
  }

  // Partitions and statistics

  /** Replaces all of the table's partitions (each with one value per partition key). */
  putPartitions(
    database: string,
    table: string,
    partitions: readonly CatalogPartition[],
  ): Promise<CatalogPartition[]> {
    const action = `saving partitions of table ${tableLabel(database, table)}`;
    return this.#write(action, ['tables', 'partitions'], (tx, log) =>
      tableWrites.putPartitions(tx, log, database, table, partitions),
    );
  }

  /** The table's partitions, by location. */
  listPartitions(database: string, table: string): Promise<CatalogPartition[]> {
    return this.db.getAllFromIndex('partitions', 'by-table', [database, table]);
  }

  /** Stores statistics for the table version they describe (the current or an archived one). */
  putStatistics(stats: TableStatistics): Promise<TableStatistics> {
    const action = `saving statistics of table ${tableLabel(stats.database, stats.table)}`;
    return this.#write(action, ['tables', 'tableVersions', 'statistics'], (tx, log) =>
      tableWrites.putStatistics(tx, log, stats),
    );
  }

  getStatistics(
    database: string,
    table: string,
    version: number,
  ): Promise<TableStatistics | undefined> {
    return this.db.get('statistics', [database, table, version]);
  }

  // Search

  /**
   * Databases, tables and columns (partition keys included) whose names contain `query`,
   * case-insensitively; exact matches first, then prefixes, then the rest. Answers from an
   * in-memory index, read from IndexedDB once on the first search.
   */
  async search(query: string, limit = 50): Promise<CatalogSearchHit[]> {
    return (await this.#index.get()).search(query, limit);
  }

  /** Updates the search index for a change another tab made; this store's own writes need not. */
  noteChangeElsewhere(change: CatalogChange): void {
    this.#index.noteChangeElsewhere(change);
  }

  // Import

  /**
   * Writes an import plan (see planImport) in one transaction, overwriting only the conflicts
   * whose keys are in `overwrite`. Throws, writing nothing, if the catalog changed so the plan
   * no longer holds.
   */
  applyImport(plan: ImportPlan, choices: { overwrite: string[] }): Promise<ImportResult> {
    return this.#write('importing into the catalog', ALL_STORES, (tx, log) =>
      applyImportPlan(tx, plan, choices.overwrite, log, Date.now()),
    );
  }

  async #write<T>(
    action: string,
    stores: readonly CatalogStoreName[],
    body: (tx: WriteTx, log: WriteLog) => Promise<T>,
  ): Promise<T> {
    const { result, log } = await runWrite(this.db, action, stores, body);
    this.#index.apply(log.indexUpdates);
    for (const change of log.changes) {
      try {
        this.onChange?.(change);
      } catch (err) {
        // The write has committed; a listener's failure must not make it look failed.
        console.error('catalog: an onChange listener threw', err);
      }
    }
    return result;
  }
}
