import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureCsv } from '../../bench/lib/csv';
import { ORDERS_COLUMNS, ORDERS_DIALECT, PathFile } from '../../bench/lib/orders-table';
import { BENCH_RULESET, measureQueries, resultDifferences } from '../../bench/lib/ruleset';
import type { QualityQueryResult } from '../../src/engine/protocol';
import { parseDqdl } from '../../src/quality/dqdl/parse';
import { evaluateRuleset } from '../../src/quality/evaluate/evaluate-ruleset';
import { createNodeEngineHost } from '../support/engine-host';

const TABLE = { database: 'bench', name: 'orders' };

describe('the ruleset npm run bench evaluates', () => {
  it('has 20 rules of varied types, with a where, thresholds and a composite', () => {
    const rules = parseDqdl(BENCH_RULESET).rules;
    expect(rules).toHaveLength(20);
    const simple = rules.flatMap((r) => (r.kind === 'rule' ? [r] : []));
    expect(new Set(simple.map((r) => r.type)).size).toBeGreaterThanOrEqual(15);
    expect(simple.some((r) => r.where)).toBe(true);
    expect(simple.filter((r) => r.threshold).length).toBeGreaterThanOrEqual(2);
    expect(rules.some((r) => r.kind === 'and' || r.kind === 'or')).toBe(true);
    for (const t of ['CustomSql', 'ColumnCorrelation', 'Entropy', 'ColumnLength', 'IsUnique'])
      expect(simple.map((r) => r.type)).toContain(t);
  });

  it('is the SQL the tab sends, and every rule is measured on the orders table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'decant-bench-ruleset-'));
    try {
      const csv = await ensureCsv(dir, 2_000);
      const host = createNodeEngineHost();
      await host.attachTable({
        ...TABLE,
        classification: 'csv',
        dialect: ORDERS_DIALECT,
        columns: ORDERS_COLUMNS,
        partitionKeys: [],
        files: [{ path: 'orders.csv', file: new PathFile(csv.path), partitionValues: [] }],
      });
      const sent: string[][] = [];
      const now = new Date(Date.UTC(2026, 0, 1));
      const ev = await evaluateRuleset(
        {
          qualityQueries: (queries, onProgress) => {
            sent.push(queries);
            return host.qualityQueries(`t${sent.length}`, queries, onProgress);
          },
        },
        {
          table: TABLE,
          ruleset: 'bench',
          text: BENCH_RULESET,
          columns: ORDERS_COLUMNS,
          resolveTable: () => undefined,
          now,
        },
      );
      // Native replays measureQueries' output: it must be the tab's measuring round, verbatim.
      expect(sent[0]).toEqual(measureQueries(BENCH_RULESET, TABLE, ORDERS_COLUMNS, now));
      // Fewer scans than rules: the plan shares them.
      expect(sent[0]!.length).toBeLessThan(20);
      expect(ev.results.filter((r) => r.outcome === 'ERROR')).toEqual([]);
      expect(ev.results.find((r) => r.rule === 'IsUnique "order_id"')?.outcome).toBe('PASS');
      expect(ev.results.find((r) => r.rule === 'ColumnCount = 12')?.outcome).toBe('PASS');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('resultDifferences (the tab against native on the same SQL)', () => {
  const tab: QualityQueryResult[] = [
    { rows: [{ m0: 1000, m1: 0.25, s: 'paid' }] },
    { rows: [{ uniq: 3 }] },
  ];

  it('agrees across representations: BIGINT as text, doubles within rounding', () => {
    const native = [[{ m0: '1000', m1: 0.25 + 1e-15, s: 'paid' }], [{ uniq: 3 }]];
    expect(resultDifferences(tab, native)).toEqual([]);
  });

  it('names the query, row and measure that differ', () => {
    const native = [[{ m0: 1000, m1: 0.26, s: 'paid' }], [{ uniq: null }]];
    expect(resultDifferences(tab, native)).toEqual([
      'query 1 row 1 m1: tab 0.25, native 0.26',
      'query 2 row 1 uniq: tab 3, native null',
    ]);
  });

  it('reports a failed query in the tab and a different number of results or rows', () => {
    expect(resultDifferences([{ error: 'boom' }], [[]])).toEqual(['query 1: the tab failed: boom']);
    expect(resultDifferences(tab, [[]])).toEqual(['2 results in the tab, 1 natively']);
    expect(resultDifferences([tab[0]!], [[]])).toEqual(['query 1: 1 rows in the tab, 0 natively']);
  });
});
