import { describe, expect, it } from 'vitest';
import {
  authoredSqlNodes,
  bindSourceToFile,
  bindSourceToTable,
  carriedBindings,
  freeJobName,
  jobFromRecipe,
  recipeFromJob,
  unboundIssues,
  unboundSources,
  validateJob,
  type Job,
  type JobNode,
} from '../../../src/jobs';
import type { CsvDialect } from '../../../src/core/csv/dialect';
import { chain, node, source } from '../job-support';

const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'price', type: 'DOUBLE' },
];

const job = chain(
  [
    source('src', 'lake', 'sales'),
    node('filter', 'f', {
      filter: {
        combine: 'AND',
        clauses: [{ column: 'price', op: 'GT', value: { kind: 'constant', value: '2' } }],
      },
    }),
  ],
  { name: 'daily' },
);
const recipe = recipeFromJob(job, () => columns);

const dialect: CsvDialect = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  encoding: 'utf-8',
  decimalSeparator: '.',
  compression: 'none',
};

describe('opening a recipe', () => {
  it('picks a name no job has', () => {
    const taken = new Set(['daily', 'daily (2)']);
    expect(freeJobName('daily', (n) => taken.has(n))).toBe('daily (3)');
    expect(freeJobName('weekly', (n) => taken.has(n))).toBe('weekly');
    expect(freeJobName('daily (2)', (n) => taken.has(n))).toBe('daily (3)');
  });

  it('opens the job under that name with every source to bind, said on its node', () => {
    const { job: opened, pending } = jobFromRecipe(recipe, 'daily (2)');
    expect(opened.name).toBe('daily (2)');
    expect(opened.nodes).toEqual(job.nodes);
    const unbound = unboundSources(opened, pending, () => false);
    expect(unbound.map((s) => s.id)).toEqual(['src']);
    expect(unboundIssues(opened, unbound)).toEqual([
      {
        nodeId: 'src',
        message: 'Data Catalog table "src": not bound: pick a table with columns id, price',
      },
    ]);
  });

  it('binds a source to a table: only that node changes, its predicate kept', () => {
    const withPredicate = {
      ...job,
      nodes: job.nodes.map((n) =>
        n.kind === 'catalog-source'
          ? {
              ...n,
              position: { x: 1, y: 2 },
              options: {
                ...n.options,
                partitionPredicate: { combine: 'AND' as const, clauses: [] },
              },
            }
          : n,
      ),
    };
    const bound = bindSourceToTable(withPredicate, 'src', { database: 'mine', table: 'sales_2' });
    expect(bound.nodes[0]).toEqual({
      id: 'src',
      name: 'src',
      position: { x: 1, y: 2 },
      kind: 'catalog-source',
      options: {
        database: 'mine',
        table: 'sales_2',
        partitionPredicate: { combine: 'AND', clauses: [] },
      },
    });
    expect(bound.nodes.slice(1)).toEqual(job.nodes.slice(1));
    expect(bound.edges).toEqual(job.edges);
    // Binding a transform's id does nothing.
    expect(bindSourceToTable(job, 'f', { database: 'x', table: 'y' })).toEqual(job);
  });

  it('binds a catalog source to a dropped file, which the job then reads', () => {
    const bound = bindSourceToFile(
      job,
      'src',
      { name: 'sales.csv', path: 'fjob-1.csv' },
      { dialect, columns },
    );
    expect(bound.nodes[0]).toEqual({
      id: 'src',
      name: 'src',
      kind: 'file-source',
      options: { path: 'fjob-1.csv', dialect, columns },
    });
    // The file's columns reach the filter: no problem but none of the job's own.
    expect(validateJob(bound)).toEqual([]);
  });
});

describe('which sources are still to bind', () => {
  /** As the editor keeps it: the nodes bindings made, carried over edits that keep the read. */
  function session() {
    const { job: opened, pending } = jobFromRecipe(recipe, 'daily');
    const bound = new WeakSet<JobNode>();
    const isBound = (n: JobNode) => bound.has(n);
    let current = opened;
    return {
      opened,
      get job() {
        return current;
      },
      edit(next: Job) {
        for (const n of carriedBindings(current, next, pending, isBound)) bound.add(n);
        current = next;
      },
      bind(next: Job) {
        bound.add(next.nodes.find((n) => n.id === 'src')!);
        current = next;
      },
      restore(j: Job) {
        current = j;
      },
      unbound: () => unboundSources(current, pending, isBound).map((s) => s.id),
    };
  }
  const renamed = (j: Job): Job => ({
    ...j,
    nodes: j.nodes.map((n) => (n.id === 'src' ? { ...n, name: 'renamed' } : n)),
  });

  it('binding to the very table the recipe read still binds, and survives a rename', () => {
    const s = session();
    s.edit(renamed(s.job));
    expect(s.unbound()).toEqual(['src']);
    s.bind(bindSourceToTable(s.job, 'src', { database: 'lake', table: 'sales' }));
    expect(s.unbound()).toEqual([]);
    s.edit(renamed(s.job));
    expect(s.unbound()).toEqual([]);
  });

  it('undo of a binding makes the source unbound again; redo binds it', () => {
    const s = session();
    const before = s.job;
    s.bind(bindSourceToTable(s.job, 'src', { database: 'mine', table: 'sales' }));
    const after = s.job;
    s.restore(before);
    expect(s.unbound()).toEqual(['src']);
    s.restore(after);
    expect(s.unbound()).toEqual([]);
  });

  it('a source pointed elsewhere in its own panel is bound; a deleted one is not waited for', () => {
    const s = session();
    s.edit(bindSourceToTable(s.job, 'src', { database: 'mine', table: 'other' }));
    expect(s.unbound()).toEqual([]);
    const t = session();
    t.edit({ ...t.job, nodes: t.job.nodes.filter((n) => n.id !== 'src') });
    expect(t.unbound()).toEqual([]);
  });
});

describe("a recipe's own SQL", () => {
  it('names the nodes that run SQL as their author wrote it', () => {
    const j = chain([
      source('src', 'lake', 'sales'),
      node('derived-column', 'd', {
        column: 'x',
        expression: "(SELECT 1 FROM read_csv('https://x'))",
      }),
      node('select-fields', 's', { columns: ['x'] }),
      node('sql-query', 'q', { query: 'SELECT * FROM input1', aliases: {} }),
    ]);
    expect(authoredSqlNodes(j).map((n) => n.id)).toEqual(['d', 'q']);
    expect(authoredSqlNodes(job)).toEqual([]);
  });
});
