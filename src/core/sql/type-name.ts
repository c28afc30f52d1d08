/**
 * A type cannot be quoted as a literal, so a type name from a user or a file is checked against
 * a conservative grammar before it goes into SQL text (`CAST(x AS …)`):
 *
 *   type  := words [ '(' arg { ',' arg } ')' ] { '[' [int] ']' }
 *   arg   := int | [ field-name ] type        (field-name: word or "quoted identifier")
 *   words := word { word }                     (word: [A-Za-z_][A-Za-z0-9_]*)
 *
 * That admits BIGINT, DECIMAL(10,2), TIMESTAMP WITH TIME ZONE, VARCHAR[], INTEGER[3][],
 * STRUCT(a INTEGER, "b c" VARCHAR[]), MAP(VARCHAR, DOUBLE), UNION(n INTEGER, s VARCHAR), and
 * nothing that can end the expression it sits in: no quotes but identifier quotes, no `;`, no
 * comments, parentheses balanced. Whether DuckDB knows the type is DuckDB's to say.
 */

type Token = { t: 'word' | 'int' | 'ident' | '(' | ')' | '[' | ']' | ',' };

/** Longest type name accepted; longer text is refused. */
export const MAX_TYPE_NAME_LENGTH = 1000;

/** True when `text` is a type name per the grammar above (it says nothing of DuckDB knowing it). */
export function isTypeName(text: string): boolean {
  if (text.length === 0 || text.length > MAX_TYPE_NAME_LENGTH) return false;
  const tokens = tokenize(text);
  if (!tokens) return false;
  const end = parseType(tokens, 0, 0);
  return end === tokens.length;
}

function tokenize(text: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if ('()[],'.includes(c)) {
      out.push({ t: c as Token['t'] });
      i++;
    } else if (c === '"') {
      // A quoted identifier: up to the next lone quote; `""` stands for one quote.
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return null;
        if (text[q + 1] === '"') j = q + 2;
        else {
          if (q === i + 1 || text.slice(i + 1, q).includes('\0')) return null;
          i = q + 1;
          break;
        }
      }
      out.push({ t: 'ident' });
    } else {
      const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)/.exec(text.slice(i, i + 200));
      if (!m) return null;
      out.push({ t: /^[0-9]/.test(m[0]) ? 'int' : 'word' });
      i += m[0].length;
    }
  }
  return out;
}

const MAX_DEPTH = 16;

/** Parses a type at `i`; returns the index after it, or -1. */
function parseType(tk: Token[], i: number, depth: number): number {
  if (depth > MAX_DEPTH || tk[i]?.t !== 'word') return -1;
  while (tk[i]?.t === 'word') i++;
  if (tk[i]?.t === '(') {
    i++;
    for (;;) {
      i = parseArg(tk, i, depth + 1);
      if (i < 0) return -1;
      if (tk[i]?.t === ',') i++;
      else if (tk[i]?.t === ')') {
        i++;
        break;
      } else return -1;
    }
  }
  while (tk[i]?.t === '[') {
    i++;
    if (tk[i]?.t === 'int') i++;
    if (tk[i]?.t !== ']') return -1;
    i++;
  }
  return i;
}

function parseArg(tk: Token[], i: number, depth: number): number {
  const tok = tk[i];
  if (tok?.t === 'int') return i + 1;
  if (tok?.t === 'ident') return parseType(tk, i + 1, depth);
  return parseType(tk, i, depth);
}
