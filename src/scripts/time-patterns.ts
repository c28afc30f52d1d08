/**
 * strftime/strptime patterns (DuckDB) as Spark's datetime patterns: `%d/%m/%Y %H:%M` →
 * `dd/MM/yyyy HH:mm`. Letters outside a specifier are quoted, as Spark reserves them all.
 */

const SPECIFIERS: Record<string, string> = {
  Y: 'yyyy',
  y: 'yy',
  m: 'MM',
  '-m': 'M',
  d: 'dd',
  '-d': 'd',
  H: 'HH',
  '-H': 'H',
  I: 'hh',
  '-I': 'h',
  M: 'mm',
  '-M': 'm',
  S: 'ss',
  '-S': 's',
  f: 'SSSSSS',
  g: 'SSS',
  p: 'a',
  b: 'MMM',
  h: 'MMM',
  B: 'MMMM',
  a: 'EEE',
  A: 'EEEE',
  j: 'DDD',
};

/** The Spark pattern, or an Error naming the specifier Spark has no match for. */
export function sparkTimePattern(pattern: string): string | Error {
  let out = '';
  let literal = '';
  const flush = () => {
    if (literal === '') return;
    out += /[A-Za-z']/.test(literal) ? `'${literal.replaceAll("'", "''")}'` : literal;
    literal = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch !== '%') {
      literal += ch;
      continue;
    }
    const dash = pattern[i + 1] === '-';
    const key = dash ? `-${pattern[i + 2] ?? ''}` : (pattern[i + 1] ?? '');
    if (key === '%') {
      literal += '%';
      i++;
      continue;
    }
    const spec = SPECIFIERS[key];
    if (!spec) return new Error(`the time format %${key} has no Spark equivalent here`);
    flush();
    out += spec;
    i += dash ? 2 : 1;
  }
  flush();
  return out;
}
