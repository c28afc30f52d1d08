import { beforeAll, describe, expect, it } from 'vitest';
import { compileJob } from '../../src/jobs/compile';
import { substituteSql, substituteText } from '../../src/jobs/params';
import { expressionProblem, queryProblem } from '../../src/jobs/sql-text';
import { tokenSpans } from '../../src/core/sql/split-statements';
import { chain, jobEngine, node, problems, source, type JobEngine } from './job-support';

const params = new Map([
  ['region', "eu'; DROP TABLE x; --"],
  ['n', '5'],
]);

describe('substituteSql: parameters in expressions are quoted values', () => {
  it('replaces ${name} in code with a literal, never raw', () => {
    const issues: string[] = [];
    expect(
      substituteSql('region = ${region} AND n < ${n}::INT', params, (m) => issues.push(m)),
    ).toBe("region = 'eu''; DROP TABLE x; --' AND n < '5'::INT");
    expect(issues).toEqual([]);
  });

  it('leaves strings, quoted names and comments alone, and says ${…} inside quotes is a mistake', () => {
    const issues: string[] = [];
    expect(substituteSql(`'\${n}' || "\${n}" -- \${n}`, params, (m) => issues.push(m))).toBe(
      `'\${n}' || "\${n}" -- \${n}`,
    );
    expect(issues).toEqual([
      'write ${n} without quotes around it: it becomes a quoted value by itself',
      'write ${n} without quotes around it: it becomes a quoted value by itself',
    ]);
  });

  it('an unknown name is an issue', () => {
    const issues: string[] = [];
    substituteSql('${who}', params, (m) => issues.push(m));
    expect(issues).toEqual(['parameter "who" is not defined (add it as --who to the job)']);
  });

  it('substituteText fills a constant (quoted later as one literal)', () => {
    expect(substituteText('region-${region}', params, () => {})).toBe(
      "region-eu'; DROP TABLE x; --",
    );
  });
});

describe('expressionProblem and queryProblem', () => {
  it('accepts one expression, strings and comments included', () => {
    for (const ok of [
      'amount * 2',
      "coalesce(note, 'a;b)')",
      'amount -- a comment; with ) in it',
      '"we""ird;" + 1',
      "$$ ) ; $$ || E'\\''",
      '{a: 1, b: [1, 2]}',
    ])
      expect(expressionProblem(ok), ok).toBeNull();
  });

  it('refuses what would end the expression or the statement around it', () => {
    expect(expressionProblem('1; DROP TABLE t')).toMatch(/holds a ";"/);
    expect(expressionProblem('1) AS x FROM t --')).toMatch(/closes more than was opened/);
    expect(expressionProblem("'abc")).toBe('a string is not closed');
    expect(expressionProblem("'abc''")).toBe('a string is not closed');
    expect(expressionProblem('"abc')).toBe('a quoted name is not closed');
    expect(expressionProblem('1 /* open')).toBe('a comment is not closed');
    expect(expressionProblem('(1')).toBe('a parenthesis or bracket is not closed');
    expect(expressionProblem('  ')).toBe('the expression is empty');
    expect(expressionProblem('$$open')).toBe('a string is not closed');
  });

  it('a query is one SELECT-like statement; a trailing ; is fine', () => {
    expect(queryProblem('SELECT 1;')).toBeNull();
    expect(queryProblem('WITH a AS (SELECT 1) SELECT * FROM a')).toBeNull();
    expect(queryProblem('FROM input1')).toBeNull();
    expect(queryProblem('SELECT 1; SELECT 2')).toMatch(/more than one statement/);
    expect(queryProblem('INSTALL httpfs')).toMatch(/extensions cannot be installed/);
    expect(queryProblem('SET autoload_known_extensions = true')).toMatch(/is fixed/);
    expect(queryProblem("COPY t TO 'x.csv'")).toMatch(/not COPY/);
    expect(queryProblem('-- only a comment')).toBe('the query is empty');
  });

  it('tokenSpans covers the text whole, in order', () => {
    const text = `a'b'"c"-- d\n/* e */$$f$$ \${g}`;
    const spans = tokenSpans(text);
    expect(spans.map((s) => text.slice(s.start, s.end)).join('')).toBe(text);
    expect(spans.map((s) => s.kind)).toEqual([
      'word',
      'string',
      'ident',
      'comment',
      'space',
      'comment',
      'string',
      'space',
      'other',
      'other',
      'word',
      'other',
    ]);
  });
});

describe('on the engine: hostile text stays one value or is refused', () => {
  let je: JobEngine;
  beforeAll(async () => {
    je = await jobEngine();
  });

  it('a parameter built to break out is just a string', () => {
    const job = chain(
      [
        source('orders', 'shop', 'orders'),
        node('derived-column', 'dc', { column: 'r', expression: '${region}' }),
      ],
      { parameters: [{ name: 'region', value: "x'); DROP TABLE shop.orders; --" }] },
    );
    const rows = je.rows(compileJob(job, je.ctx).targets[0]!.sql);
    expect(rows.map((r) => r.r)).toEqual(Array(5).fill("x'); DROP TABLE shop.orders; --"));
    expect(je.rows('SELECT count(*) AS n FROM shop.orders')).toEqual([{ n: 5 }]);
  });

  it('an expression that tries to close its parentheses is refused before it reaches the engine', () => {
    const job = chain([
      source('orders', 'shop', 'orders'),
      node('derived-column', 'dc', {
        column: 'r',
        expression: '1) AS r FROM shop.orders); DROP TABLE shop.orders; --',
      }),
    ]);
    expect(problems(job, je.ctx)).toEqual([
      'Derived Column "dc": the expression cannot be used: a ")" closes more than was opened',
    ]);
  });
});
