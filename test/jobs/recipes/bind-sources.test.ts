import { describe, expect, it } from 'vitest';
import {
  bindSourceToFile,
  bindSourceToTable,
  freeJobName,
  jobFromRecipe,
  recipeFromJob,
  unboundIssues,
  validateJob,
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
    const { job: opened, unbound } = jobFromRecipe(recipe, 'daily (2)');
    expect(opened.name).toBe('daily (2)');
    expect(opened.nodes).toEqual(job.nodes);
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
