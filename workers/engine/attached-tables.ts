import { DecantError } from '../../src/core/errors';
import { asciiLower } from '../../src/core/sql/table-view';
import type { AttachedFile, AttachedTable } from '../../src/engine/protocol';
import {
  attachTableView,
  checkAttachable,
  detachTableView,
  tableLabel,
  type TableViewInput,
} from './table-views';
import type { SqlSession } from './sql-session';

/** Registers a file with DuckDB under a name, and drops it. The worker's takes a File; tests, a path. */
export interface FileHost<F> {
  register(name: string, file: F): void;
  drop(name: string): void;
}

/** An AttachedTable whose files are whatever the host registers. */
export interface TableWithFiles<F> extends Omit<AttachedTable, 'files'> {
  files: (Omit<AttachedFile, 'file'> & { file: F })[];
}

interface Entry {
  /** What the view was built from: registered names for files, and the glob that reads them. */
  view: TableViewInput & { pattern: string };
  /** Registered names, in the table's file order. */
  files: string[];
}

/** Names (and globs) this class registers files under; nothing else in the engine uses them. */
const REGISTERED = /decant-\d+-(?:\d+|\*)\.csv(?:\.gz)?/g;

/**
 * The catalog tables the engine serves as views, and the files registered for them. Each
 * attach registers the table's files under fresh names, replaces the view, and only then drops
 * the names the previous view used; if anything fails, the new names are dropped and the old
 * view and files stay. Two tables whose names differ only in ASCII case are refused: DuckDB
 * would treat them as one.
 */
export class AttachedTables<F> {
  private tables = new Map<string, Entry>();
  private labels = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly s: SqlSession,
    private readonly host: FileHost<F>,
  ) {}

  /** Throws `catalog:` DecantErrors (see attachTableView); the previous state survives a failure. */
  attach(t: TableWithFiles<F>): void {
    const key = keyOf(t.database, t.name);
    for (const otherKey of this.tables.keys()) {
      if (otherKey !== key && asciiLower(otherKey) === asciiLower(key)) {
        const [database, name] = JSON.parse(otherKey) as [string, string];
        throw new DecantError(
          `catalog: cannot attach ${tableLabel(t.database, t.name)}: DuckDB ignores case in ` +
            `names, so it would replace ${tableLabel(database, name)}; rename one`,
        );
      }
    }
    checkAttachable({
      ...t,
      files: t.files.map(({ path, partitionValues }) => ({ path, partitionValues })),
    });
    // Names `decant-<attach>-<file>.csv`: one glob per attach reads them all (see TableViewSpec).
    const ext = t.dialect.compression === 'gzip' ? '.csv.gz' : '.csv';
    const prefix = `decant-${++this.seq}-`;
    const pattern = `${prefix}*${ext}`;
    const registered: string[] = [];
    this.labels.set(pattern, `${t.database}.${t.name}`);
    let view: Entry['view'];
    try {
      const files = t.files.map((f, i) => {
        const path = `${prefix}${String(i).padStart(6, '0')}${ext}`;
        this.host.register(path, f.file);
        registered.push(path);
        this.labels.set(path, `${t.database}.${t.name}/${f.path}`);
        return {
          path,
          partitionValues: f.partitionValues,
          ...(f.columns ? { columns: f.columns } : {}),
        };
      });
      const { files: _, ...rest } = t;
      view = { ...rest, files, pattern };
      attachTableView(this.s, view, this.relabel);
    } catch (e) {
      this.release(pattern, registered);
      throw e;
    }
    const previous = this.tables.get(key);
    this.tables.set(key, { view, files: registered });
    if (previous) this.release(previous.view.pattern, previous.files);
  }

  /** Drops the view and its files; nothing happens for a table that is not attached. */
  detach(database: string, name: string): void {
    const key = keyOf(database, name);
    const entry = this.tables.get(key);
    if (!entry) return;
    detachTableView(this.s, database, name);
    this.tables.delete(key);
    this.release(entry.view.pattern, entry.files);
  }

  /** What an attached table's view reads; throws a `catalog:` DecantError when it is not attached. */
  table(database: string, name: string): TableViewInput {
    const view = this.tables.get(keyOf(database, name))?.view;
    if (!view)
      throw new DecantError(
        `catalog: no table ${tableLabel(database, name)} in the engine (attach it first)`,
      );
    return view;
  }

  /** Registered names of an attached table's files, in order (for tests and diagnostics). */
  registeredFiles(database: string, name: string): string[] {
    return [...(this.tables.get(keyOf(database, name))?.files ?? [])];
  }

  /** Replaces registered file names in a message with `database.table/relative/path`. */
  readonly relabel = (text: string): string =>
    text.replace(REGISTERED, (m) => this.labels.get(m) ?? m);

  private release(pattern: string, files: readonly string[]): void {
    this.labels.delete(pattern);
    for (const name of files) {
      try {
        this.host.drop(name);
      } catch {
        // Already gone; nothing holds it.
      }
      this.labels.delete(name);
    }
  }
}

/** JSON of the pair: unambiguous for any names; asciiLower of it is DuckDB's identity. */
function keyOf(database: string, name: string): string {
  return JSON.stringify([database, name]);
}
