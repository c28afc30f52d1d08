/**
 * DuckDB SQL (Derived Column expressions, SQL Query nodes) as Spark SQL, where the two differ:
 * quoting, casts (`x::INT`), integer division (`//`), string and list indexing (`s[1]`), NULL
 * ordering (DuckDB sorts NULLs last), date formats, and functions with other names, arguments
 * or meanings. Anything without an exact Spark equivalent is a problem in words, never a guess.
 */
import { sparkIdent, sparkString, sparkType } from './spark-types';
import { sparkTimePattern } from './time-patterns';

/** Spark SQL text, with `${param}` references left as pieces for the script to fill at run time. */
export type SparkPiece = string | { param: string };

export interface Translation {
  pieces: SparkPiece[];
  /** Why the expression cannot run on Spark as it does in the tab (empty: it can). */
  problems: string[];
}

/** Column types the expression sees (for `[ ]` indexing), by lower-cased name. */
export type ColumnTypes = ReadonlyMap<string, string>;

type Tok =
  | { t: 'word'; v: string }
  | { t: 'ident'; v: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: string }
  | { t: 'param'; v: string }
  | { t: 'op'; v: string }
  | { t: 'group'; open: string; items: Tok[] };

const OPS = ['->>', '::', '//', '||', '<=', '>=', '<>', '!=', '==', '**', '->'];

function lex(sql: string, problems: string[]): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const rest = sql.slice(i);
    if (/\s/.test(ch)) i++;
    else if (rest.startsWith('--'))
      i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (rest.startsWith('/*'))
      i = sql.indexOf('*/', i) < 0 ? sql.length : sql.indexOf('*/', i) + 2;
    else if (ch === "'" || ch === '"') {
      let v = '';
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) {
            v += ch;
            j++;
            continue;
          }
          break;
        }
        v += sql[j];
      }
      out.push({ t: ch === "'" ? 'string' : 'ident', v });
      i = j + 1;
    } else if (rest.startsWith('${')) {
      const close = sql.indexOf('}', i);
      out.push({ t: 'param', v: sql.slice(i + 2, close) });
      i = close + 1;
    } else if (/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.test(rest)) {
      const m = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(rest)!;
      out.push({ t: 'number', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(ch)) {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(rest)!;
      if ((m[0] === 'E' || m[0] === 'e') && sql[i + 1] === "'") {
        problems.push(
          "E'…' strings (backslash escapes) are not translated: write a plain '…' string",
        );
      }
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    } else {
      const op = OPS.find((o) => rest.startsWith(o)) ?? ch;
      if (op === '$') problems.push('$-quoted strings and $n parameters are not translated');
      out.push({ t: 'op', v: op });
      i += op.length;
    }
  }
  return out;
}

const CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function group(tokens: Tok[]): Tok[] {
  const stack: { open: string; items: Tok[] }[] = [{ open: '', items: [] }];
  for (const tok of tokens) {
    if (tok.t === 'op' && CLOSE[tok.v]) stack.push({ open: tok.v, items: [] });
    else if (tok.t === 'op' && Object.values(CLOSE).includes(tok.v) && stack.length > 1) {
      const g = stack.pop()!;
      stack.at(-1)!.items.push({ t: 'group', open: g.open, items: g.items });
    } else stack.at(-1)!.items.push(tok);
  }
  while (stack.length > 1) {
    const g = stack.pop()!;
    stack.at(-1)!.items.push({ t: 'group', open: g.open, items: g.items });
  }
  return stack[0]!.items;
}

/** Words that start or join clauses: a `(` after them is not a function call. */
const KEYWORDS = new Set(
  (
    'select from where group by having order limit offset as and or not in is null like ilike ' +
    'between case when then else end join inner left right full outer cross on using union all ' +
    'distinct except intersect with over partition rows range filter exists values asc desc ' +
    'nulls first last true false interval date timestamp any some lateral window into set ' +
    'natural semi anti escape following preceding unbounded current row'
  ).split(' '),
);

/** A name Spark only reads quoted (its bare names are ASCII). */
const NON_ASCII = /[\u0080-\uffff]/;

/** Keywords that are also functions when a `(` follows. */
const CALLABLE = new Set(['first', 'last', 'left', 'right']);

/** DuckDB functions Spark has under the same name, with the same meaning. */
const SAME = new Set(
  (
    'abs ceil ceiling floor round sqrt exp ln log10 log2 power pow sign greatest least coalesce ' +
    'nullif ifnull upper lower ucase lcase length trim ltrim rtrim lpad rpad replace substring ' +
    'substr left right reverse repeat instr md5 sha1 count sum avg min max stddev_samp ' +
    'stddev_pop var_samp var_pop median mode any_value count_if bool_and bool_or year month day ' +
    'hour minute second quarter dayofyear dayofmonth date_trunc current_date current_timestamp ' +
    'concat_ws contains split_part translate ascii chr cos sin tan acos asin atan atan2 pi ' +
    'degrees radians isnan last_day make_date cot row_number rank dense_rank percent_rank ' +
    'cume_dist ntile lag lead first_value last_value nth_value'
  ).split(' '),
);

const RENAMED: Record<string, string> = {
  strlen: 'length',
  char_length: 'length',
  character_length: 'length',
  starts_with: 'startswith',
  prefix: 'startswith',
  ends_with: 'endswith',
  suffix: 'endswith',
  list_contains: 'array_contains',
  array_contains: 'array_contains',
  list_has: 'array_contains',
  array_length: 'size',
  list_value: 'array',
  now: 'current_timestamp',
  get_current_timestamp: 'current_timestamp',
  today: 'current_date',
  gen_random_uuid: 'uuid',
  uuid: 'uuid',
  random: 'rand',
  stddev: 'stddev_samp',
  variance: 'var_samp',
  week: 'weekofyear',
  weekofyear: 'weekofyear',
  mean: 'avg',
  arbitrary: 'any_value',
};

/** Functions whose Spark namesake means something else, and what to say. */
const DIFFERENT: Record<string, string> = {
  list_sort: 'has no Spark equivalent here (array_sort orders NULLs differently)',
  array_sort: 'has no Spark equivalent here (array_sort orders NULLs differently)',
  list_reverse_sort: 'has no Spark equivalent here',
  hash: "has no Spark equivalent here (Spark's hash is another function)",
  string_agg: 'has no Spark equivalent here (collect_list does not keep DuckDB’s order)',
  listagg: 'has no Spark equivalent here',
  group_concat: 'has no Spark equivalent here',
  list: 'has no Spark equivalent here (collect_list does not keep DuckDB’s order)',
  array_agg: 'has no Spark equivalent here (collect_list does not keep DuckDB’s order)',
  first: 'depends on row order, which Spark does not keep across a shuffle',
  last: 'depends on row order, which Spark does not keep across a shuffle',
  typeof: "has no Spark equivalent here (Spark's typeof names types differently)",
  epoch: 'has no Spark equivalent here',
  columns: "(DuckDB's COLUMNS(…) star expression) has no Spark equivalent",
  unnest: 'has no Spark equivalent in an expression (use an Explode node)',
  len: 'is length for text and size for lists in DuckDB; write length(…) or array_length(…)',
  isodow: 'has no Spark equivalent here',
  printf: 'has no Spark equivalent here (format_string formats differently)',
  format: 'has no Spark equivalent here',
};

/** DuckDB's integer types (their sums are HUGEINT there). */
export const INTEGER_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/i;

interface Ctx {
  problems: string[];
  types: ColumnTypes;
}

/** Splits a group's items at top-level commas. */
function args(items: Tok[]): Tok[][] {
  const out: Tok[][] = [[]];
  for (const tok of items) {
    if (tok.t === 'op' && tok.v === ',') out.push([]);
    else out.at(-1)!.push(tok);
  }
  return items.length === 0 ? [] : out;
}

const lower = (t: Tok | undefined) => (t && t.t === 'word' ? t.v.toLowerCase() : undefined);

/** The type spelled by tokens (after `::` or `AS` in a cast), and how many tokens it took. */
function typeAt(items: Tok[], at: number, ctx: Ctx): { spark: string; used: number } {
  const first = items[at];
  if (!first || first.t !== 'word') {
    ctx.problems.push('a cast has no type after it');
    return { spark: 'string', used: 0 };
  }
  let text = first.v;
  let used = 1;
  // TIMESTAMP WITH TIME ZONE, DOUBLE PRECISION
  const words = items.slice(at + 1, at + 4).map(lower);
  if (first.v.toUpperCase() === 'TIMESTAMP' && words[0] === 'with') {
    text = 'TIMESTAMP WITH TIME ZONE';
    used = 4;
  } else if (first.v.toUpperCase() === 'DOUBLE' && words[0] === 'precision') used = 2;
  const g = items[at + used];
  if (g && g.t === 'group' && g.open === '(') {
    text += `(${g.items.map((x) => (x.t === 'group' ? '' : 'v' in x ? (x.t === 'ident' ? `"${x.v}"` : x.v) : '')).join(' ')})`;
    used++;
  }
  for (;;) {
    const b = items[at + used];
    if (b && b.t === 'group' && b.open === '[' && b.items.length === 0) {
      text += '[]';
      used++;
    } else break;
  }
  try {
    return { spark: sparkType(text), used };
  } catch (e) {
    ctx.problems.push(e instanceof Error ? e.message.replace(/^scripts: /, '') : String(e));
    return { spark: 'string', used };
  }
}

/** Whether tokens name a column of an integer type (in any nested group). */
function integerColumnIn(items: Tok[], ctx: Ctx): boolean {
  return items.some((t) =>
    t.t === 'group'
      ? integerColumnIn(t.items, ctx)
      : (t.t === 'ident' || t.t === 'word') &&
        INTEGER_TYPE.test(ctx.types.get(t.v.toLowerCase()) ?? ''),
  );
}

/** A literal argument's text, or undefined when the argument is not one string literal. */
function literalOf(arg: Tok[] | undefined): string | undefined {
  return arg && arg.length === 1 && arg[0]!.t === 'string' ? arg[0]!.v : undefined;
}

function call(name: string, fnArgs: Tok[][], ctx: Ctx): SparkPiece[] {
  const lname = name.toLowerCase();
  if (lname === 'cast' || lname === 'try_cast') {
    // The type after AS is not an expression: translated before the arguments are.
    const items = fnArgs[0] ?? [];
    const asAt = items.map(lower).lastIndexOf('as');
    if (asAt < 0) {
      ctx.problems.push(`\`${name}\` has no AS type`);
      return ['NULL'];
    }
    const { spark } = typeAt(items, asAt + 1, ctx);
    return [
      `${lname === 'try_cast' ? 'try_cast' : 'CAST'}(`,
      ...seq(items.slice(0, asAt), ctx),
      ` AS ${spark})`,
    ];
  }
  const a = fnArgs.map((x) => seq(x, ctx));
  const join = (parts: SparkPiece[][]) => parts.flatMap((p, i) => (i === 0 ? p : [', ', ...p]));
  const fn = (n: string, parts = a): SparkPiece[] => [`${n}(`, ...join(parts), ')'];
  const problem = (why: string): SparkPiece[] => {
    ctx.problems.push(`\`${name}\` ${why}`);
    return fn(lname);
  };
  switch (lname) {
    case 'sum': {
      // DuckDB sums integers into a HUGEINT that does not overflow; Spark's BIGINT sum would.
      // One column, maybe qualified (`t.col`).
      const arg = fnArgs.length === 1 ? fnArgs[0]! : [];
      const dotted = arg.length === 3 && arg[1]!.t === 'op' && arg[1]!.v === '.';
      const only = arg.length === 1 || dotted ? arg.at(-1) : undefined;
      const type =
        only && (only.t === 'ident' || only.t === 'word')
          ? ctx.types.get(only.v.toLowerCase())
          : undefined;
      if (type && INTEGER_TYPE.test(type)) return ['sum(CAST(', ...a[0]!, ' AS DECIMAL(38,0)))'];
      if (!only && fnArgs.some((x) => integerColumnIn(x, ctx)))
        ctx.problems.push(
          '`sum(…)` of an expression over integer columns: DuckDB’s total is a HUGEINT that does ' +
            'not overflow, Spark’s is a BIGINT that stops past 9223372036854775807 — sum ' +
            'CAST(… AS DECIMAL(38,0)) to make them agree',
        );
      return fn('sum');
    }
    case 'concat':
      // DuckDB's concat leaves NULLs out; Spark's would make the result NULL.
      return fn('concat_ws', [["''"], ...a.map((p) => ['CAST(', ...p, ' AS STRING)'])]);
    case 'strftime':
    case 'strptime':
    case 'try_strptime': {
      const [value, format] = lname === 'strftime' ? [a[0], fnArgs[1]] : [a[0], fnArgs[1]];
      const text = literalOf(format);
      if (text === undefined || !value) return problem('takes a format Spark needs as a constant');
      const pattern = sparkTimePattern(text);
      if (pattern instanceof Error) return problem(`: ${pattern.message}`);
      return lname === 'strftime'
        ? ['date_format(', ...value, `, ${sparkString(pattern)})`]
        : ['to_timestamp(', ...value, `, ${sparkString(pattern)})`];
    }
    case 'date_diff':
    case 'datediff': {
      const part = literalOf(fnArgs[0])?.toLowerCase();
      if (part === 'day' || part === 'days') return ['datediff(', ...a[2]!, ', ', ...a[1]!, ')'];
      return problem(
        `with part ${part === undefined ? '(not a constant)' : `'${part}'`} has no Spark equivalent here`,
      );
    }
    case 'regexp_matches':
    case 'regexp_full_match': {
      if (a.length !== 2) return problem('with options has no Spark equivalent here');
      const anchored = lname === 'regexp_full_match';
      const p = literalOf(fnArgs[1]);
      if (anchored && p === undefined) return problem('needs a constant pattern here');
      return ['(', ...a[0]!, ' RLIKE ', ...(anchored ? [sparkString(`^(?:${p})$`)] : a[1]!), ')'];
    }
    case 'regexp_replace': {
      const opts = literalOf(fnArgs[3]);
      if (!opts?.includes('g'))
        return problem(
          "replaces only the first match in DuckDB and every match in Spark: add the 'g' option to replace all",
        );
      if (opts.replace('g', '') !== '')
        return problem(`with options '${opts}' has no Spark equivalent here`);
      const r = literalOf(fnArgs[2]);
      if (r === undefined) return problem('needs a constant replacement here');
      // \1 in DuckDB (RE2) is $1 in Java's regular expressions.
      const java = r.replaceAll('$', '\\$').replace(/\\(\d)/g, '$$$1');
      return fn('regexp_replace', [a[0]!, a[1]!, [sparkString(java)]]);
    }
    case 'regexp_extract':
      if (a.length === 2) return fn('regexp_extract', [...a, ['0']]);
      if (a.length === 3 && fnArgs[2]!.length === 1 && fnArgs[2]![0]!.t === 'number')
        return fn('regexp_extract');
      return problem('with these arguments has no Spark equivalent here');
    case 'dayofweek':
    case 'dow':
      // DuckDB: Sunday 0 … Saturday 6; Spark: Sunday 1 … Saturday 7.
      return ['(dayofweek(', ...a[0]!, ') - 1)'];
    case 'string_split':
    case 'str_split': {
      const sep = literalOf(fnArgs[1]);
      if (sep === undefined) return problem('needs a constant separator here');
      return [
        'split(',
        ...a[0]!,
        `, ${sparkString(sep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))}, -1)`,
      ];
    }
    case 'string_split_regex':
    case 'regexp_split_to_array':
      return ['split(', ...a[0]!, ', ', ...a[1]!, ', -1)'];
  }
  if (DIFFERENT[lname]) return problem(DIFFERENT[lname]);
  if (RENAMED[lname]) return fn(RENAMED[lname]);
  if (SAME.has(lname)) return fn(lname);
  return problem('is not a function this export translates to Spark');
}

/** True when a token can end an operand (so `[` after it indexes, and `::` casts it). */
function endsOperand(t: Tok | undefined): boolean {
  if (!t) return false;
  if (t.t === 'op') return false;
  if (t.t === 'word')
    return (
      !KEYWORDS.has(t.v.toLowerCase()) || ['null', 'true', 'false'].includes(t.v.toLowerCase())
    );
  return true;
}

const ORDER_END = new Set([
  'limit',
  'offset',
  'rows',
  'range',
  'groups',
  'union',
  'except',
  'intersect',
  'fetch',
  'window',
  'qualify',
]);

/** One sequence of tokens (a whole expression, or a group's contents). */
function seq(items: Tok[], ctx: Ctx): SparkPiece[] {
  // Units: each operand's pieces, so `::` and `[ ]` can wrap the operand before them.
  const units: SparkPiece[][] = [];
  let ordering = false;
  let itemHasNulls = false;
  const endOrderItem = () => {
    if (ordering && !itemHasNulls) units.push([' NULLS LAST']);
    itemHasNulls = false;
  };
  for (let i = 0; i < items.length; i++) {
    const tok = items[i]!;
    const word = lower(tok);
    if (ordering && ((tok.t === 'op' && tok.v === ',') || (word && ORDER_END.has(word)))) {
      endOrderItem();
      if (word) ordering = false;
    }
    if (word === 'nulls') itemHasNulls = true;
    if (word === 'order' && lower(items[i + 1]) === 'by') {
      units.push(['ORDER BY ']);
      i++;
      if (lower(items[i + 1]) === 'all')
        ctx.problems.push('ORDER BY ALL has no Spark equivalent here');
      ordering = true;
      itemHasNulls = false;
      continue;
    }
    if (word === 'group' && lower(items[i + 1]) === 'by' && lower(items[i + 2]) === 'all')
      ctx.problems.push('GROUP BY ALL has no Spark equivalent here: name the columns');
    if (
      word === 'exclude' ||
      word === 'qualify' ||
      word === 'pivot' ||
      word === 'unpivot' ||
      word === 'sample'
    )
      ctx.problems.push(
        `${tok.t === 'word' ? tok.v.toUpperCase() : ''} is DuckDB's own SQL, with no Spark equivalent here`,
      );
    if (word === 'replace' && items[i - 1]?.t === 'op' && (items[i - 1] as { v: string }).v === '*')
      ctx.problems.push("SELECT * REPLACE is DuckDB's own SQL, with no Spark equivalent here");
    switch (tok.t) {
      case 'ident':
        units.push([sparkIdent(tok.v)]);
        break;
      case 'string':
        units.push([sparkString(tok.v)]);
        break;
      case 'number':
        units.push([tok.v]);
        break;
      case 'param':
        units.push([{ param: tok.v }]);
        break;
      case 'word': {
        const next = items[i + 1];
        const fnWord = !KEYWORDS.has(tok.v.toLowerCase()) || CALLABLE.has(tok.v.toLowerCase());
        if (next?.t === 'group' && next.open === '(' && fnWord) {
          units.push(call(tok.v, args(next.items), ctx));
          i++;
        } else if (NON_ASCII.test(tok.v)) units.push([sparkIdent(tok.v)]);
        else units.push([tok.v]);
        break;
      }
      case 'group': {
        if (tok.open === '(') units.push(['(', ...seq(tok.items, ctx), ')']);
        else if (tok.open === '{') {
          ctx.problems.push(
            'struct literals {…} are not translated: use struct(…) or named_struct(…)',
          );
          units.push(['NULL']);
        } else if (!endsOperand(items[i - 1])) {
          // A list literal [a, b].
          units.push([
            'array(',
            ...args(tok.items).flatMap((x, k) => [...(k ? [', '] : []), ...seq(x, ctx)]),
            ')',
          ]);
        } else {
          const operand = units.pop() ?? [];
          const prev = items[i - 1];
          const name = prev?.t === 'ident' || prev?.t === 'word' ? prev.v.toLowerCase() : undefined;
          const type = name === undefined ? undefined : ctx.types.get(name);
          const colon = tok.items.findIndex((x) => x.t === 'op' && x.v === ':');
          if (colon >= 0 || type === undefined) {
            ctx.problems.push(
              colon >= 0
                ? 'slices [a:b] are not translated: use substring(…) or slice(…)'
                : 'indexing with [ ] needs a column of known type right before it (a text or a list column)',
            );
            units.push(operand);
          } else if (/^(VARCHAR|TEXT|STRING)$/i.test(type)) {
            // DuckDB's text[i] is the i-th character, counting from 1.
            units.push(['substring(', ...operand, ', ', ...seq(tok.items, ctx), ', 1)']);
          } else if (/\[\]$/.test(type)) {
            units.push(['element_at(', ...operand, ', ', ...seq(tok.items, ctx), ')']);
          } else if (/^STRUCT/i.test(type)) {
            units.push([...operand, '[', ...seq(tok.items, ctx), ']']);
          } else {
            ctx.problems.push(`indexing a ${type} with [ ] is not translated`);
            units.push(operand);
          }
        }
        break;
      }
      case 'op': {
        if (tok.v === '::') {
          const operand = units.pop() ?? [];
          const { spark, used } = typeAt(items, i + 1, ctx);
          units.push(['CAST(', ...operand, ` AS ${spark})`]);
          i += used;
        } else if (tok.v === '//') units.push([' div ']);
        else if (tok.v === '^' || tok.v === '**')
          ctx.problems.push(`\`${tok.v}\` is power in DuckDB and not in Spark: write power(a, b)`);
        else if (tok.v === '->' || tok.v === '->>')
          ctx.problems.push(`\`${tok.v}\` (lambdas and JSON paths) is not translated`);
        else if (tok.v === '.') {
          // `t.col`: one operand.
          const before = units.pop() ?? [];
          const after = items[i + 1];
          if (after && (after.t === 'ident' || after.t === 'word')) {
            units.push([
              ...before,
              '.',
              after.t === 'ident' || NON_ASCII.test(after.v) ? sparkIdent(after.v) : after.v,
            ]);
            i++;
          } else units.push([...before, '.']);
        } else units.push([tok.v]);
        break;
      }
    }
  }
  endOrderItem();
  // DuckDB's `/` divides as DOUBLE (DECIMALs too); Spark's keeps DECIMAL with its own scale.
  for (let k = 0; k + 1 < units.length; k++) {
    if (units[k]!.length !== 1 || units[k]![0] !== '/') continue;
    const sign =
      units[k + 1]!.length === 1 && (units[k + 1]![0] === '-' || units[k + 1]![0] === '+');
    const n = sign ? 2 : 1;
    if (!units[k + n]) continue;
    const operand = units.splice(k + 1, n).flatMap((u, j) => (j === 0 ? u : [' ', ...u]));
    units.splice(k + 1, 0, ['CAST(', ...operand, ' AS DOUBLE)']);
  }
  return units.flatMap((u, k) => (k === 0 ? u : [' ', ...u]));
}

/** Adjacent text pieces merged. */
function merge(pieces: SparkPiece[]): SparkPiece[] {
  const out: SparkPiece[] = [];
  for (const p of pieces) {
    if (typeof p === 'string' && typeof out.at(-1) === 'string') out[out.length - 1] += p;
    else out.push(p);
  }
  return out;
}

/** A DuckDB expression or query as Spark SQL; `types` are the input's columns. */
export function toSparkSql(sql: string, types: ColumnTypes = new Map()): Translation {
  const ctx: Ctx = { problems: [], types };
  const pieces = merge(seq(group(lex(sql, ctx.problems)), ctx));
  return { pieces, problems: [...new Set(ctx.problems)] };
}
