/**
 * A recipe carries its job's literal values: the Share dialog warns (and unticks "Include the
 * recipe") when the job names a column the share withholds — a filter constant on it, an
 * expression or SQL that uses it — and says nothing when the job only reads or drops it.
 */
import { describe, expect, it } from 'vitest';
import { createNode, type Job, type JobNode } from '../../src/jobs';
import { recipeExposures, withheldColumns } from '../../src/share/recipe-exposure';
import { chain, source } from '../jobs/job-support';

const filterOnSsn: JobNode = {
  ...createNode('filter', 'f', 'one person'),
  options: {
    filter: {
      combine: 'AND',
      clauses: [
        { column: 'region', op: 'EQ', value: { kind: 'constant', value: 'north' } },
        {
          combine: 'OR',
          clauses: [{ column: 'SSN', op: 'EQ', value: { kind: 'constant', value: '123-45-6789' } }],
        },
      ],
    },
  },
} as JobNode;
const derivedFromEmail: JobNode = {
  ...createNode('derived-column', 'd', 'domain'),
  options: { column: 'domain', expression: "split_part(email, '@', 2)" },
} as JobNode;
const sqlOnPhone: JobNode = {
  ...createNode('sql-query', 'q', 'no test phone'),
  options: { query: "SELECT * FROM input1 WHERE phone <> '555-0100'", aliases: {} },
} as JobNode;
const dropSsn: JobNode = {
  ...createNode('drop-fields', 'x', 'drop ssn'),
  options: { columns: ['ssn'] },
} as JobNode;

const job = (...nodes: JobNode[]): Job =>
  chain([source('src', 'hr', 'people'), ...nodes], { name: 'clean people' });

describe('recipeExposures', () => {
  it("says a filter's constant on a withheld column, case-insensitively, with how it is withheld", () => {
    expect(recipeExposures(job(filterOnSsn), { hash: ['ssn'], salt: 's' })).toEqual([
      'The recipe\'s filter on "ssn" (step "one person") holds a value of a withheld column (hashed in this share).',
    ]);
  });

  it('says an expression or SQL that uses a withheld column, each node once', () => {
    const out = recipeExposures(job(derivedFromEmail, sqlOnPhone), {
      omit: ['email'],
      redact: ['phone'],
    });
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/Derived.*"domain" uses "email", a withheld column \(left out/);
    expect(out[1]).toMatch(/"no test phone" uses "phone", a withheld column \(redacted/);
  });

  it('is empty when nothing is withheld, when the job only drops or reads it, or names it inside a longer word', () => {
    expect(recipeExposures(job(filterOnSsn, derivedFromEmail), {})).toEqual([]);
    expect(recipeExposures(job(dropSsn), { omit: ['ssn'] })).toEqual([]);
    // `email` in `email_domain` is another column.
    const other: JobNode = {
      ...createNode('derived-column', 'o', 'other'),
      options: { column: 'email_domain_len', expression: 'length(email_domain)' },
    } as JobNode;
    expect(recipeExposures(job(other), { hash: ['email'], salt: 's' })).toEqual([]);
    // A filter on a kept column holds no withheld value.
    expect(recipeExposures(job(filterOnSsn), { omit: ['email'] })).toEqual([]);
  });

  it('lists every withheld column with how', () => {
    expect([
      ...withheldColumns({ omit: ['a'], hash: ['b'], redact: ['c'], partial: ['d'] }),
    ]).toEqual([
      ['a', 'left out'],
      ['b', 'hashed'],
      ['c', 'redacted'],
      ['d', 'partly redacted'],
    ]);
  });
});
