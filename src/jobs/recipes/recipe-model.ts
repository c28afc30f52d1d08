/**
 * A recipe: a job as a versioned JSON file anyone can open in Decant — the job itself (its
 * nodes, edges and parameters, as saved) and, per source node, what it read and the columns it
 * expects, so the person who opens it can bind each source to a table or file of their own.
 */
import { DecantError } from '../../core/errors';
import { quotedName } from '../../core/quoted-name';
import { nodeLabel } from '../analyze';
import { jobWithoutSecrets } from '../nodes/detect-sensitive-data';
import type { Job, JobNode, NodeId, SourceNode } from '../model';

export const RECIPE_FORMAT = 'decant-recipe';
/** Bumped when the file changes shape; `migrateRecipe` reads every older version. */
export const RECIPE_VERSION = 1;

/** A column a source's rows are expected to have (DuckDB type text, e.g. `BIGINT`). */
export interface RecipeColumn {
  name: string;
  type: string;
}

/** What a source node read where the recipe was made. */
export type RecipeRead =
  { kind: 'table'; database: string; table: string } | { kind: 'file'; name: string };

export interface RecipeSource {
  /** The source node's id in `job`. */
  id: NodeId;
  read: RecipeRead;
  /** Its output columns in order, partition keys included. */
  columns: RecipeColumn[];
}

export interface Recipe {
  format: typeof RECIPE_FORMAT;
  version: typeof RECIPE_VERSION;
  job: Job;
  sources: RecipeSource[];
}

export const isSourceNode = (n: JobNode): n is SourceNode =>
  n.kind === 'catalog-source' || n.kind === 'file-source';

/** `lake.sales` or `sales.csv`: how the UI names what a source read. */
export function readText(read: RecipeRead): string {
  return read.kind === 'table' ? `${read.database}.${read.table}` : read.name;
}

/**
 * The recipe of `job`. `columnsOf` gives a source node's columns (a catalog table's columns and
 * partition keys, a dropped file's columns), or null when they are not known. Throws a `recipe:`
 * DecantError naming the first source whose columns are not known (its table is not in the
 * catalog, or no file was dropped on it).
 */
export function recipeFromJob(
  job: Job,
  columnsOf: (node: SourceNode) => readonly RecipeColumn[] | null,
): Recipe {
  const sources: RecipeSource[] = [];
  for (const n of job.nodes) {
    if (!isSourceNode(n)) continue;
    const columns = columnsOf(n);
    if (!columns || columns.length === 0)
      throw new DecantError(
        `recipe: the columns ${nodeLabel(n)} reads are not known (${
          n.kind === 'catalog-source'
            ? `table ${quotedName(`${n.options.database}.${n.options.table}`)} is not in the catalog`
            : 'no file was dropped on it'
        }), so the recipe could not say what to bind it to`,
      );
    sources.push({
      id: n.id,
      read:
        n.kind === 'catalog-source'
          ? { kind: 'table', database: n.options.database, table: n.options.table }
          : { kind: 'file', name: n.name },
      columns: columns.map((c) => ({ name: c.name, type: c.type })),
    });
  }
  return {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    job: structuredClone(jobWithoutSecrets(job)),
    sources,
  };
}

/** `daily sales.decant-recipe.json`: the file a recipe downloads as (no path separators). */
export function recipeFileName(jobName: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are not file name material
  const safe = jobName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim() || 'job';
  return `${safe}.decant-recipe.json`;
}
