import { describe, expect, it } from 'vitest';
import { parseDqdl } from '../../src/quality/dqdl/parse';
import { DqdlSyntaxError } from '../../src/quality/dqdl/syntax-error';
import type { SimpleRule } from '../../src/quality/dqdl/ast';

/** Rules written in AWS Glue's DQDL reference, one per rule type page and the syntax page. */
const GLUE_EXAMPLES = [
  'IsComplete "order-id"',
  'IsUnique "order-id"',
  '(IsComplete "id") and (IsUnique "id")',
  '(RowCount "id" > 100) or (IsPrimaryKey "id")',
  '(Mean "Star_Rating" > 3) and (Mean "Order_Total" > 500) and (IsComplete "Order_Id")',
  '(Mean "Star_Rating" > 3) and ((Mean "Order_Total" > 500) or (IsComplete "Order_Id"))',
  '(RowCount > 0) or ((IsComplete "colA") and (IsUnique "colA"))',
  'ColumnCorrelation "height" "weight" > 0.8',
  'ColumnCorrelation "weightinkgs" "Salary" > 0.8 where "weightinkgs > 40"',
  'ColumnCount >= 10',
  'ColumnDataType "colA" = "INTEGER"',
  'ColumnDataType "colA" = "INTEGER" with threshold > 0.9',
  'ColumnDataType "colA" in ["INTEGER", "DATE"]',
  'ColumnExists "Middle_Name"',
  'ColumnLength "Postal_Code" = 5',
  'ColumnLength "First_Name" between 1 and 10 where "Country = \'US\'"',
  'ColumnLength "Product_Name" <= 100',
  'ColumnNamesMatchPattern "aws_.*"',
  'ColumnValues "Country" in [ "US", "CA", "UK", NULL, EMPTY, WHITESPACES_ONLY ]',
  'ColumnValues "gender" in ["F", "M"] where "weightinkgs < 10"',
  'ColumnValues "First_Name" matches "[a-zA-Z]*"',
  'ColumnValues "Load_Date" > (now() - 3 days)',
  'ColumnValues "Customer_ID" between 1 and 2000',
  'ColumnValues "colA" != "a"',
  'ColumnValues "colA" not in ["A", "B"]',
  'ColumnValues "colA" not between 1 and 5',
  'ColumnValues "colA" in ["A", "B"] with threshold > 0.8',
  'Completeness "First_Name" > 0.95',
  'Completeness "First_Name" > 0.95 where "weightinkgs > 10"',
  'CustomSql "select count(*) from primary" between 10 and 20',
  'CustomSql "select count(*) from primary where id > 1000" > 0',
  'CustomSql "select Name from primary where Age > 18"',
  'CustomSql "select Name from primary where Age > 18" with threshold > 3',
  'DataFreshness "Order_Date" <= 24 hours',
  'DataFreshness "Order_Date" between 2 days and 5 days',
  'DistinctValuesCount "State" > 3',
  'DistinctValuesCount "Customer_ID" < 6 where "Customer_ID < 10"',
  'Entropy "Star_Rating" > 1',
  'Entropy "First_Name" > 1 where "Customer_ID < 10"',
  'IsPrimaryKey "Customer_ID"',
  'IsPrimaryKey "colA" "colB"',
  'IsUnique "Customer_ID" where "Customer_ID < 10"',
  'IsUnique "vendorid" "tpep_pickup_datetime"',
  'Mean "Star_Rating" > 3',
  'Mean "Salary" < 10000 where "Customer_ID < 10"',
  'ReferentialIntegrity "zipcode" "reference.zipcode" >= 0.9',
  'RowCount between 10 and 100',
  'RowCount >= 100 where "Customer_ID < 10"',
  'RowCountMatch "reference" = 1.0',
  'RowCountMatch "reference" >= 0.9',
  'StandardDeviation "Star_Rating" < 1.5',
  'Sum "transaction_total" > 500000',
  'Uniqueness "email" = 1.0',
  'Uniqueness "Customer_ID" != 1.0 where "Customer_ID < 10"',
  'Uniqueness "vendorid" "tpep_pickup_datetime" = 1',
  'UniqueValueRatio "test_score" between 0 and 0.5',
];

/** The line and column a ruleset's error names. */
function errorAt(source: string): { line: number; column: number; reason: string } {
  try {
    parseDqdl(source);
  } catch (e) {
    if (!(e instanceof DqdlSyntaxError)) throw e;
    expect(e.message).toBe(
      `quality: line ${e.position.line}, column ${e.position.column}: ${e.reason}`,
    );
    return { line: e.position.line, column: e.position.column, reason: e.reason };
  }
  throw new Error(`parsed: ${source}`);
}

describe('parseDqdl', () => {
  it.each(GLUE_EXAMPLES)('parses Glue’s example %s', (rule) => {
    const set = parseDqdl(`Rules = [ ${rule} ]`);
    expect(set.rules).toHaveLength(1);
    expect(set.rules[0]!.text).toBe(rule);
  });

  it('parses the issue’s ruleset, with comments and a trailing comma', () => {
    const set = parseDqdl(`# orders checks
Rules = [
  RowCount > 100,  # at least a day's worth
  IsComplete "id",
  ColumnValues "status" in ["new", "paid"],
  Completeness "email" >= 0.95 where "country = 'US'",
  (IsUnique "id") and (ColumnLength "sku" = 8),
]`);
    expect(set.rules.map((r) => r.kind)).toEqual(['rule', 'rule', 'rule', 'rule', 'and']);
    const completeness = set.rules[3] as SimpleRule;
    expect(completeness).toMatchObject({
      type: 'Completeness',
      params: ['email'],
      condition: { kind: 'compare', op: '>=', value: { kind: 'number', value: 0.95 } },
      where: { sql: "country = 'US'" },
    });
    const and = set.rules[4]!;
    expect(and.kind === 'and' && and.rules.map((r) => r.text)).toEqual([
      'IsUnique "id"',
      'ColumnLength "sku" = 8',
    ]);
  });

  it('reads conditions as values: now() arithmetic, durations, keywords, negatives, thresholds', () => {
    const set = parseDqdl(`Rules = [
      ColumnValues "d" between (now() - 3 days) and now() + 4 hours,
      DataFreshness "ts" between 2 days and 30 minutes,
      ColumnValues "x" not in [NULL, EMPTY, -1.5],
      ColumnValues "s" not matches "^a\\\\d" with threshold >= 0.9
    ]`);
    const [a, b, c, d] = set.rules as SimpleRule[];
    expect(a!.condition).toMatchObject({
      kind: 'between',
      low: { kind: 'now', offsets: [{ sign: -1, duration: { amount: 3, unit: 'days' } }] },
      high: { kind: 'now', offsets: [{ sign: 1, duration: { amount: 4, unit: 'hours' } }] },
    });
    expect(b!.condition).toMatchObject({
      low: { kind: 'duration', duration: { amount: 2, unit: 'days' } },
      high: { kind: 'duration', duration: { amount: 30, unit: 'minutes' } },
    });
    expect(c!.condition).toMatchObject({
      kind: 'in',
      negated: true,
      values: [
        { kind: 'keyword', value: 'NULL' },
        { kind: 'keyword', value: 'EMPTY' },
        { value: -1.5 },
      ],
    });
    expect(d!.condition).toMatchObject({ kind: 'matches', negated: true, pattern: '^a\\d' });
    expect(d!.threshold).toMatchObject({ kind: 'compare', op: '>=', value: { value: 0.9 } });
  });

  it('names the line and column of a misspelt rule type, and suggests the right one', () => {
    expect(errorAt('Rules = [\n  IsComplete "id",\n  IsUnqiue "id"\n]')).toEqual({
      line: 3,
      column: 3,
      reason: 'unknown rule type "IsUnqiue": did you mean IsUnique?',
    });
  });

  it.each([
    ['Rules = [ RowCount > ]', 1, 22, 'expected a value, found "]"'],
    [
      'Rules = [ IsComplete ]',
      1,
      22,
      'IsComplete needs one parameter in double quotes: IsComplete "column"',
    ],
    [
      'Rules = [ IsComplete "a" "b" ]',
      1,
      26,
      'IsComplete takes one parameter: IsComplete "column"',
    ],
    [
      'Rules = [ IsComplete "id" IsUnique "id" ]',
      1,
      27,
      'unexpected "IsUnique" after the rule; rules are separated by ","',
    ],
    [
      'Rules = [ Completeness "a" ]',
      1,
      28,
      'Completeness needs a condition here, e.g. Completeness "column" >= 0.95',
    ],
    ['Rules = [ Completeness "a" > "x" ]', 1, 30, 'Completeness compares a number, not a string'],
    [
      'Rules = [\n  Mean "a" > 1 with threshold > 0.5 ]',
      2,
      16,
      'Mean is not measured row by row, so it takes no threshold',
    ],
    [
      'Rules = [ IsComplete "a" and IsUnique "a" ]',
      1,
      11,
      'each rule joined by "and" must be in parentheses: (IsComplete "a") and (…)',
    ],
    [
      'Rules = [ (IsComplete "a") and (IsUnique "a") or (RowCount > 1) ]',
      1,
      47,
      '"and" and "or" at one level are ambiguous: add parentheses around one side',
    ],
    [
      'Rules = [ (IsComplete "a" ]',
      1,
      27,
      'expected ")" to close the "(" at line 1, column 11, found "]"',
    ],
    ['Rules = [ IsComplete "a', 1, 22, 'this string has no closing "'],
    [
      "Rules = [ ColumnValues 'a' > 1 ]",
      1,
      24,
      'DQDL strings are in double quotes ("…"), not single',
    ],
    [
      'Rules = [ IsComplete "a"',
      1,
      25,
      'expected "," between rules or "]" at the end, found the end of the ruleset',
    ],
    [
      'Rules = [ ColumnValues "a" matches "[" ]',
      1,
      36,
      expect.stringMatching(/^not a valid regular expression/),
    ],
    [
      'Rules = [ DataFreshness "a" <= 24 ]',
      1,
      35,
      'expected a unit after 24 (minutes, hours or days)',
    ],
    [
      'Rules = [ Mean "a" > avg(last(3)) ]',
      1,
      22,
      'dynamic rules (avg(…)) need earlier runs of Glue ETL: compare with a value',
    ],
    ['Rules = [ RowCount > 1 ] extra', 1, 26, 'nothing may follow the Rules list, found "extra"'],
    ['Rule = [ RowCount > 1 ]', 1, 1, 'a ruleset starts with "Rules = [", found "Rule"'],
    ['', 1, 1, 'empty ruleset: write Rules = [ … ]'],
    ['Rules = [ ColumnValues "a" in [] ]', 1, 28, 'the "in" list is empty'],
    ['Rules = [ ColumnValues "a" ~ 1 ]', 1, 28, 'unexpected character "~"'],
  ])('%j fails at line %i, column %i', (source, line, column, reason) => {
    expect(errorAt(source)).toEqual({ line, column, reason });
  });
});
