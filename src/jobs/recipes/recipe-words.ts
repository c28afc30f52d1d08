/**
 * A recipe in words, for someone deciding whether to open it: the job's name, what each source
 * read where it was made (and the columns it expects), and the steps after the sources.
 */
import { nodeLabel } from '../analyze';
import { isSourceNode, readText, type Recipe } from './recipe-model';

export interface RecipeSummary {
  job: string;
  /** `table shop.sales (5 columns: id, amount, …)`, one per source node. */
  sources: string[];
  /** `Filter "amount > 10"`, one per node that is not a source, in the job's order. */
  steps: string[];
}

/** The columns a source expects, named (the first few) and counted. */
function columnsText(names: readonly string[], shown = 6): string {
  const head = names.slice(0, shown).join(', ');
  const more = names.length > shown ? `, … ${names.length - shown} more` : '';
  return `${names.length} column${names.length === 1 ? '' : 's'}: ${head}${more}`;
}

export function recipeSummary(recipe: Recipe): RecipeSummary {
  return {
    job: recipe.job.name,
    sources: recipe.sources.map(
      (s) =>
        `${s.read.kind === 'table' ? 'table' : 'file'} ${readText(s.read)} (${columnsText(
          s.columns.map((c) => c.name),
        )})`,
    ),
    steps: recipe.job.nodes.filter((n) => !isSourceNode(n)).map(nodeLabel),
  };
}
