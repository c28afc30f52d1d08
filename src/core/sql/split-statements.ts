/**
 * Splits a script into statements at `;` the way DuckDB's lexer sees them: a `;` inside a
 * string ('…', E'…' with backslash escapes, $tag$…$tag$), a quoted identifier ("…"), or a
 * comment (-- to end of line, nested /* … *\/) does not end a statement.
 */

export interface SqlStatement {
  /** The text from just after the previous `;` (or the start) up to, not including, its `;`. */
  text: string;
  /** Offset of `text` in the script (UTF-16 code units). */
  start: number;
  /** The first keyword upper-cased (`SELECT`, `WITH`, …), `(` for a parenthesised query. */
  keyword: string;
}

/** Statements that hold code (blank or comment-only pieces are left out), in order. */
export function splitStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const text = sql.slice(start, end);
    const first = leadingTokens(text, 1)[0];
    if (first !== undefined) out.push({ text, start, keyword: keywordOf(first) });
  };
  while (i < sql.length) {
    if (sql[i] === ';') {
      push(i);
      start = i + 1;
      i++;
    } else i = skipToken(sql, i);
  }
  push(sql.length);
  return out;
}

/** A token of code: a bare word, a quoted identifier's name, a string literal, or one other character. */
export interface CodeToken {
  kind: 'word' | 'ident' | 'string' | 'other';
  text: string;
}

/** The first `n` tokens of code in `text`, skipping whitespace and comments. */
export function leadingTokens(text: string, n: number): CodeToken[] {
  const out: CodeToken[] = [];
  let i = 0;
  while (i < text.length && out.length < n) {
    const end = skipToken(text, i);
    const piece = text.slice(i, end);
    const c = piece[0]!;
    if (/\s/.test(c) || piece.startsWith('--') || piece.startsWith('/*')) {
      // not code
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c) && !isStringStart(text, i)) {
      out.push({ kind: 'word', text: piece });
    } else if (c === '"') {
      out.push({ kind: 'ident', text: piece.slice(1, -1).replaceAll('""', '"') });
    } else if (c === "'" || c === '$' || isStringStart(text, i)) {
      out.push({ kind: 'string', text: piece });
    } else {
      out.push({ kind: 'other', text: piece });
    }
    i = end;
  }
  return out;
}

/** A piece of `sql` as the lexer sees it, by offsets: `space` and `comment` hold no code. */
export interface TokenSpan {
  kind: CodeToken['kind'] | 'space' | 'comment';
  start: number;
  end: number;
}

/**
 * Every piece of `sql`, in order, covering it whole: for rewriting code while leaving strings,
 * quoted identifiers and comments alone. An unterminated string or comment runs to the end.
 */
export function tokenSpans(sql: string): TokenSpan[] {
  const out: TokenSpan[] = [];
  let i = 0;
  while (i < sql.length) {
    const end = skipToken(sql, i);
    const c = sql[i]!;
    let kind: TokenSpan['kind'];
    if (/\s/.test(c)) kind = 'space';
    else if (sql.startsWith('--', i) || sql.startsWith('/*', i)) kind = 'comment';
    else if (/[A-Za-z_\u0080-\uffff]/.test(c) && !isStringStart(sql, i)) kind = 'word';
    else if (c === '"') kind = 'ident';
    else if (c === "'" || (c === '$' && end - i > 1) || isStringStart(sql, i)) kind = 'string';
    else kind = 'other';
    out.push({ kind, start: i, end });
    i = end;
  }
  return out;
}

function keywordOf(t: CodeToken): string {
  return t.kind === 'word' ? t.text.toUpperCase() : t.text;
}

const WORD_CHAR = /[A-Za-z0-9_\u0080-\uffff]/;

/** E'…' (or e'…'): a string with backslash escapes, when E starts a token. */
function isStringStart(s: string, i: number): boolean {
  return (s[i] === 'E' || s[i] === 'e') && s[i + 1] === "'" && !WORD_CHAR.test(s[i - 1] ?? ' ');
}

/** Index just after the token (or comment, or run of whitespace) that starts at `i`. */
function skipToken(s: string, i: number): number {
  const c = s[i]!;
  if (/\s/.test(c)) {
    let j = i + 1;
    while (j < s.length && /\s/.test(s[j]!)) j++;
    return j;
  }
  if (c === '-' && s[i + 1] === '-') {
    const nl = s.indexOf('\n', i);
    return nl < 0 ? s.length : nl;
  }
  if (c === '/' && s[i + 1] === '*') return skipBlockComment(s, i);
  if (isStringStart(s, i)) return skipQuoted(s, i + 1, "'", true);
  if (c === "'" || c === '"') return skipQuoted(s, i, c, false);
  if (c === '$' && !WORD_CHAR.test(s[i - 1] ?? ' ')) {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(s.slice(i, i + 256))?.[0];
    if (tag) {
      const close = s.indexOf(tag, i + tag.length);
      return close < 0 ? s.length : close + tag.length;
    }
  }
  if (WORD_CHAR.test(c)) {
    let j = i + 1;
    while (j < s.length && WORD_CHAR.test(s[j]!)) j++;
    return j;
  }
  return i + 1;
}

/** From the opening quote at `i` to just after its closing one; a doubled quote is one quote. */
function skipQuoted(s: string, i: number, q: string, backslash: boolean): number {
  let j = i + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (backslash && c === '\\') j += 2;
    else if (c === q && s[j + 1] === q) j += 2;
    else if (c === q) return j + 1;
    else j++;
  }
  return s.length;
}

/** Block comments nest, as in PostgreSQL (whose grammar DuckDB uses). */
function skipBlockComment(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    if (s[j] === '/' && s[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (s[j] === '*' && s[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return s.length;
}
