/**
 * Recipes as the app uses them (the logic is src/jobs/recipes): the recipe of the job on the
 * canvas, with each source's columns from the catalog; its file and link; and a recipe opened —
 * from a file or a link — as a new, unsaved job in the editor, its sources still to bind.
 */
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import { downloadBlob } from '../platform/download';
import {
  freeJobName,
  jobFromRecipe,
  newJob,
  recipeFileName,
  recipeFromJob,
  recipeFromLinkData,
  recipeFromText,
  recipeLink,
  recipeText,
  type Job,
  type Recipe,
  type RecipeColumn,
  type RecipeSource,
  type SourceNode,
} from '../jobs';
import type { CatalogState } from './catalog.svelte';
import { JobEditor, type JobEditors } from './job-editor.svelte';
import type { JobsState } from './jobs.svelte';

/** A recipe is a few kilobytes of JSON; a file far larger is not one. */
const MAX_RECIPE_FILE = 5 * 1024 * 1024;

/** The columns a source reads here: a catalog table's (partition keys last), a dropped file's. */
function sourceColumns(catalog: CatalogState, n: SourceNode): RecipeColumn[] | null {
  if (n.kind === 'file-source') return n.options.columns.length > 0 ? n.options.columns : null;
  const t = catalog.table(n.options.database, n.options.table);
  return t ? [...t.columns, ...t.partitionKeys].map((c) => ({ name: c.name, type: c.type })) : null;
}

/**
 * The recipe of `job`; sources of an opened recipe not bound yet (`unbound`) keep the columns it
 * expected. Throws a `recipe:` DecantError naming a source whose table is gone.
 */
export function recipeOf(
  job: Job,
  catalog: CatalogState,
  unbound: readonly RecipeSource[] = [],
): Recipe {
  return recipeFromJob(
    job,
    (n) => unbound.find((s) => s.id === n.id)?.columns ?? sourceColumns(catalog, n),
  );
}

/** Downloads the recipe (see recipeOf) as `<job>.decant-recipe.json`; returns the file's name. */
export function downloadRecipe(
  job: Job,
  catalog: CatalogState,
  unbound: readonly RecipeSource[] = [],
): string {
  const name = recipeFileName(job.name);
  const text = recipeText(recipeOf(job, catalog, unbound));
  downloadBlob(new Blob([text], { type: 'application/json' }), name);
  return name;
}

/** This app's link carrying the recipe (see recipeOf) in its fragment; recipeLink says refusals. */
export function recipeLinkOf(
  job: Job,
  catalog: CatalogState,
  unbound: readonly RecipeSource[] = [],
): Promise<string> {
  return recipeLink(recipeOf(job, catalog, unbound), location.href);
}

/** The recipe in a picked or dropped file; throws a `recipe:` DecantError saying what is wrong. */
export async function recipeFromFile(file: File): Promise<Recipe> {
  if (file.size > MAX_RECIPE_FILE)
    throw new DecantError(
      `recipe: ${JSON.stringify(file.name)} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a ` +
        'recipe is a small JSON file (name.decant-recipe.json): is this the right file?',
    );
  try {
    return recipeFromText(await file.text());
  } catch (e) {
    if (e instanceof DecantError)
      throw new DecantError(`recipe: ${JSON.stringify(file.name)}: ${e.detail}`, { cause: e });
    throw e;
  }
}

/** The recipe a `#recipe=` link carries (see recipeFromLinkData for what it refuses). */
export const recipeFromLink = recipeFromLinkData;

export interface RecipeOpeners {
  jobs: JobsState;
  jobEditors: JobEditors;
  engine: EngineClient;
  catalog: CatalogState;
}

/**
 * Opens `recipe` as a new, unsaved job under a name no saved job or open editor has; returns
 * that name (its page is `#/jobs/<name>`). Its sources wait to be bound in the editor.
 */
export function openRecipe(app: RecipeOpeners, recipe: Recipe): string {
  const name = freeJobName(
    recipe.job.name,
    (n) => app.jobs.get(n) !== undefined || app.jobEditors.has(n),
  );
  const { job, pending } = jobFromRecipe(recipe, name);
  app.jobEditors.for(name, () => {
    const editor = new JobEditor(job, app.engine, app.catalog);
    editor.awaitBindings(pending);
    // Nothing of it is stored yet: a reload would show an empty job, so leaving asks first.
    editor.markSaved(newJob(name));
    return editor;
  });
  return name;
}
