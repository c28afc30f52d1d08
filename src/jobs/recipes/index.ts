/** Recipes: a job as a versioned JSON file or link, checked, migrated and bound on opening. */
export {
  isSourceNode,
  readText,
  recipeFileName,
  recipeFromJob,
  RECIPE_FORMAT,
  RECIPE_VERSION,
  type Recipe,
  type RecipeColumn,
  type RecipeRead,
  type RecipeSource,
} from './recipe-model';
export { migrateRecipe, RECIPE_MIGRATIONS, type RecipeMigration } from './recipe-migrate';
export {
  recipeFromJson,
  recipeFromText,
  recipeText,
  RecipeError,
  type RecipeProblem,
} from './recipe-check';
export {
  MAX_RECIPE_FRAGMENT,
  RECIPE_LINK_KEY,
  recipeFromLinkData,
  recipeLink,
  recipeLinkData,
} from './recipe-link';
export {
  canonicalType,
  columnFit,
  fitText,
  typeFit,
  type ColumnFit,
  type ColumnMismatch,
  type TypeFit,
} from './column-fit';
export {
  bindSourceToFile,
  bindSourceToTable,
  carriedBindings,
  freeJobName,
  jobFromRecipe,
  sourceReadText,
  unboundIssues,
  unboundSources,
  type PendingSource,
} from './bind-sources';
export { authoredSqlNodes } from './authored-sql';
export { recipeSummary, type RecipeSummary } from './recipe-words';
