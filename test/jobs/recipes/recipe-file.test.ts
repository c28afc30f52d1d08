import { describe, expect, it } from 'vitest';
import {
  createNode,
  jobWithoutSecrets,
  migrateRecipe,
  NODE_KINDS,
  newJob,
  recipeFileName,
  recipeFromJob,
  recipeFromJson,
  recipeFromLinkData,
  recipeFromText,
  recipeLink,
  recipeLinkData,
  recipeText,
  RecipeError,
  MAX_RECIPE_FRAGMENT,
  type Job,
  type JobNode,
  type Recipe,
} from '../../../src/jobs';
import { DecantError } from '../../../src/core/errors';

/** One node of every kind, each with options that differ from its defaults where it has any. */
function everyKindJob(): Job {
  const nodes: JobNode[] = NODE_KINDS.map(({ kind }, i) => ({
    ...createNode(kind, `${kind}-1`, `${kind} «名»`),
    position: { x: i * 10, y: i * 3 },
  }));
  const set = <K extends JobNode['kind']>(
    kind: K,
    options: Extract<JobNode, { kind: K }>['options'],
  ) => {
    const n = nodes.find((x) => x.kind === kind)!;
    (n as { options: unknown }).options = options;
  };
  set('catalog-source', {
    database: 'lake',
    table: 'sales',
    partitionPredicate: {
      combine: 'AND',
      clauses: [{ column: 'year', op: 'EQ', value: { kind: 'constant', value: '${year}' } }],
    },
  });
  set('file-source', {
    path: 'fjob-1.csv',
    dialect: {
      delimiter: ';',
      quote: '"',
      escape: '"',
      header: true,
      encoding: 'utf-8',
      decimalSeparator: ',',
      compression: 'none',
    },
    columns: [
      { name: 'id', type: 'BIGINT' },
      { name: 'note "x"', type: 'VARCHAR' },
    ],
    badRows: 'skip',
  });
  set('filter', {
    filter: {
      combine: 'OR',
      negated: true,
      clauses: [
        { column: 'price', op: 'GT', value: { kind: 'constant', value: '2' } },
        { combine: 'AND', clauses: [{ column: 'sku', op: 'ISNULL' }] },
      ],
    },
  });
  set('join', { type: 'left-anti', on: [{ left: 'sku', right: 'sku' }], rightPrefix: 'r_' });
  set('aggregate', {
    groupBy: ['year'],
    aggregations: [{ column: '*', fn: 'count', as: 'n' }],
  });
  set('pivot', { pivotColumn: 'sku', valueColumn: 'price', fn: 'max', values: ['a', 'b'] });
  set('sql-query', { query: 'SELECT 1 AS "x;"', aliases: { 'filter-1': 'f' } });
  set('target', {
    format: { kind: 'csv', delimiter: '|', header: false, compression: 'gzip' },
    partitionKeys: ['year'],
    destination: 'opfs',
    path: 'out/x',
    catalog: { database: 'out', table: 'x' },
  });
  return {
    ...newJob('every kind'),
    description: 'all of them',
    nodes,
    edges: nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id, port: 0 })),
    parameters: [{ name: 'year', value: '2024' }],
    bookmarks: 'pause',
    timeoutMinutes: 5,
    maxRetries: 2,
  };
}

const COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'price', type: 'DOUBLE' },
];

function everyKindRecipe(): Recipe {
  return recipeFromJob(everyKindJob(), (n) =>
    n.kind === 'file-source' ? n.options.columns : COLUMNS,
  );
}

describe('recipe file', () => {
  it('carries the job and, per source, what it read and the columns it expects', () => {
    const r = everyKindRecipe();
    expect(r.format).toBe('decant-recipe');
    expect(r.version).toBe(1);
    // The salt a Detect Sensitive Data node hashes with stays behind: the recipe's is blank.
    expect(r.job).toEqual(jobWithoutSecrets(everyKindJob()));
    const pii = r.job.nodes.find((n) => n.kind === 'detect-sensitive-data')!;
    expect(pii.kind === 'detect-sensitive-data' && pii.options.salt).toBe('');
    expect(r.sources).toEqual([
      {
        id: 'catalog-source-1',
        read: { kind: 'table', database: 'lake', table: 'sales' },
        columns: COLUMNS,
      },
      {
        id: 'file-source-1',
        read: { kind: 'file', name: 'file-source «名»' },
        columns: [
          { name: 'id', type: 'BIGINT' },
          { name: 'note "x"', type: 'VARCHAR' },
        ],
      },
    ]);
  });

  it('round-trips every node kind through the file', () => {
    const r = everyKindRecipe();
    const back = recipeFromText(recipeText(r));
    expect(back).toEqual(r);
    expect(new Set(back.job.nodes.map((n) => n.kind))).toEqual(
      new Set(NODE_KINDS.map((k) => k.kind)),
    );
  });

  it('round-trips every node kind through the link', async () => {
    const r = everyKindRecipe();
    const link = await recipeLink(r, 'https://decant.example/app/#/jobs/x');
    expect(link).toMatch(/^https:\/\/decant\.example\/app\/#recipe=[A-Za-z0-9_-]+$/);
    const data = link.split('#recipe=')[1]!;
    expect(await recipeFromLinkData(data)).toEqual(r);
    // Compressed: smaller than the JSON it carries.
    expect(data.length).toBeLessThan(JSON.stringify(r).length);
  });

  it('refuses a source whose columns are not known, naming it', () => {
    const job = everyKindJob();
    expect(() => recipeFromJob(job, () => null)).toThrow(
      /recipe: the columns Data Catalog table "catalog-source «名»" reads are not known \(table "lake.sales" is not in the catalog\)/,
    );
  });

  it('names the file after the job, without path separators', () => {
    expect(recipeFileName('daily sales')).toBe('daily sales.decant-recipe.json');
    expect(recipeFileName('a/b\\c')).toBe('a_b_c.decant-recipe.json');
  });
});

/** A recipe's JSON, to break on purpose field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any field may be set to anything
const brokenRecipe = (): any => JSON.parse(recipeText(everyKindRecipe()));

function problemsOf(value: unknown): string[] {
  try {
    recipeFromJson(value);
  } catch (e) {
    expect(e).toBeInstanceOf(RecipeError);
    return (e as RecipeError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('no error');
}

describe('recipe validation', () => {
  it('names each bad field by its path and says what was expected', () => {
    const r = brokenRecipe();
    r.job.nodes[2].kind = 'teleport';
    r.job.nodes[4].options.columns = 'id';
    r.job.edges[0].port = -1;
    r.job.bookmarks = 'sometimes';
    r.sources[0].columns[1].type = 7;
    expect(problemsOf(r)).toEqual([
      'job.nodes[2].kind: expected one of ' +
        NODE_KINDS.map((k) => JSON.stringify(k.kind)).join(', ') +
        ', found the string "teleport"',
      'job.nodes[4].options.columns: expected an array, found the string "id"',
      'job.edges[0].port: expected a whole number ≥ 0, found the number -1',
      'job.bookmarks: expected one of "enable", "disable", "pause", found the string "sometimes"',
    ]);
    // Sources are checked once the job is sound.
    r.job = everyKindJob();
    expect(problemsOf(r)).toEqual([
      'sources[0].columns[1].type: expected a non-empty string, found the number 7',
    ]);
  });

  it('says the error in its message too, starting with the domain', () => {
    const r = brokenRecipe();
    delete r.job.nodes[0].options.table;
    expect(() => recipeFromJson(r)).toThrow(
      'recipe: this is not a recipe Decant can open: job.nodes[0].options.table: expected a string, found nothing',
    );
  });

  it('wants a job name the Jobs page would take', () => {
    const r = brokenRecipe();
    r.job.name = 'a/b';
    expect(problemsOf(r)).toEqual([
      'job.name: expected a job name without "/", "\\" or NUL, found the string "a/b"',
    ]);
  });

  it('wants an entry for every source node, and only for source nodes', () => {
    const r = brokenRecipe();
    r.sources[1].id = 'filter-1';
    expect(problemsOf(r)).toEqual([
      'sources[1].id: expected the id of a source node of the job, found the string "filter-1"',
      'sources: expected an entry for source node the string "file-source-1" (job.nodes[1]), found none',
    ]);
  });

  it('refuses what is not a recipe: not JSON, another format, a bare job', () => {
    expect(() => recipeFromText('{"format": "decant-rec')).toThrow(
      /recipe: .*the file is not JSON/,
    );
    expect(problemsOf({ format: 'datapackage' })).toEqual([
      'format: expected one of "decant-recipe", found the string "datapackage"',
    ]);
    expect(problemsOf(everyKindJob())[0]).toBe(
      'format: expected one of "decant-recipe", found nothing',
    );
    expect(problemsOf([])).toEqual([': expected an object, found an array']);
  });

  it('refuses a newer version in words', () => {
    const r = { ...everyKindRecipe(), version: 2 };
    expect(() => recipeFromJson(r)).toThrow(
      'recipe: this recipe is version 2, made by a newer Decant; this one reads recipes up to version 1.',
    );
    expect(() => recipeFromJson({ ...r, version: '1' })).toThrow(
      'recipe: version: expected a whole number from 1, found "1"',
    );
  });
});

describe('recipe migration', () => {
  it('reads the current version as it is', () => {
    const r = everyKindRecipe() as unknown as Record<string, unknown>;
    expect(migrateRecipe(r)).toBe(r);
  });

  it('takes an older recipe through every step to the current version', () => {
    const steps = {
      1: (o: Record<string, unknown>) => ({ ...o, version: 2, steps: ['1→2'] }),
      2: (o: Record<string, unknown>) => ({
        ...o,
        version: 3,
        steps: [...((o.steps as string[] | undefined) ?? []), '2→3'],
      }),
    };
    expect(migrateRecipe({ version: 1 }, 3, steps)).toEqual({ version: 3, steps: ['1→2', '2→3'] });
    expect(migrateRecipe({ version: 2 }, 3, steps)).toEqual({ version: 3, steps: ['2→3'] });
    expect(() => migrateRecipe({ version: 1 }, 3, { 2: steps[2] })).toThrow(
      'recipe: version 1 recipes cannot be read by this Decant (no migration from it)',
    );
    expect(() => migrateRecipe({ version: 1 }, 2, { 1: (o) => o })).toThrow(
      'did not give version 2',
    );
  });
});

describe('recipe links', () => {
  it('says a cut or changed link is damaged', async () => {
    const data = await recipeLinkData(everyKindRecipe());
    const damaged =
      /^recipe: this recipe link is damaged \(.+\): it was cut or changed on the way\./;
    // Cut: the compressed stream ends early.
    await expect(recipeFromLinkData(data.slice(0, Math.floor(data.length / 2)))).rejects.toThrow(
      damaged,
    );
    // A character a link never has (a copy that picked up a space or a quote).
    await expect(recipeFromLinkData(`${data.slice(0, 10)}"${data.slice(11)}`)).rejects.toThrow(
      damaged,
    );
    await expect(recipeFromLinkData('')).rejects.toThrow(damaged);
    // Changed bytes: the deflate stream is corrupt, or no longer JSON, or no longer a recipe.
    const flipped = data.slice(0, 20) + (data[20] === 'A' ? 'B' : 'A') + data.slice(21);
    await expect(recipeFromLinkData(flipped)).rejects.toThrow(DecantError);
    await expect(recipeFromLinkData(flipped)).rejects.toThrow(/^recipe: /);
  });

  it('refuses a link over 32 KB of fragment and says to share the file', async () => {
    // Random text does not compress: a description that makes the link too long.
    const bytes = new Uint8Array(30_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + ((i * i) % 251)) % 256;
    const r = everyKindRecipe();
    r.job.description = Buffer.from(bytes).toString('base64');
    await expect(recipeLink(r, 'http://localhost/')).rejects.toThrow(
      /^recipe: this job makes a link of \d+ KB, over the 32 KB that links reliably carry; share the recipe file instead/,
    );
    expect(MAX_RECIPE_FRAGMENT).toBe(32 * 1024);
  });
});
