/**
 * DQDL's tokens: words, "strings" (backslash escapes), numbers, brackets, commas and comparison
 * operators. `#` starts a comment that runs to the end of its line.
 */
import { dqdlSyntaxError } from './syntax-error';

export type TokenKind = 'word' | 'string' | 'number' | 'punct' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  /** The word, the string's value, the number's text, the punctuation or operator. */
  text: string;
  start: number;
  end: number;
}

const PUNCT = new Set(['[', ']', '(', ')', ',', '+', '-']);

/** Every token of `source`, ending with one `end` token; throws a DqdlSyntaxError at a bad character. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length || source[i] === '\n')
          throw dqdlSyntaxError(source, start, 'this string has no closing "');
        const d = source[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < source.length) {
          value += source[i + 1];
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', text: value, start, end: i });
      continue;
    }
    const number = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      i += number[0].length;
      tokens.push({ kind: 'number', text: number[0], start, end: i });
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (word) {
      i += word[0].length;
      tokens.push({ kind: 'word', text: word[0], start, end: i });
      continue;
    }
    const op = /^(!=|>=|<=|=|>|<)/.exec(source.slice(i));
    if (op) {
      i += op[0].length;
      tokens.push({ kind: 'op', text: op[0], start, end: i });
      continue;
    }
    if (PUNCT.has(c)) {
      i++;
      tokens.push({ kind: 'punct', text: c, start, end: i });
      continue;
    }
    if (c === "'")
      throw dqdlSyntaxError(source, i, 'DQDL strings are in double quotes ("…"), not single');
    throw dqdlSyntaxError(source, i, `unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ kind: 'end', text: '', start: source.length, end: source.length });
  return tokens;
}
