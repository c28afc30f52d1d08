/**
 * Reading recipes written by older versions of Decant: each step turns version n into n + 1, so a
 * recipe of any older version reaches the current one through every step in between. A recipe of
 * a newer version is refused in words: guessing at fields this version does not know could run a
 * different job than the one that was shared.
 */
import { DecantError } from '../../core/errors';
import { RECIPE_VERSION } from './recipe-model';

/** Turns a recipe object of version n into one of version n + 1 (its `version` included). */
export type RecipeMigration = (older: Record<string, unknown>) => Record<string, unknown>;

/** By the version each step reads. None yet: version 1 is the first. */
export const RECIPE_MIGRATIONS: Readonly<Record<number, RecipeMigration>> = {};

/**
 * `raw` (a parsed recipe object with a `version`) as version `current` reads it. Throws a
 * `recipe:` DecantError for a version that is not a whole number from 1, a newer one than
 * `current`, or an older one no step reads.
 */
export function migrateRecipe(
  raw: Record<string, unknown>,
  current: number = RECIPE_VERSION,
  steps: Readonly<Record<number, RecipeMigration>> = RECIPE_MIGRATIONS,
): Record<string, unknown> {
  const v = raw.version;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw new DecantError(
      `recipe: version: expected a whole number from 1, found ${JSON.stringify(v) ?? 'nothing'}`,
    );
  if (v > current)
    throw new DecantError(
      `recipe: this recipe is version ${v}, made by a newer Decant; this one reads recipes up to ` +
        `version ${current}. Open it in an up-to-date Decant, or ask for a version ${current} recipe.`,
    );
  let out = raw;
  for (let at = v; at < current; at++) {
    const step = steps[at];
    if (!step)
      throw new DecantError(
        `recipe: version ${at} recipes cannot be read by this Decant (no migration from it)`,
      );
    out = step(out);
    if (out.version !== at + 1)
      throw new DecantError(
        `recipe: the migration from version ${at} did not give version ${at + 1}`,
      );
  }
  return out;
}
