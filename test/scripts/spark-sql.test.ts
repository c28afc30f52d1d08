import { describe, expect, it } from 'vitest';
import { sparkTimePattern, sparkType, toSparkSql, type SparkPiece } from '../../src/scripts';

/** The translation as text, parameters as `{name}`. */
const text = (pieces: SparkPiece[]) =>
  pieces.map((p) => (typeof p === 'string' ? p : `{${p.param}}`)).join('');

function spark(sql: string, types: Record<string, string> = {}) {
  const t = toSparkSql(sql, new Map(Object.entries(types)));
  return { sql: text(t.pieces), problems: t.problems };
}

/** Translated without problems; the Spark SQL. */
function ok(sql: string, types: Record<string, string> = {}): string {
  const t = spark(sql, types);
  expect(t.problems, sql).toEqual([]);
  return t.sql;
}

describe('DuckDB expressions as Spark SQL: the divergences handled', () => {
  it('quotes names with backticks and strings with backslash escapes', () => {
    expect(ok(`"first name" || 'it''s \\ ok'`)).toBe("`first name` || 'it\\'s \\\\ ok'");
    expect(ok('Straße')).toBe('`Straße`');
  });

  it('casts: x::TYPE and CAST with DuckDB type names', () => {
    expect(ok('id::VARCHAR')).toBe('CAST(id AS string)');
    expect(ok('upper(s)::INTEGER[]')).toBe('CAST(upper(s) AS array<int>)');
    expect(ok('CAST(x AS DECIMAL(10, 2))')).toBe('CAST(x AS decimal(10,2))');
    expect(ok('TRY_CAST(x AS HUGEINT)')).toBe('try_cast(x AS decimal(38,0))');
    expect(ok('t.a::DATE')).toBe('CAST(t.a AS date)');
  });

  it('integer division // is div', () => {
    expect(ok('id // 4')).toBe('id  div  4');
  });

  it('/ divides as DOUBLE, as DuckDB does (DECIMALs too, where Spark would keep its own scale)', () => {
    expect(ok('amount / 3')).toBe('amount / CAST(3 AS DOUBLE)');
    expect(ok('amount / -amount * 2')).toBe('amount / CAST(- amount AS DOUBLE) * 2');
    expect(ok('(a + b) / sum(c)')).toBe('(a + b) / CAST(sum(c) AS DOUBLE)');
    expect(ok('a / b::INTEGER')).toBe('a / CAST(CAST(b AS int) AS DOUBLE)');
  });

  it('sum of an integer column adds up as DECIMAL(38,0), as DuckDB’s HUGEINT does', () => {
    expect(ok('sum(id)', { id: 'BIGINT' })).toBe('sum(CAST(id AS DECIMAL(38,0)))');
    expect(ok('sum(p.id)', { id: 'INTEGER' })).toBe('sum(CAST(p.id AS DECIMAL(38,0)))');
    expect(ok('sum(price)', { price: 'DOUBLE' })).toBe('sum(price)');
    expect(spark('sum(id * 2)', { id: 'BIGINT' }).problems).toEqual([
      expect.stringMatching(
        /^`sum\(…\)` of an expression over integer columns: DuckDB’s total is a HUGEINT/,
      ),
    ]);
  });

  it('text[i] is the i-th character; list[i] counts from 1 as element_at does', () => {
    expect(ok('"Straße"[1]', { straße: 'VARCHAR' })).toBe('substring(`Straße`, 1, 1)');
    expect(ok('tags[2]', { tags: 'VARCHAR[]' })).toBe('element_at(tags, 2)');
  });

  it('ORDER BY sorts NULLs last, as DuckDB does by default', () => {
    expect(ok('SELECT a FROM t ORDER BY a, b DESC LIMIT 3')).toBe(
      'SELECT a FROM t ORDER BY  a  NULLS LAST , b DESC  NULLS LAST LIMIT 3',
    );
    expect(ok('SELECT a FROM t ORDER BY a NULLS FIRST')).toBe(
      'SELECT a FROM t ORDER BY  a NULLS FIRST',
    );
    expect(ok('row_number() OVER (ORDER BY x)')).toBe(
      'row_number() OVER (ORDER BY  x  NULLS LAST)',
    );
  });

  it('date formats: strftime/strptime patterns become Spark patterns', () => {
    expect(ok(`strftime(joined, '%Y/%m at %H:%M')`)).toBe(
      `date_format(joined, 'yyyy/MM\\' at \\'HH:mm')`,
    );
    expect(ok(`strptime(s, '%d.%m.%Y')`)).toBe(`to_timestamp(s, 'dd.MM.yyyy')`);
    expect(sparkTimePattern('%Y-%m-%dT%H:%M:%S.%f')).toBe("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
  });

  it('functions with other names or arguments', () => {
    expect(ok(`concat(a, '-', b)`)).toBe(
      `concat_ws('', CAST(a AS STRING), CAST('-' AS STRING), CAST(b AS STRING))`,
    );
    expect(ok('starts_with(s, x)')).toBe('startswith(s, x)');
    expect(ok('strlen(s)')).toBe('length(s)');
    expect(ok(`regexp_matches(s, '^a')`)).toBe(`(s RLIKE '^a')`);
    expect(ok(`regexp_replace(s, '(a)', '<\\1>', 'g')`)).toBe(`regexp_replace(s, '(a)', '<$1>')`);
    expect(ok(`regexp_extract(s, 'a+')`)).toBe(`regexp_extract(s, 'a+', 0)`);
    expect(ok(`date_diff('day', a, b)`)).toBe('datediff(b, a)');
    expect(ok('dayofweek(d)')).toBe('(dayofweek(d) - 1)');
    expect(ok('[1, 2]')).toBe('array(1, 2)');
  });

  it('parameters stay pieces, filled at run time', () => {
    const t = toSparkSql('price > ${min}');
    expect(t.pieces).toEqual(['price > ', { param: 'min' }]);
  });
});

describe('what has no Spark equivalent is flagged in words', () => {
  const flagged: [string, RegExp][] = [
    ['list_sort(tags)', /`list_sort` has no Spark equivalent here/],
    [`regexp_replace(s, 'a', 'b')`, /replaces only the first match in DuckDB/],
    ['2 ^ 3', /power in DuckDB and not in Spark/],
    ['first(x)', /depends on row order/],
    ["string_agg(s, ',')", /`string_agg` has no Spark equivalent/],
    ['SELECT * EXCLUDE (a) FROM t', /EXCLUDE is DuckDB's own SQL/],
    ['SELECT a, count(*) FROM t GROUP BY ALL', /GROUP BY ALL/],
    ['SELECT * FROM t QUALIFY row_number() OVER () = 1', /QUALIFY/],
    ['s[1:2]', /slices/],
    ['x[1]', /indexing with \[ \] needs a column of known type/],
    ['made_up_fn(x)', /`made_up_fn` is not a function this export translates/],
    [`strftime(t, '%Q')`, /%Q has no Spark equivalent/],
    [`strftime(t, fmt)`, /takes a format Spark needs as a constant/],
    [`date_diff('month', a, b)`, /with part 'month'/],
    ['x::TIME', /TIME has no Spark type/],
    ["E'a\\n'", /E'…' strings/],
    ['len(x)', /write length/],
    ['{a: 1}', /struct literals/],
    ['x -> x + 1', /lambdas/],
  ];
  for (const [sql, why] of flagged)
    it(sql, () => {
      expect(spark(sql).problems.join('\n')).toMatch(why);
    });
});

describe('DuckDB types as Spark types', () => {
  it('maps scalars, decimals and nested types', () => {
    expect(sparkType('BIGINT')).toBe('bigint');
    expect(sparkType('DECIMAL(10,2)')).toBe('decimal(10,2)');
    expect(sparkType('STRUCT(id BIGINT, "e mail" VARCHAR)[]')).toBe(
      'array<struct<id:bigint,`e mail`:string>>',
    );
    expect(sparkType('MAP(VARCHAR, INTEGER)')).toBe('map<string,int>');
    expect(sparkType('TIMESTAMP WITH TIME ZONE')).toBe('timestamp');
  });
  it('refuses types Spark has no match for', () => {
    expect(() => sparkType('UBIGINT')).toThrow(/UBIGINT has no Spark type/);
    expect(() => sparkType('TIME')).toThrow(/TIME has no Spark type/);
  });
});
