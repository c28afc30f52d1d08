/**
 * Opening a recipe: its job as a new job under a name no job has, and each of its sources bound,
 * one by one, to a catalog table or a dropped file of the person who opened it. Until bound, a
 * source carries an issue on its node saying what to pick.
 */
import type { ColumnInfo, CsvDialect } from '../../core/csv/dialect';
import { quotedName } from '../../core/quoted-name';
import { nodeLabel } from '../analyze';
import type { JobIssue } from '../errors';
import type { Job, JobNode, NodeId } from '../model';
import { isSourceNode, type Recipe, type RecipeSource } from './recipe-model';

/** `name`, else `name (2)`, `name (3)`…: the first that `taken` says no job has. */
export function freeJobName(name: string, taken: (name: string) => boolean): string {
  const base = name.replace(/ \(\d+\)$/, '');
  if (!taken(name)) return name;
  for (let i = 2; ; i++) {
    const n = `${base} (${i})`;
    if (!taken(n)) return n;
  }
}

/** A source of an opened recipe, with its node as the recipe opened (what it read there). */
export interface PendingSource {
  source: RecipeSource;
  node: JobNode;
}

/** The recipe's job, renamed `name`, and its sources, all still to bind. */
export function jobFromRecipe(
  recipe: Recipe,
  name: string,
): { job: Job; pending: PendingSource[] } {
  const job: Job = { ...structuredClone(recipe.job), name };
  const pending = recipe.sources.flatMap((source) => {
    const node = job.nodes.find((n) => n.id === source.id);
    return node ? [{ source: structuredClone(source), node }] : [];
  });
  return { job, pending };
}

/** What a source node reads: its table, or the file registered for it. */
function readKey(n: JobNode): string | null {
  if (n.kind === 'catalog-source') return `table ${n.options.database}.${n.options.table}`;
  if (n.kind === 'file-source') return `file ${n.options.path}`;
  return null;
}

/**
 * The recipe's sources still to bind in `job`: those whose node reads what it read when the
 * recipe opened, unless `bound` says a binding made that node (bound to the same table as the
 * original is still bound). A source the user pointed elsewhere in its own panel is bound too;
 * a deleted one has nothing left to bind.
 */
export function unboundSources(
  job: Job,
  pending: readonly PendingSource[],
  bound: (node: JobNode) => boolean,
): RecipeSource[] {
  return pending
    .filter((p) => {
      const n = job.nodes.find((x) => x.id === p.source.id);
      return n !== undefined && !bound(n) && readKey(n) === readKey(p.node);
    })
    .map((p) => p.source);
}

/**
 * The nodes of `next` that stay bound after an edit from `prev`: a bound source edited without
 * changing what it reads (renamed, moved). Undo and redo need none: they bring back nodes
 * already known.
 */
export function carriedBindings(
  prev: Job,
  next: Job,
  pending: readonly PendingSource[],
  bound: (node: JobNode) => boolean,
): JobNode[] {
  const out: JobNode[] = [];
  for (const p of pending) {
    const before = prev.nodes.find((n) => n.id === p.source.id);
    const after = next.nodes.find((n) => n.id === p.source.id);
    if (before && after && after !== before && bound(before) && readKey(before) === readKey(after))
      out.push(after);
  }
  return out;
}

function replaceSource(job: Job, id: NodeId, make: (old: JobNode) => JobNode): Job {
  return {
    ...job,
    nodes: job.nodes.map((n) => (n.id === id && isSourceNode(n) ? make(n) : n)),
  };
}

/**
 * Source `id` reads catalog table `database.table` (a dropped-file source becomes a catalog
 * source; a catalog source keeps its partition predicate). Other nodes are untouched.
 */
export function bindSourceToTable(
  job: Job,
  id: NodeId,
  table: { database: string; table: string },
): Job {
  return replaceSource(job, id, (old) => ({
    id: old.id,
    name: old.name,
    ...(old.position ? { position: old.position } : {}),
    kind: 'catalog-source',
    options: {
      database: table.database,
      table: table.table,
      ...(old.kind === 'catalog-source' && old.options.partitionPredicate
        ? { partitionPredicate: old.options.partitionPredicate }
        : {}),
    },
  }));
}

/**
 * Source `id` reads a dropped CSV file registered with the engine as `file.path`, with the
 * dialect and columns found in it (a catalog source becomes a dropped-file source).
 */
export function bindSourceToFile(
  job: Job,
  id: NodeId,
  file: { name: string; path: string },
  found: { dialect: CsvDialect; columns: ColumnInfo[] },
): Job {
  return replaceSource(job, id, (old) => ({
    id: old.id,
    name: old.name,
    ...(old.position ? { position: old.position } : {}),
    kind: 'file-source',
    options: {
      path: file.path,
      dialect: found.dialect,
      columns: found.columns,
      ...(old.kind === 'file-source' && old.options.badRows
        ? { badRows: old.options.badRows }
        : {}),
    },
  }));
}

/** One issue per source still to bind: `Data Catalog table "sales": not bound: pick a table with columns id, sku`. */
export function unboundIssues(job: Job, unbound: readonly RecipeSource[]): JobIssue[] {
  const out: JobIssue[] = [];
  for (const s of unbound) {
    const node = job.nodes.find((n) => n.id === s.id);
    if (!node) continue;
    out.push({
      nodeId: s.id,
      message: `${nodeLabel(node)}: not bound: pick a table with columns ${s.columns
        .map((c) => c.name)
        .join(', ')}`,
    });
  }
  return out;
}

/** What a source read, for the binding dialog: `table "lake.sales"`, `file "sales.csv"`. */
export function sourceReadText(s: RecipeSource): string {
  return s.read.kind === 'table'
    ? `table ${quotedName(`${s.read.database}.${s.read.table}`)}`
    : `file ${quotedName(s.read.name)}`;
}
