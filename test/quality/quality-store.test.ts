import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openCatalogDb } from '../../src/storage';
import {
  EVALUATIONS_KEPT,
  failingSince,
  parseDqdl,
  QualityStore,
  recommendRuleset,
  type EvaluationRecord,
  type RuleOutcomeState,
} from '../../src/quality';

async function store(): Promise<QualityStore> {
  return new QualityStore(await openCatalogDb('decant-quality-test', new IDBFactory()));
}

function evaluation(
  startedAt: number,
  outcomes: Record<string, RuleOutcomeState>,
  table = 'orders',
): EvaluationRecord {
  const results = Object.entries(outcomes).map(([rule, outcome]) => ({
    rule,
    type: 'RowCount' as const,
    outcome,
  }));
  return {
    id: `e${table}${startedAt}`,
    database: 'shop',
    table,
    ruleset: 'default',
    text: 'Rules = [ RowCount > 0 ]',
    startedAt,
    finishedAt: startedAt + 1,
    passed: results.filter((r) => r.outcome === 'PASS').length,
    total: results.length,
    results,
  };
}

describe('QualityStore', () => {
  it('keeps rulesets per table and name', async () => {
    const s = await store();
    await s.saveRuleset({
      database: 'shop',
      table: 'orders',
      name: 'default',
      text: 'a',
      updatedAt: 1,
    });
    await s.saveRuleset({
      database: 'shop',
      table: 'orders',
      name: 'default',
      text: 'b',
      updatedAt: 2,
    });
    await s.saveRuleset({
      database: 'shop',
      table: 'users',
      name: 'default',
      text: 'c',
      updatedAt: 3,
    });
    expect((await s.listRulesets('shop', 'orders')).map((r) => r.text)).toEqual(['b']);
    expect((await s.listRulesets('shop', 'users')).map((r) => r.text)).toEqual(['c']);
  });

  it('lists a table’s evaluations newest first and keeps the last EVALUATIONS_KEPT', async () => {
    const s = await store();
    for (let i = 0; i < EVALUATIONS_KEPT + 3; i++)
      await s.addEvaluation(evaluation(1000 + i, { 'RowCount > 0': 'PASS' }));
    await s.addEvaluation(evaluation(5, { 'RowCount > 0': 'FAIL' }, 'users'));
    const got = await s.listEvaluations('shop', 'orders');
    expect(got).toHaveLength(EVALUATIONS_KEPT);
    expect(got[0]!.startedAt).toBe(1000 + EVALUATIONS_KEPT + 2);
    expect(got.at(-1)!.startedAt).toBe(1003);
    expect(await s.listEvaluations('shop', 'users')).toHaveLength(1);
  });
});

describe('failingSince', () => {
  it('is the start of the newest unbroken run of failures', () => {
    const history = [
      evaluation(40, { a: 'FAIL', b: 'PASS', c: 'FAIL' }),
      evaluation(30, { a: 'FAIL', b: 'FAIL', c: 'ERROR' }),
      evaluation(20, { a: 'PASS', b: 'FAIL', c: 'FAIL' }),
      evaluation(10, { a: 'FAIL', b: 'FAIL', c: 'FAIL' }),
    ];
    expect(failingSince(history, 'a')).toBe(30);
    expect(failingSince(history, 'b')).toBeUndefined();
    expect(failingSince(history, 'c')).toBe(40);
    // A rule added later counts from its first run.
    expect(failingSince([evaluation(50, { d: 'FAIL' }), ...history], 'd')).toBe(50);
  });
});

describe('recommendRuleset', () => {
  it('suggests rules from column statistics that parse as DQDL', () => {
    const text = recommendRuleset({
      rowCount: 100,
      columns: [
        { column: 'id', type: 'BIGINT', nulls: 0, distinct: 100, min: '1', max: '100' },
        {
          column: 'email "x"',
          type: 'VARCHAR',
          nulls: 7,
          distinct: 80,
          maxLength: 30,
          avgLength: 12,
        },
      ],
    });
    const rules = parseDqdl(text).rules.map((r) => r.text);
    expect(rules).toEqual([
      'RowCount between 50 and 150',
      'IsComplete "id"',
      'IsUnique "id"',
      'ColumnValues "id" between 1 and 100',
      'Completeness "email \\"x\\"" >= 0.93',
      'ColumnLength "email \\"x\\"" <= 30',
    ]);
    expect(parseDqdl(text).rules[4]).toMatchObject({ params: ['email "x"'] });
  });
});
