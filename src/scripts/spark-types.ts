/**
 * DuckDB type names as Spark SQL's (for schemas, casts and ApplyMapping): `BIGINT` → `bigint`,
 * `STRUCT(id BIGINT, "e mail" VARCHAR)[]` → ``array<struct<id:bigint,`e mail`:string>>``.
 * Throws a `scripts:` Error for a type Spark has no exact match for (the caller flags it).
 */

const SIMPLE: Record<string, string> = {
  BIGINT: 'bigint',
  INT8: 'bigint',
  LONG: 'bigint',
  INTEGER: 'int',
  INT: 'int',
  INT4: 'int',
  SMALLINT: 'smallint',
  INT2: 'smallint',
  TINYINT: 'tinyint',
  INT1: 'tinyint',
  HUGEINT: 'decimal(38,0)',
  DOUBLE: 'double',
  FLOAT8: 'double',
  FLOAT: 'float',
  REAL: 'float',
  FLOAT4: 'float',
  VARCHAR: 'string',
  TEXT: 'string',
  STRING: 'string',
  CHAR: 'string',
  BPCHAR: 'string',
  UUID: 'string',
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  DATE: 'date',
  // Spark's TIMESTAMP is an instant shown in the session's zone; the script runs in UTC, so
  // it holds DuckDB's wall-clock TIMESTAMP unchanged.
  TIMESTAMP: 'timestamp',
  DATETIME: 'timestamp',
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
  TIMESTAMPTZ: 'timestamp',
  BLOB: 'binary',
  BYTEA: 'binary',
};

/** Glue's type names in ApplyMapping (`long`, `string`…) for Spark's. */
const GLUE: Record<string, string> = {
  bigint: 'long',
  int: 'int',
  smallint: 'short',
  tinyint: 'byte',
};

interface Cursor {
  text: string;
  at: number;
}

function skipSpace(c: Cursor) {
  while (c.at < c.text.length && /\s/.test(c.text[c.at]!)) c.at++;
}

function fieldName(c: Cursor): string {
  skipSpace(c);
  if (c.text[c.at] === '"') {
    let out = '';
    c.at++;
    while (c.at < c.text.length) {
      if (c.text[c.at] === '"') {
        if (c.text[c.at + 1] === '"') {
          out += '"';
          c.at += 2;
          continue;
        }
        c.at++;
        return out;
      }
      out += c.text[c.at++];
    }
    throw new Error('scripts: an unclosed quote in a type');
  }
  const m = /^[^\s,()[\]]+/.exec(c.text.slice(c.at));
  if (!m) throw new Error(`scripts: a field name is missing in ${JSON.stringify(c.text)}`);
  c.at += m[0].length;
  return m[0];
}

/** A Spark field name: backticked unless plain. */
function sparkField(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : '`' + name.replaceAll('`', '``') + '`';
}

function parseType(c: Cursor): string {
  skipSpace(c);
  const rest = c.text.slice(c.at);
  let base: string;
  const word = /^(TIMESTAMP WITH TIME ZONE|[A-Za-z_][A-Za-z0-9_]*)/i.exec(rest);
  if (!word) throw new Error(`scripts: ${JSON.stringify(c.text)} is not a type`);
  c.at += word[0].length;
  const name = word[0].toUpperCase();
  skipSpace(c);
  if (name === 'STRUCT' || name === 'MAP' || name === 'DECIMAL' || name === 'NUMERIC') {
    if (c.text[c.at] !== '(') {
      if (name === 'DECIMAL' || name === 'NUMERIC') base = 'decimal(18,3)';
      else throw new Error(`scripts: ${name} needs its fields`);
    } else {
      c.at++;
      if (name === 'STRUCT') {
        const fields: string[] = [];
        for (;;) {
          const f = fieldName(c);
          fields.push(`${sparkField(f)}:${parseType(c)}`);
          skipSpace(c);
          if (c.text[c.at] === ',') c.at++;
          else break;
        }
        base = `struct<${fields.join(',')}>`;
      } else if (name === 'MAP') {
        const k = parseType(c);
        skipSpace(c);
        c.at++; // ,
        base = `map<${k},${parseType(c)}>`;
      } else {
        const m = /^\s*(\d+)\s*(?:,\s*(\d+)\s*)?/.exec(c.text.slice(c.at))!;
        c.at += m[0].length;
        base = `decimal(${m[1]},${m[2] ?? '0'})`;
      }
      skipSpace(c);
      if (c.text[c.at] !== ')') throw new Error(`scripts: ${JSON.stringify(c.text)} is not a type`);
      c.at++;
    }
  } else if (name === 'VARCHAR' && c.text[c.at] === '(') {
    c.at = c.text.indexOf(')', c.at) + 1;
    base = 'string';
  } else {
    const simple = SIMPLE[name];
    if (!simple) throw new Error(`scripts: DuckDB's ${name} has no Spark type here`);
    base = simple;
  }
  for (;;) {
    skipSpace(c);
    if (c.text.startsWith('[]', c.at)) {
      c.at += 2;
      base = `array<${base}>`;
    } else break;
  }
  return base;
}

/** Spark's name for a DuckDB type. Throws for one with no exact match (TIME, UBIGINT, UNION…). */
export function sparkType(duckdb: string): string {
  const c = { text: duckdb.trim(), at: 0 };
  const t = parseType(c);
  skipSpace(c);
  if (c.at !== c.text.length) throw new Error(`scripts: ${JSON.stringify(duckdb)} is not a type`);
  return t;
}

/** The type as Glue's ApplyMapping names it (`long` for bigint; others as Spark's). */
export function glueType(spark: string): string {
  return GLUE[spark] ?? spark;
}

/** A column name as Spark SQL reads it: in backticks, inner backticks doubled. */
export function sparkIdent(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

/** A Spark SQL string literal (backslash escapes are on by default). */
export function sparkString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
