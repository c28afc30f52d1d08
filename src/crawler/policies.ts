/**
 * Glue's crawler policies, applied to a plan before anything is written: the schema change
 * policy (update the catalog, or only log), the delete behaviour for tables whose files are gone
 * (log, delete, deprecate) and the recrawl policy (everything, or new folders only). Pure.
 */
import type { CatalogColumn, CatalogTable, SchemaChangePolicy } from '../catalog';
import { describeChanges, diffSchemas } from '../catalog';
import type { ClassifiedFile } from './crawl-file';
import type { CrawlPlan, TablePlan } from './crawl-plan';

/** The table parameter naming the crawler that made a table (Glue's UPDATED_BY_CRAWLER). */
export const CRAWLER_PARAMETER = 'UPDATED_BY_CRAWLER';

export interface CrawlDecisions {
  /** Tables to write: new ones, and existing ones the policy lets the crawl change. */
  write: { plan: TablePlan; existing: boolean; changes: string }[];
  /** Existing tables whose schema changed, left as they are because the policy is LOG. */
  logged: { table: string; changes: string }[];
  /** This crawler's earlier tables with no file left, and what happens to them. */
  gone: { table: string; action: 'log' | 'delete' | 'deprecate' }[];
  /** Human lines for the run record and the plan view. */
  log: string[];
}

const cols = (c: readonly { name: string; type: string }[]): CatalogColumn[] =>
  c.map((x) => ({ name: x.name, type: x.type, comment: '' }));

/**
 * Decides, for each planned table, whether it is written, and for each of `owned` (tables this
 * crawler made earlier, in the target database) that the plan no longer has, what happens.
 * Comments are not compared: a user's comments are kept by the writer.
 */
export function applyPolicies(
  plan: CrawlPlan,
  existing: readonly CatalogTable[],
  owned: readonly CatalogTable[],
  policy: SchemaChangePolicy,
): CrawlDecisions {
  const byName = new Map(existing.map((t) => [t.name, t]));
  const out: CrawlDecisions = { write: [], logged: [], gone: [], log: [] };
  for (const t of plan.tables) {
    const current = byName.get(t.name);
    if (!current) {
      out.write.push({ plan: t, existing: false, changes: '' });
      continue;
    }
    const diff = [
      ...diffSchemas(stripComments(current.columns), cols(t.columns)),
      ...diffSchemas(stripComments(current.partitionKeys), cols(t.partitionKeys)),
    ];
    const changes = diff.length ? describeChanges(diff) : '';
    if (changes && policy.update === 'LOG') {
      out.logged.push({ table: t.name, changes });
      out.log.push(`${t.name}: schema change logged, not applied (policy LOG): ${changes}`);
      continue;
    }
    if (current.classification !== t.classification && policy.update === 'LOG') {
      out.logged.push({
        table: t.name,
        changes: `format ${current.classification} → ${t.classification}`,
      });
      continue;
    }
    out.write.push({ plan: t, existing: true, changes });
    if (changes) out.log.push(`${t.name}: schema updated: ${changes}`);
  }
  const planned = new Set(plan.tables.map((t) => t.name));
  for (const t of owned) {
    if (planned.has(t.name)) continue;
    const action =
      policy.delete === 'DELETE_FROM_DATABASE'
        ? 'delete'
        : policy.delete === 'DEPRECATE_IN_DATABASE'
          ? t.parameters.DEPRECATED_BY_CRAWLER !== undefined
            ? 'log'
            : 'deprecate'
          : 'log';
    out.gone.push({ table: t.name, action });
    out.log.push(
      `${t.name}: its files are gone; ` +
        (action === 'delete'
          ? 'table deleted'
          : action === 'deprecate'
            ? 'table marked deprecated'
            : 'logged only (policy LOG)'),
    );
  }
  return out;
}

function stripComments(c: readonly CatalogColumn[]): CatalogColumn[] {
  return c.map((x) => ({ ...x, comment: '' }));
}

/**
 * Recrawl policy CRAWL_NEW_FOLDERS_ONLY: files in a folder that already holds a file of one of
 * this crawler's tables are not read again. They are planned as before, from the catalog: each
 * known file gets its table's columns and format, so grouping still sees the whole dataset.
 */
export function splitNewFolders<T extends { path: string }>(
  inputs: readonly T[],
  owned: readonly CatalogTable[],
  formatKeyOf: (t: CatalogTable) => string,
): { read: T[]; known: ClassifiedFile[]; skippedFolders: number } {
  const knownFolders = new Set<string>();
  const tableOf = new Map<string, CatalogTable>();
  for (const t of owned)
    for (const s of t.sources) {
      knownFolders.add(folderOf(s.path));
      tableOf.set(s.path, t);
    }
  const read: T[] = [];
  const known: ClassifiedFile[] = [];
  const skipped = new Set<string>();
  for (const input of inputs) {
    const folder = folderOf(input.path);
    const t = tableOf.get(input.path);
    if (!knownFolders.has(folder)) read.push(input);
    else if (t) {
      skipped.add(folder);
      const src = t.sources.find((s) => s.path === input.path)!;
      known.push({
        path: input.path,
        size: src.size,
        lastModified: src.lastModified,
        classification: t.classification,
        columns: src.columns
          ? src.columns.map((name) => ({
              name,
              type: t.columns.find((c) => c.name === name)?.type ?? 'VARCHAR',
            }))
          : t.columns.map((c) => ({ name: c.name, type: c.type })),
        formatKey: formatKeyOf(t),
      });
    } else {
      // A new file in a known folder: Glue's "new folders only" does not read it either.
      skipped.add(folder);
    }
  }
  return { read, known, skippedFolders: skipped.size };
}

function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
