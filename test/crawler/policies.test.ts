import { describe, expect, it } from 'vitest';
import type { CatalogTable } from '../../src/catalog/model';
import { applyPolicies, splitNewFolders, type CrawlPlan, type TablePlan } from '../../src/crawler';

const plan = (name: string, columns: [string, string][]): TablePlan => ({
  name,
  root: name,
  classification: 'csv',
  formatKey: 'k',
  columns: columns.map(([n, t]) => ({ name: n, type: t })),
  partitionKeys: [],
  partitions: [],
  files: [],
  sizeBytes: 0,
});

const table = (name: string, columns: [string, string][], extra: Partial<CatalogTable> = {}) =>
  ({
    database: 'lake',
    name,
    description: '',
    classification: 'csv',
    sources: [],
    columns: columns.map(([n, t]) => ({ name: n, type: t, comment: 'kept' })),
    partitionKeys: [],
    parameters: { UPDATED_BY_CRAWLER: 'c' },
    updatedBy: { kind: 'crawler', name: 'c' },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  }) as CatalogTable;

const crawl = (...tables: TablePlan[]): CrawlPlan => ({ tables, skipped: [] });

describe('applyPolicies (Glue schema change and delete behaviour)', () => {
  const before = table('sales', [['id', 'BIGINT']]);
  const wider = crawl(
    plan('sales', [
      ['id', 'BIGINT'],
      ['note', 'VARCHAR'],
    ]),
  );

  it('UPDATE_IN_DATABASE writes a changed table and says what changed; comments do not count', () => {
    const d = applyPolicies(wider, [before], [before], {
      update: 'UPDATE_IN_DATABASE',
      delete: 'LOG',
    });
    expect(d.write).toEqual([{ plan: wider.tables[0], existing: true, changes: 'added "note"' }]);
    expect(d.logged).toEqual([]);
    const same = applyPolicies(crawl(plan('sales', [['id', 'BIGINT']])), [before], [before], {
      update: 'UPDATE_IN_DATABASE',
      delete: 'LOG',
    });
    expect(same.write[0]?.changes).toBe('');
  });

  it('LOG leaves a changed table as it is and logs the change; new tables are still created', () => {
    const d = applyPolicies(
      crawl(wider.tables[0]!, plan('fresh', [['a', 'BIGINT']])),
      [before],
      [before],
      { update: 'LOG', delete: 'LOG' },
    );
    expect(d.write.map((w) => w.plan.name)).toEqual(['fresh']);
    expect(d.logged).toEqual([{ table: 'sales', changes: 'added "note"' }]);
    expect(d.log[0]).toMatch(/sales: schema change logged, not applied/);
  });

  it('tables whose files are gone: log, delete or deprecate (once)', () => {
    const gone = table('old', [['x', 'BIGINT']]);
    const policies = ['LOG', 'DELETE_FROM_DATABASE', 'DEPRECATE_IN_DATABASE'] as const;
    const actions = policies.map(
      (p) =>
        applyPolicies(crawl(), [gone], [gone], { update: 'UPDATE_IN_DATABASE', delete: p }).gone,
    );
    expect(actions).toEqual([
      [{ table: 'old', action: 'log' }],
      [{ table: 'old', action: 'delete' }],
      [{ table: 'old', action: 'deprecate' }],
    ]);
    const already = table('old', [['x', 'BIGINT']], {
      parameters: { UPDATED_BY_CRAWLER: 'c', DEPRECATED_BY_CRAWLER: 1 },
    });
    expect(
      applyPolicies(crawl(), [already], [already], {
        update: 'UPDATE_IN_DATABASE',
        delete: 'DEPRECATE_IN_DATABASE',
      }).gone,
    ).toEqual([{ table: 'old', action: 'log' }]);
  });
});

describe('splitNewFolders (recrawl policy: new folders only)', () => {
  it('reads only files in folders no table of this crawler has; plans the rest from the catalog', () => {
    const owned = table('sales', [['id', 'BIGINT']], {
      sources: [{ kind: 'url', path: 'sales/year=2024/a.csv', url: 'u', size: 5, lastModified: 1 }],
    });
    const inputs = [
      { path: 'sales/year=2024/a.csv' },
      { path: 'sales/year=2024/b.csv' },
      { path: 'sales/year=2025/a.csv' },
    ];
    const r = splitNewFolders(inputs, [owned], () => 'fmt');
    expect(r.read.map((i) => i.path)).toEqual(['sales/year=2025/a.csv']);
    expect(r.known).toEqual([
      {
        path: 'sales/year=2024/a.csv',
        size: 5,
        lastModified: 1,
        classification: 'csv',
        columns: [{ name: 'id', type: 'BIGINT' }],
        formatKey: 'fmt',
      },
    ]);
    expect(r.skippedFolders).toBe(1);
  });
});
