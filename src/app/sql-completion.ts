/**
 * What the SQL editor knows of the catalog: its databases, tables and columns as completions
 * that insert each name as DuckDB reads it (readableIdent: `sales`, `"default"`, `"Sales"`,
 * `"my table"`). Types only from CodeMirror, so the page loads the editor only when it is shown.
 */
import type { Completion } from '@codemirror/autocomplete';
import type { SQLNamespace } from '@codemirror/lang-sql';
import { readableIdent } from '../core/sql/readable-ident';

export interface CompletableTable {
  database: string;
  name: string;
  columns: readonly { name: string; type: string }[];
  partitionKeys: readonly { name: string; type: string }[];
}

function named(name: string, type: string, detail?: string): Completion {
  const apply = readableIdent(name);
  return apply === name ? { label: name, type, detail } : { label: name, apply, type, detail };
}

/** lang-sql reads a `.` in a key as a path step; a name's own dots are escaped. */
const pathKey = (name: string) => name.replaceAll('.', '\\.');

/**
 * The catalog as lang-sql's schema: database → table → columns (partition keys included, as the
 * view has them). Each completion is labelled with the name and inserts it quoted where needed.
 */
export function completionSchema(tables: readonly CompletableTable[]): SQLNamespace {
  const dbs: Record<string, { self: Completion; children: Record<string, SQLNamespace> }> = {};
  for (const t of tables) {
    const db = (dbs[pathKey(t.database)] ??= {
      self: named(t.database, 'namespace', 'database'),
      children: {},
    });
    db.children[pathKey(t.name)] = {
      self: named(t.name, 'type', `table in ${t.database}`),
      children: [...t.columns, ...t.partitionKeys].map((c) => named(c.name, 'property', c.type)),
    };
  }
  return dbs;
}
