import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FilterGroup } from '../../src/jobs';
import {
  compileShare,
  filterWords,
  shareIssues,
  shareTargetSpec,
  type ShareRules,
} from '../../src/share/share-rules';
import { withheldSentences } from '../../src/share/withheld-words';
import { decantErrorFrom } from '../support/decant-error';
import { fixturePath } from '../support/fixtures';
import { nativeRead, parquetAt } from '../support/native-duckdb';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { attachSalesFolder } from '../jobs/job-support';
import { PEOPLE, PEOPLE_CSV, SALES } from './share-fixtures';
import { attachCsv, scratchDir, tablesOf, writeParquet } from './share-support';

const NORTH_OVER_15: FilterGroup = {
  combine: 'AND',
  clauses: [
    { column: 'amount', op: 'GT', value: { kind: 'constant', value: '15' } },
    { column: 'region', op: 'EQ', value: { kind: 'constant', value: 'north' } },
  ],
};
const SALT = `it's a "secret"`;
const RULES: ShareRules = {
  omit: ['ssn', 'x"; DROP'],
  redact: ['phone'],
  hash: ['email'],
  rowFilter: NORTH_OVER_15,
  salt: SALT,
};
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
  attachCsv(engine, 'hr', 'people', [...PEOPLE.columns], PEOPLE_CSV);
  attachSalesFolder(tablesOf(engine), fixturePath('sales'), 'shop', 'sales');
});

describe('compileShare', () => {
  it('shares only the kept columns and rows: no sentinel in any column of the result', () => {
    const share = compileShare(PEOPLE, RULES);
    const rows = engine.s.rows(share.sql.text);
    expect(rows.map((r) => r.id)).toEqual([3, 4]);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'name', 'email', 'phone', 'region', 'amount']);
    for (const row of rows)
      for (const value of Object.values(row)) expect(String(value)).not.toMatch(/SENTINEL|@/);
    expect(rows.map((r) => r.phone)).toEqual([null, null]);
    // An independent SHA-256 of salt + value: the tokens are what the package promises.
    expect(rows.map((r) => r.email)).toEqual([
      sha(SALT + 'ada@example.org'),
      sha(SALT + 'di@example.org'),
    ]);
    expect(share.columns.map((c) => [c.name, c.type, c.treatment])).toEqual([
      ['id', 'BIGINT', 'kept'],
      ['name', 'VARCHAR', 'kept'],
      ['email', 'VARCHAR', 'hashed'],
      ['phone', 'VARCHAR', 'redacted'],
      ['region', 'VARCHAR', 'kept'],
      ['amount', 'DOUBLE', 'kept'],
    ]);
    expect(share.withheld).toEqual({
      omitted: ['ssn', 'x"; DROP'],
      hashed: ['email'],
      redacted: ['phone'],
      rowFilter: '"amount" is greater than "15" and "region" is "north"',
    });
  });

  it('writes Parquet through the job writer whose bytes hold no withheld value; native DuckDB reads it', async () => {
    const dir = scratchDir();
    const share = compileShare(PEOPLE, RULES);
    const [part, ...rest] = await writeParquet(engine, shareTargetSpec(share), 'none');
    expect(rest).toEqual([]);
    const bytes = Buffer.from(part!.bytes);
    // Uncompressed, so a value would sit in the bytes as written; a kept value proves the search works.
    expect(bytes.includes('north')).toBe(true);
    expect(bytes.includes('SENTINEL')).toBe(false);
    expect(bytes.includes('example.org')).toBe(false);
    expect(bytes.includes('DROP')).toBe(false);
    const file = join(dir, 'people.parquet');
    writeFileSync(file, bytes);
    const back = await nativeRead(parquetAt(file));
    expect(back.columns).toEqual([
      ['id', 'BIGINT'],
      ['name', 'VARCHAR'],
      ['email', 'VARCHAR'],
      ['phone', 'VARCHAR'],
      ['region', 'VARCHAR'],
      ['amount', 'DOUBLE'],
    ]);
    expect(back.rows).toEqual([
      {
        id: '3',
        name: 'Cy',
        email: sha(SALT + 'ada@example.org'),
        phone: null,
        region: 'north',
        amount: 30,
      },
      {
        id: '4',
        name: 'Di',
        email: sha(SALT + 'di@example.org'),
        phone: null,
        region: 'north',
        amount: 40,
      },
    ]);
  });

  it('the same search finds the sentinel when nothing is withheld (the check can fail)', async () => {
    const share = compileShare(PEOPLE, {});
    const [part] = await writeParquet(engine, shareTargetSpec(share), 'none');
    expect(Buffer.from(part!.bytes).includes('SENTINEL-SSN-4')).toBe(true);
    expect(share.withheld).toEqual({ omitted: [], hashed: [], redacted: [], rowFilter: null });
  });

  it('partly redacts: each value as text, all but its last 4 characters "*"; the package says so', async () => {
    const share = compileShare(PEOPLE, { partial: ['phone', 'ssn'], omit: ['x"; DROP'] });
    const rows = engine.s.rows(share.sql.text);
    // Computed here independently of the SQL.
    const keep4 = (s: string) => '*'.repeat(Math.max(s.length - 4, 0)) + s.slice(-4);
    expect(rows.map((r) => [r.ssn, r.phone])).toEqual(
      [1, 2, 3, 4].map((i) => [keep4(`SENTINEL-SSN-${i}`), keep4(`SENTINEL-PHONE-${i}`)]),
    );
    expect(share.columns.find((c) => c.name === 'phone')).toMatchObject({
      type: 'VARCHAR',
      treatment: 'partial',
    });
    expect(share.withheld.partial).toEqual(['ssn', 'phone']);
    expect(withheldSentences(share.withheld)).toContain(
      'Columns "ssn", "phone" are partly redacted: each value is shown as text with every character but its last 4 replaced by "*".',
    );
    const [part] = await writeParquet(engine, shareTargetSpec(share), 'none');
    expect(Buffer.from(part!.bytes).includes('SENTINEL')).toBe(false);
    expect(shareIssues(PEOPLE, { partial: ['phone'], hash: ['phone'], salt: 's' })).toEqual([
      'column "phone" is both hashed and partly redacted: choose one',
    ]);
  });

  it('keeps a row filter on a withheld column from spelling out its value', async () => {
    const share = compileShare(PEOPLE, {
      omit: ['ssn'],
      rowFilter: {
        combine: 'OR',
        clauses: [
          { column: 'ssn', op: 'EQ', value: { kind: 'constant', value: 'SENTINEL-SSN-3' } },
          { column: 'region', op: 'EQ', value: { kind: 'constant', value: 'south' } },
        ],
      },
    });
    expect(engine.s.rows(share.sql.text).map((r) => r.id)).toEqual([2, 3]);
    expect(share.withheld.rowFilter).toBe(
      '"ssn" is a value that is not shared or "region" is "south"',
    );
  });

  it('hashes deterministically per salt: equal values join, another salt gives other tokens', () => {
    const tokens = (salt: string) =>
      engine.s
        .rows(compileShare(PEOPLE, { hash: ['email'], salt }).sql.text)
        .map((r) => String(r.email));
    const a = tokens('one');
    expect(tokens('one')).toEqual(a);
    expect(a[0]).toBe(a[2]); // ada@ twice
    expect(new Set(a).size).toBe(3);
    const b = tokens('two');
    expect(b.every((t, i) => t !== a[i])).toBe(true);
    expect(a.every((t) => /^[0-9a-f]{64}$/.test(t))).toBe(true);
  });

  it('keeps partition keys as folders unless left out or redacted', async () => {
    const sales = SALES;
    expect(compileShare(sales, {}).partitionKeys).toEqual(['year', 'month']);
    expect(compileShare(sales, { omit: ['month'] }).partitionKeys).toEqual(['year']);
    expect(compileShare(sales, { redact: ['year'] }).partitionKeys).toEqual(['month']);
    const share = compileShare(sales, { omit: ['month'], hash: ['sku'], salt: 's' });
    const parts = await writeParquet(engine, shareTargetSpec(share));
    const all = engine.s.rows('SELECT count(*) AS n FROM shop.sales')[0]!.n;
    expect(parts.map((p) => p.rows).reduce((a, b) => a + b, 0)).toBe(all);
    expect(new Set(parts.map((p) => p.values.length))).toEqual(new Set([1]));
    expect(share.columns.find((c) => c.name === 'year')).toMatchObject({ partitionKey: true });
    const redacted = compileShare(sales, { redact: ['year'] });
    expect(redacted.columns.find((c) => c.name === 'year')).toMatchObject({
      partitionKey: false,
      treatment: 'redacted',
    });
  });
});

describe('shareIssues', () => {
  it('names unknown columns, double rules, a missing salt, an empty share and a bad filter', () => {
    expect(shareIssues(PEOPLE, RULES)).toEqual([]);
    expect(
      shareIssues(PEOPLE, {
        omit: ['nope', 'email'],
        hash: ['EMAIL'],
        rowFilter: {
          combine: 'OR',
          clauses: [
            { column: 'missing', op: 'ISNULL' },
            { column: 'amount', op: 'LT', value: { kind: 'constant', value: 'ten' } },
          ],
        },
      }),
    ).toEqual([
      'column "nope" (left out) is not in table "hr.people"',
      'column "EMAIL" is both left out and hashed: choose one',
      'hashed columns need a salt (a secret kept out of the package)',
      'row filter: column "missing" is not in table "hr.people"',
      'row filter: "ten" is not a number, and column "amount" is DOUBLE',
    ]);
    expect(shareIssues(PEOPLE, { omit: PEOPLE.columns.map((c) => c.name) })).toEqual([
      'every column of table "hr.people" is left out: nothing would be shared',
    ]);
  });

  it('compileShare refuses with a share: DecantError naming every problem', () => {
    const e = decantErrorFrom(() => compileShare(PEOPLE, { hash: ['nope'] }));
    expect(e.domain).toBe('share');
    expect(e.message).toBe(
      'share: cannot share table "hr.people": column "nope" (hashed) is not in table "hr.people"; ' +
        'hashed columns need a salt (a secret kept out of the package)',
    );
  });
});

describe('filterWords', () => {
  it('says a nested, negated filter in words', () => {
    expect(
      filterWords({
        combine: 'OR',
        clauses: [
          { column: 'region', op: 'ISNULL', negated: true },
          {
            combine: 'AND',
            negated: true,
            clauses: [
              { column: 'a', op: 'LTE', value: { kind: 'column', column: 'b' } },
              { column: 'name', op: 'REGEX', value: { kind: 'constant', value: '^A' } },
            ],
          },
        ],
      }),
    ).toBe(
      'not ("region" is empty) or not ("a" is at most column "b" and "name" matches the pattern "^A")',
    );
  });
});
