/**
 * Reading a recipe file someone sent: its JSON checked field by field before anything of it is
 * used, each problem named by its path (`job.nodes[2].options.groupBy`) with what was expected
 * and what was found, so a hand-edited or damaged recipe says where it is wrong.
 */
import { DecantError } from '../../core/errors';
import { JOB_FORMAT_VERSION, type Job } from '../model';
import { NODE_MODULES } from '../nodes';
import { isSourceNode, RECIPE_FORMAT, type Recipe } from './recipe-model';
import { migrateRecipe } from './recipe-migrate';

/** One thing wrong with a recipe: where, and what was expected there. */
export interface RecipeProblem {
  /** `job.nodes[2].kind`; '' for the whole file. */
  path: string;
  message: string;
}

/** A recipe that cannot be read; `problems` has every one found, the message the first few. */
export class RecipeError extends DecantError {
  override name = 'RecipeError';
  readonly problems: readonly RecipeProblem[];

  constructor(problems: readonly RecipeProblem[]) {
    const shown = problems.slice(0, 3).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    super(`recipe: this is not a recipe Decant can open: ${shown.join('; ')}${more}`);
    this.problems = problems;
  }
}

type Json = Record<string, unknown>;

/** `an array`, `a string`, `null`…: what a JSON value is, for messages. */
function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  return `${typeof v} ${String(v)}`;
}

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: RecipeProblem[] = [];

  fail(path: string, expected: string, found: unknown): void {
    this.problems.push({ path, message: `expected ${expected}, found ${kindOf(found)}` });
  }

  object(v: unknown, path: string): v is Json {
    if (isObject(v)) return true;
    this.fail(path, 'an object', v);
    return false;
  }

  array(v: unknown, path: string): v is unknown[] {
    if (Array.isArray(v)) return true;
    this.fail(path, 'an array', v);
    return false;
  }

  string(v: unknown, path: string, nonEmpty = false): boolean {
    if (typeof v === 'string' && (!nonEmpty || v !== '')) return true;
    this.fail(path, nonEmpty ? 'a non-empty string' : 'a string', v);
    return false;
  }

  number(v: unknown, path: string, whole = false): boolean {
    if (
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!whole || (Number.isSafeInteger(v) && v >= 0))
    )
      return true;
    this.fail(path, whole ? 'a whole number ≥ 0' : 'a number', v);
    return false;
  }

  oneOf(v: unknown, path: string, allowed: readonly unknown[]): boolean {
    if (allowed.includes(v)) return true;
    this.fail(path, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, v);
    return false;
  }

  /** Same JSON shape (array, object, string, number, boolean) as `like`. */
  like(v: unknown, path: string, like: unknown): void {
    if (Array.isArray(like)) this.array(v, path);
    else if (isObject(like)) this.object(v, path);
    else if (typeof like === 'string') this.string(v, path);
    else if (typeof like === 'number') this.number(v, path);
    else if (typeof like === 'boolean' && typeof v !== 'boolean')
      this.fail(path, 'true or false', v);
  }

  columns(v: unknown, path: string): void {
    if (!this.array(v, path)) return;
    v.forEach((c, i) => {
      if (!this.object(c, `${path}[${i}]`)) return;
      this.string(c.name, `${path}[${i}].name`, true);
      this.string(c.type, `${path}[${i}].type`, true);
    });
  }
}

const KINDS = Object.keys(NODE_MODULES) as (keyof typeof NODE_MODULES)[];

function checkNode(c: Checker, n: unknown, path: string): void {
  if (!c.object(n, path)) return;
  c.string(n.id, `${path}.id`, true);
  c.string(n.name, `${path}.name`);
  if (n.position !== undefined && c.object(n.position, `${path}.position`)) {
    c.number(n.position.x, `${path}.position.x`);
    c.number(n.position.y, `${path}.position.y`);
  }
  if (!c.oneOf(n.kind, `${path}.kind`, KINDS)) return;
  if (!c.object(n.options, `${path}.options`)) return;
  // Every option a new node of this kind starts with is required, in the same shape.
  const defaults = NODE_MODULES[n.kind as (typeof KINDS)[number]].defaults() as Json;
  for (const [key, value] of Object.entries(defaults))
    if (value !== undefined) c.like(n.options[key], `${path}.options.${key}`, value);
  if (n.kind === 'file-source') c.columns(n.options.columns, `${path}.options.columns`);
}

function checkJob(c: Checker, job: unknown): job is Job {
  const before = c.problems.length;
  if (!c.object(job, 'job')) return false;
  c.oneOf(job.formatVersion, 'job.formatVersion', [JOB_FORMAT_VERSION]);
  // As the Jobs page's form asks: the name is a key and a link's path segment.
  if (c.string(job.name, 'job.name', true) && /[\\/\0]/.test(job.name as string))
    c.fail('job.name', 'a job name without "/", "\\" or NUL', job.name);
  c.string(job.description, 'job.description');
  if (c.array(job.nodes, 'job.nodes'))
    job.nodes.forEach((n, i) => checkNode(c, n, `job.nodes[${i}]`));
  if (c.array(job.edges, 'job.edges'))
    job.edges.forEach((e, i) => {
      const p = `job.edges[${i}]`;
      if (!c.object(e, p)) return;
      c.string(e.from, `${p}.from`, true);
      c.string(e.to, `${p}.to`, true);
      c.number(e.port, `${p}.port`, true);
    });
  if (c.array(job.parameters, 'job.parameters'))
    job.parameters.forEach((x, i) => {
      const p = `job.parameters[${i}]`;
      if (!c.object(x, p)) return;
      c.string(x.name, `${p}.name`, true);
      c.string(x.value, `${p}.value`);
    });
  c.oneOf(job.bookmarks, 'job.bookmarks', ['enable', 'disable', 'pause']);
  c.number(job.timeoutMinutes, 'job.timeoutMinutes');
  c.number(job.maxRetries, 'job.maxRetries', true);
  return c.problems.length === before;
}

function checkSources(c: Checker, sources: unknown, job: Job): void {
  if (!c.array(sources, 'sources')) return;
  const listed = new Set<string>();
  sources.forEach((s, i) => {
    const p = `sources[${i}]`;
    if (!c.object(s, p)) return;
    if (c.string(s.id, `${p}.id`, true)) {
      const node = job.nodes.find((n) => n.id === s.id);
      if (!node || !isSourceNode(node))
        c.problems.push({
          path: `${p}.id`,
          message: `expected the id of a source node of the job, found ${kindOf(s.id)}`,
        });
      else if (listed.has(node.id))
        c.problems.push({ path: `${p}.id`, message: `source ${kindOf(s.id)} is listed twice` });
      listed.add(String(s.id));
    }
    if (
      c.object(s.read, `${p}.read`) &&
      c.oneOf(s.read.kind, `${p}.read.kind`, ['table', 'file'])
    ) {
      if (s.read.kind === 'table') {
        c.string(s.read.database, `${p}.read.database`, true);
        c.string(s.read.table, `${p}.read.table`, true);
      } else c.string(s.read.name, `${p}.read.name`);
    }
    c.columns(s.columns, `${p}.columns`);
    if (Array.isArray(s.columns) && s.columns.length === 0)
      c.problems.push({
        path: `${p}.columns`,
        message: 'expected at least one column, found none',
      });
  });
  job.nodes.forEach((n, i) => {
    if (isSourceNode(n) && !listed.has(n.id))
      c.problems.push({
        path: 'sources',
        message: `expected an entry for source node ${kindOf(n.id)} (job.nodes[${i}]), found none`,
      });
  });
}

/**
 * The recipe `value` (parsed JSON) holds, migrated to this version. Throws a RecipeError listing
 * every problem by path, or a `recipe:` DecantError for a version this Decant does not read.
 */
export function recipeFromJson(value: unknown): Recipe {
  const c = new Checker();
  if (!c.object(value, '')) throw new RecipeError(c.problems);
  if (!c.oneOf(value.format, 'format', [RECIPE_FORMAT])) throw new RecipeError(c.problems);
  const raw = migrateRecipe(value);
  if (checkJob(c, raw.job)) checkSources(c, raw.sources, raw.job);
  else c.array(raw.sources, 'sources');
  if (c.problems.length > 0) throw new RecipeError(c.problems);
  return raw as unknown as Recipe;
}

/** The recipe in a file's text; JSON that does not parse says so, with the parser's words. */
export function recipeFromText(text: string): Recipe {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RecipeError([
      { path: '', message: `the file is not JSON (${e instanceof Error ? e.message : String(e)})` },
    ]);
  }
  return recipeFromJson(value);
}

/** The recipe as the file's text: stable, indented JSON. */
export function recipeText(recipe: Recipe): string {
  return `${JSON.stringify(recipe, null, 2)}\n`;
}
