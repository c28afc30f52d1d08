import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { rowOutcomesSql, rowRules } from '../../src/quality';

/** Row-level outcomes over a small table, each rule's failing rows counted independently in SQL. */
const TABLE = `(SELECT * FROM (VALUES
  (1, 'a', 10.0), (2, 'b', NULL), (3, NULL, 5.0), (4, 'b', 7.5), (5, 'eeeee', 1.0), (6, 'f', 8.0)
) t(id, code, amount))`;
const COLUMNS = [
  { name: 'id', type: 'INTEGER' },
  { name: 'code', type: 'VARCHAR' },
  { name: 'amount', type: 'DECIMAL(3,1)' },
];

async function rows(text: string): Promise<Record<string, unknown>[]> {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const rules = rowRules(text, COLUMNS, new Date('2025-01-01T00:00:00Z'));
  const q = `${rowOutcomesSql(TABLE, rules, COLUMNS)} ORDER BY id`;
  const out = (await c.runAndReadAll(q)).getRowObjectsJson();
  c.closeSync();
  return out;
}

async function count(where: string): Promise<number> {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const n = (
    await c.runAndReadAll(`SELECT count(*) AS n FROM ${TABLE} WHERE ${where}`)
  ).getRowObjectsJson()[0]!.n;
  c.closeSync();
  return Number(n);
}

const failing = (rs: Record<string, unknown>[], rule: string) =>
  rs.filter((r) => (r.DataQualityRulesFail as string[]).includes(rule)).length;

describe('row-level outcome columns', () => {
  it('fails each row on the rules it breaks; dataset-level rules are skipped on every row', async () => {
    const rs = await rows(
      'Rules = [ IsComplete "code", ColumnValues "amount" > 4, ColumnLength "code" <= 3, IsUnique "code", RowCount > 100 ]',
    );
    expect(rs).toHaveLength(6);
    expect(failing(rs, 'IsComplete "code"')).toBe(await count('code IS NULL'));
    expect(failing(rs, 'ColumnValues "amount" > 4')).toBe(
      await count('NOT coalesce(amount > 4, false)'),
    );
    expect(failing(rs, 'ColumnLength "code" <= 3')).toBe(
      await count('NOT coalesce(length(code) <= 3, false)'),
    );
    expect(failing(rs, 'IsUnique "code"')).toBe(
      await count(
        `code IS NULL OR code IN (SELECT code FROM ${TABLE} GROUP BY code HAVING count(*) > 1)`,
      ),
    );
    for (const r of rs) expect(r.DataQualityRulesSkip).toEqual(['RowCount > 100']);
    const failed = rs.filter((r) => r.DataQualityEvaluationResult === 'Failed').map((r) => r.id);
    const passed = rs.filter((r) => r.DataQualityEvaluationResult === 'Passed').map((r) => r.id);
    expect(passed).toEqual([1, 6]);
    expect(failed).toEqual([2, 3, 4, 5]);
    expect(rs[0]!.DataQualityRulesPass).toHaveLength(4);
  });

  it('a row its `where` leaves out is skipped; composites combine their parts row by row', async () => {
    const rs = await rows(
      'Rules = [ ColumnValues "amount" > 6 where "id > 3", (IsComplete "code") or (ColumnValues "amount" > 100) ]',
    );
    const where = 'ColumnValues "amount" > 6 where "id > 3"';
    const composite = '(IsComplete "code") or (ColumnValues "amount" > 100)';
    expect(rs.filter((r) => (r.DataQualityRulesSkip as string[]).includes(where))).toHaveLength(
      await count('NOT (id > 3)'),
    );
    expect(failing(rs, where)).toBe(await count('id > 3 AND NOT coalesce(amount > 6, false)'));
    expect(failing(rs, composite)).toBe(
      await count('code IS NULL AND NOT coalesce(amount > 100, false)'),
    );
    expect(rs.map((r) => r.DataQualityEvaluationResult)).toEqual([
      'Passed',
      'Passed',
      'Failed',
      'Passed',
      'Failed',
      'Passed',
    ]);
  });

  it('no row-level rule: every row passes, with empty lists', async () => {
    const rs = await rows('Rules = [ RowCount > 0, Mean "amount" > 1 ]');
    for (const r of rs) {
      expect(r.DataQualityRulesPass).toEqual([]);
      expect(r.DataQualityRulesFail).toEqual([]);
      expect(r.DataQualityEvaluationResult).toBe('Passed');
    }
  });
});
