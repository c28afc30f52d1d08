import { quotedName } from '../../core/quoted-name';
import { ident } from '../../core/sql/sql-template';
import { viewBodySql } from '../../core/sql/table-view';
import { sameName } from '../columns';
import type { SourceTable } from '../context';
import { filterSql } from '../filter-sql';
import { selectPartitions } from '../partitions';
import type { CatalogSourceNode } from '../model';
import type { BuildEnv, Built, NodeModule, SourceReads } from './node-module';

/** The context's entry for `database.table` (names as typed: the catalog is case-sensitive). */
export function sourceTable(
  env: BuildEnv,
  database: string,
  name: string,
): SourceTable | undefined {
  return env.ctx.tables?.find((t) => t.database === database && t.name === name);
}

/** `"db"."table"`, or `"memory"."db"."table"` when the context names the main catalog. */
export function tableRef(env: BuildEnv, database: string, name: string): string {
  const parts = env.ctx.mainCatalog === undefined ? [] : [env.ctx.mainCatalog];
  return ident(...parts, database, name).text;
}

/**
 * A catalog table: its data columns, then its partition keys. With a partition predicate, or
 * with files a bookmark says were processed, and the table's `scan` in the context, only the
 * needed files are read (a `read_csv` of just those, as the table's view reads all); the
 * predicate is applied to the rows too, so the result is DuckDB's answer either way.
 */
export const catalogSource: NodeModule<'catalog-source'> = {
  kind: 'catalog-source',
  title: 'Data Catalog table',
  category: 'source',
  inputs: { min: 0, max: 0 },
  defaults: () => ({ database: '', table: '' }),
  build(node, _inputs, env) {
    const { database, table } = node.options;
    if (database === '' || table === '') {
      env.issue('choose a database and a table');
      return { sql: '', columns: null };
    }
    const t = sourceTable(env, database, table);
    if (!t) {
      env.issue(`table ${quotedName(database)}.${quotedName(table)} is not in the catalog`);
      return { sql: '', columns: null };
    }
    const columns = [...t.columns, ...t.partitionKeys].map((c) => ({ name: c.name, type: c.type }));
    const predicate = node.options.partitionPredicate;
    let where: string | null = null;
    if (predicate) {
      where = filterSql(predicate, {
        columns: t.partitionKeys.map((k) => ({ name: k.name, type: k.type })),
        where: keysPhrase(t),
        params: env.params,
        issue: env.issue,
      });
    }
    const processed = env.ctx.processedFiles?.get(node.id);
    const reads = readsOf(node, t, env, processed);
    let from: string;
    if (t.subset) from = t.subset.ref;
    else if (reads.pruned) from = `(${scanSql(t, reads.files!)})`;
    else {
      if (processed && processed.length > 0)
        env.issue(
          `cannot skip the files earlier runs processed: the engine's file names for ` +
            `${quotedName(database)}.${quotedName(table)} were not given`,
        );
      from = tableRef(env, database, table);
    }
    const sql = `SELECT * FROM ${from}${where ? ` WHERE ${where}` : ''}`;
    return { sql, columns, reads } satisfies Built;
  },
};

function keysPhrase(t: SourceTable): string {
  if (t.partitionKeys.length === 0) return 'the partition keys (the table has none)';
  return `the partition keys (${t.partitionKeys.map((k) => quotedName(k.name)).join(', ')})`;
}

/** The partitions and files this source reads. */
function readsOf(
  node: CatalogSourceNode,
  t: SourceTable,
  env: BuildEnv,
  processed: readonly string[] | undefined,
): SourceReads {
  const partitioned = t.partitionKeys.length > 0;
  const chosen = partitioned
    ? selectPartitions(t.partitions, t.partitionKeys, node.options.partitionPredicate, env.params)
    : null;
  const base = {
    nodeId: node.id,
    table: { database: t.database, name: t.name },
    partitions: chosen?.map((p) => p.location) ?? null,
  };
  if (t.subset) {
    // The bookmark's files were left out when the subset was loaded; the predicate still picks.
    const wanted = chosen ? new Set(chosen.flatMap((p) => p.files)) : null;
    const files = t.subset.files.filter((p) => wanted === null || wanted.has(p));
    const all = t.partitions.reduce((n, p) => n + p.files.length, 0);
    return { ...base, files, pruned: files.length < Math.max(all, t.subset.files.length) };
  }
  if (!t.scan) return { ...base, files: null, pruned: false };
  const done = new Set(processed ?? []);
  const wanted = chosen ? new Set(chosen.flatMap((p) => p.files)) : null;
  const files = t.scan.files
    .map((f) => f.path)
    .filter((p) => (wanted === null || wanted.has(p)) && !done.has(p));
  const pruned = files.length < t.scan.files.length;
  return { ...base, files, pruned };
}

/** The table's view body over just `paths` (catalog paths), each with its partition values. */
function scanSql(t: SourceTable, paths: readonly string[]): string {
  const valuesOf = new Map<string, string[]>();
  for (const p of t.partitions) for (const f of p.files) valuesOf.set(f, p.values);
  const registered = new Map(t.scan!.files.map((f) => [f.path, f.registered]));
  return viewBodySql({
    catalog: '',
    database: t.database,
    name: t.name,
    dialect: t.scan!.dialect,
    columns: t.columns,
    partitionKeys: t.partitionKeys,
    files: paths.map((p) => ({
      path: registered.get(p)!,
      partitionValues: t.partitionKeys.length > 0 ? (valuesOf.get(p) ?? []) : [],
    })),
  });
}

/** True when `name` is one of the table's partition keys. */
export function isPartitionKey(t: SourceTable, name: string): boolean {
  return t.partitionKeys.some((k) => sameName(k.name, name));
}
