/**
 * Glob patterns as Glue's crawler exclusions read them, matched against a whole '/'-separated
 * path: `*` is any run of characters but '/', `?` one character but '/', `**` any run of
 * characters including '/', `[a-z]` / `[!abc]` one character from (or not from) a set,
 * `{a,b}` either alternative, `\x` a literal x. One extension: a `**` segment followed by '/'
 * may stand for no folder at all, so `**\/x.crc` matches `x.crc` at the top as well.
 * Names starting with '.' are matched like any other.
 */
import { DecantError } from '../core/errors';

/** Throws a DecantError, naming the pattern, for an unclosed `{` or `[`, a stray `}`, a trailing `\`. */
export function globToRegExp(glob: string): RegExp {
  const pattern = glob.replace(/^(?:\.\/|\/)+/, '');
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw globError(glob, 'ends with a lone "\\"');
      out += escapeRegExp(next);
      i++;
    } else if (c === '*' && pattern[i + 1] === '*') {
      const start = i;
      while (pattern[i + 1] === '*') i++;
      const startsSegment = start === 0 || pattern[start - 1] === '/';
      if (startsSegment && pattern[i + 1] === '/') {
        out += '(?:.*/)?';
        i++;
      } else out += '.*';
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw globError(glob, 'has a "[" without its "]"');
      out += bracketExpression(pattern.slice(i + 1, end));
      i = end;
    } else if (c === '{') {
      braceDepth++;
      out += '(?:';
    } else if (c === '}') {
      if (braceDepth === 0) throw globError(glob, 'has a "}" without its "{"');
      braceDepth--;
      out += ')';
    } else if (c === ',' && braceDepth > 0) {
      out += '|';
    } else {
      out += escapeRegExp(c);
    }
  }
  if (braceDepth > 0) throw globError(glob, 'has a "{" without its "}"');
  return new RegExp(`^${out}$`, 'u');
}

/** `[!a-c]` → `[^a-c/]`: a bracket never matches the folder separator. */
function bracketExpression(body: string): string {
  const negated = body.startsWith('!');
  const set = (negated ? body.slice(1) : body).replace(/[\\\]^[]/g, '\\$&');
  return negated ? `[^${set}/]` : `(?:(?!/)[${set}])`;
}

function escapeRegExp(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function globError(glob: string, problem: string): DecantError {
  return new DecantError(`crawler: exclusion ${JSON.stringify(glob)} ${problem}`);
}
