/**
 * Where a recipe could give away what a share withholds. A recipe is the job as saved: its filter
 * constants, derived expressions and SQL text are literal values, so a job that filters on `ssn`
 * = '123-45-6789' carries a value of `ssn` even when the share leaves `ssn` out or hashes it.
 * Searched in the job the package would carry (without secrets), by the withheld columns' names.
 */
import { quotedName } from '../core/quoted-name';
import { isGroup, nodeTitle, type FilterGroup, type Job, type JobNode } from '../jobs';
import type { ShareRules } from './share-rules';

/**
 * Nodes that name columns without holding any value of theirs (a source's schema, the columns
 * kept or dropped, the output's settings): naming a withheld column there gives nothing away.
 */
const NAMES_ONLY = new Set<JobNode['kind']>([
  'file-source',
  'select-fields',
  'drop-fields',
  'drop-null-fields',
  'target',
]);

/** The columns `rules` withhold (left out, hashed, redacted or partly redacted), with how. */
export function withheldColumns(rules: ShareRules): Map<string, string> {
  const out = new Map<string, string>();
  const add = (list: readonly string[] | undefined, how: string) => {
    for (const c of list ?? []) out.set(c, how);
  };
  add(rules.omit, 'left out');
  add(rules.hash, 'hashed');
  add(rules.redact, 'redacted');
  add(rules.partial, 'partly redacted');
  return out;
}

/**
 * Sentences saying where `job` names a column `rules` withhold, one per node and column
 * (empty: the recipe names none of them). Filter conditions on a withheld column with a constant
 * are said exactly; any other node whose options (expressions, SQL, constants) mention the
 * column's name as a word is said to possibly hold its values.
 */
export function recipeExposures(job: Job, rules: ShareRules): string[] {
  const withheld = withheldColumns(rules);
  if (withheld.size === 0) return [];
  const out: string[] = [];
  for (const node of job.nodes) {
    if (NAMES_ONLY.has(node.kind)) continue;
    const said = new Set<string>();
    const group =
      node.kind === 'filter'
        ? node.options.filter
        : node.kind === 'catalog-source'
          ? node.options.partitionPredicate
          : undefined;
    if (group)
      for (const column of constantsOn(group)) {
        const how = lookup(withheld, column);
        if (!how || said.has(how.name)) continue;
        said.add(how.name);
        out.push(
          `The recipe's filter on ${quotedName(how.name)} (step ${quotedName(node.name)}) holds a ` +
            `value of a withheld column (${how.how} in this share).`,
        );
      }
    // A filter's strings are its columns and constants (above); a source's, the table it reads.
    if (group || node.kind === 'filter' || node.kind === 'catalog-source') continue;
    const text = stringsOf(node.options).join('\n');
    for (const [name, how] of withheld) {
      if (said.has(name) || !mentions(text, name)) continue;
      said.add(name);
      out.push(
        `The recipe's ${nodeTitle(node.kind)} step ${quotedName(node.name)} uses ` +
          `${quotedName(name)}, a withheld column (${how} in this share): its expressions or ` +
          'constants may hold values of it.',
      );
    }
  }
  return out;
}

/** Columns compared with a constant anywhere in `group`. */
function constantsOn(group: FilterGroup): string[] {
  const out: string[] = [];
  for (const c of group.clauses)
    if (isGroup(c)) out.push(...constantsOn(c));
    else if (c.value?.kind === 'constant') out.push(c.column);
  return out;
}

/** The withheld column `column` names (DuckDB names are case-insensitive), if any. */
function lookup(
  withheld: Map<string, string>,
  column: string,
): { name: string; how: string } | undefined {
  const lower = column.toLowerCase();
  for (const [name, how] of withheld) if (name.toLowerCase() === lower) return { name, how };
  return undefined;
}

/** Every string in `value`, keys included (an alias map keys by node id, a rename by name). */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
  return [];
}

/** `name` in `text` as a whole word (not inside a longer identifier), case-insensitive. */
function mentions(text: string, name: string): boolean {
  const lowerText = text.toLowerCase();
  const lower = name.toLowerCase();
  const word = /[\p{L}\p{N}_]/u;
  for (let at = lowerText.indexOf(lower); at >= 0; at = lowerText.indexOf(lower, at + 1)) {
    const before = lowerText[at - 1];
    const after = lowerText[at + lower.length];
    if ((!before || !word.test(before)) && (!after || !word.test(after))) return true;
  }
  return false;
}
