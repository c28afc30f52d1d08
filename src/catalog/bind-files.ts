/**
 * Binding a table that holds only a definition (an imported Glue TableInput) to files: each
 * file's columns are checked against the definition first — a column missing from a file, or of
 * another type, is named — and only then is the table rewritten to read the files, with its
 * partitions taken from `key=value` folder names.
 */
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import type { CatalogPartition, CatalogTable, TableSource } from './model';
import type { TableDraft } from './table-writes';

/** One file to bind, with the columns its classifier found. */
export interface BindCandidate {
  /** Path from the picked folder, or the URL's path: partition folders are read from it. */
  path: string;
  columns: readonly { name: string; type: string }[];
  source: TableSource;
}

const norm = (t: string) => t.replace(/\s+/g, ' ').trim().toUpperCase();

/** Integer types DuckDB widens to each other without loss when reading (`INTEGER` ⊂ `BIGINT`). */
const INTEGERS = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT'];

/** Whether a file column of type `file` reads as the definition's `table` type without loss. */
function fits(file: string, table: string): boolean {
  const f = norm(file);
  const t = norm(table);
  if (f === t) return true;
  const fi = INTEGERS.indexOf(f);
  const ti = INTEGERS.indexOf(t);
  if (fi >= 0 && ti >= 0) return fi <= ti;
  return (t === 'DOUBLE' && (fi >= 0 || f === 'FLOAT')) || (t === 'VARCHAR' && f === 'VARCHAR');
}

/**
 * What stops `files` from being bound to `table`, one sentence each (empty: they fit): a column
 * of the definition missing from a file, a column of another type, a file outside the
 * partition folders the table's keys need.
 */
export function bindIssues(table: CatalogTable, files: readonly BindCandidate[]): string[] {
  const issues: string[] = [];
  if (files.length === 0) return ['no files were given'];
  for (const f of files) {
    const byName = new Map(f.columns.map((c) => [c.name.toLowerCase(), c]));
    const missing = table.columns.filter((c) => !byName.has(c.name.toLowerCase()));
    if (missing.length)
      issues.push(
        `${quotedName(f.path)} has no column ${missing.map((c) => quotedName(c.name)).join(', ')}`,
      );
    for (const c of table.columns) {
      const got = byName.get(c.name.toLowerCase());
      if (got && !fits(got.type, c.type))
        issues.push(
          `${quotedName(f.path)}: column ${quotedName(c.name)} is ${got.type}, the table says ${c.type}`,
        );
    }
    for (const k of table.partitionKeys)
      if (partitionValue(f.path, k.name) === undefined)
        issues.push(`${quotedName(f.path)} is not in a ${quotedName(k.name)}=… folder`);
  }
  return issues;
}

function partitionValue(path: string, key: string): string | undefined {
  const seg = path
    .split('/')
    .slice(0, -1)
    .find((s) => s.toLowerCase().startsWith(`${key.toLowerCase()}=`));
  if (seg === undefined) return undefined;
  const raw = seg.slice(key.length + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The table rewritten to read `files`, with its partitions. Throws a `catalog:` DecantError with
 * every issue of `bindIssues` when they do not fit.
 */
export function boundTable(
  table: CatalogTable,
  files: readonly BindCandidate[],
): { draft: TableDraft; partitions: CatalogPartition[] } {
  const issues = bindIssues(table, files);
  if (issues.length)
    throw new DecantError(
      `catalog: cannot bind ${table.database}.${table.name}: ${issues.join('; ')}`,
      { domain: 'catalog' },
    );
  const partitions = new Map<string, CatalogPartition>();
  if (table.partitionKeys.length)
    for (const f of files) {
      const values = table.partitionKeys.map((k) => partitionValue(f.path, k.name)!);
      const location = f.path.split('/').slice(0, -1).join('/');
      const p = partitions.get(location) ?? {
        database: table.database,
        table: table.name,
        values,
        location,
        files: [],
        sizeBytes: 0,
      };
      p.files.push(f.source.path);
      p.sizeBytes += f.source.size;
      partitions.set(location, p);
    }
  const { version: _v, createdAt: _c, updatedAt: _u, ...rest } = table;
  return {
    draft: {
      ...rest,
      sources: files.map((f) => f.source),
      parameters: {
        ...table.parameters,
        sizeBytes: files.reduce((n, f) => n + f.source.size, 0),
        objectCount: files.length,
      },
      updatedBy: { kind: 'user' },
    },
    partitions: [...partitions.values()],
  };
}

/** How many of `tables` have no files: "13 tables, none with files: …", or '' when all have. */
export function definitionsOnlyWarning(tables: readonly CatalogTable[]): string {
  const empty = tables.filter((t) => t.sources.length === 0).length;
  if (empty === 0) return '';
  const what = `they hold no data until you bind them to files (Bind to files… on each table)`;
  if (empty === tables.length)
    return `${tables.length} table${tables.length === 1 ? '' : 's'}, none with files: ${what}.`;
  return `${empty} of ${tables.length} tables have no files: ${what}.`;
}
