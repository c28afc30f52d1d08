import { refusedStatement } from '../core/sql/statement-guard';
import { splitStatements, tokenSpans } from '../core/sql/split-statements';

/**
 * Checks on SQL a user writes into a node, so it stays the one expression or query it is meant
 * to be: no second statement, nothing that closes the parentheses it is wrapped in, no
 * unterminated string or comment that would swallow the SQL after it.
 */

/** Why `text` cannot stand inside `( … )` as one piece of SQL, or null when it can. */
function unbalanced(text: string): string | null {
  // A trailing newline: an unterminated string, identifier or comment then ends in it.
  const sql = text + '\n';
  let depth = 0;
  for (const t of tokenSpans(sql)) {
    const piece = sql.slice(t.start, t.end);
    if (t.kind === 'string') {
      const tag = /^\$[A-Za-z0-9_]*\$/.exec(piece)?.[0];
      const closed = tag ? piece.length > tag.length && piece.endsWith(tag) : /.'$/s.test(piece);
      if (!closed) return 'a string is not closed';
    } else if (t.kind === 'ident') {
      if (piece.length < 2 || !piece.endsWith('"')) return 'a quoted name is not closed';
    } else if (t.kind === 'comment') {
      if (piece.startsWith('/*') && !piece.endsWith('*/')) return 'a comment is not closed';
    } else if (t.kind === 'other') {
      if (piece === ';') return 'it holds a ";": write one expression, not several statements';
      if (piece === '(' || piece === '[' || piece === '{') depth++;
      if (piece === ')' || piece === ']' || piece === '}') {
        depth--;
        if (depth < 0) return `a "${piece}" closes more than was opened`;
      }
    }
  }
  return depth > 0 ? 'a parenthesis or bracket is not closed' : null;
}

/** Why `text` is not one SQL expression we can wrap in parentheses, or null when it is. */
export function expressionProblem(text: string): string | null {
  if (text.trim() === '') return 'the expression is empty';
  if (text.includes('\0')) return 'the expression contains a NUL character';
  return unbalanced(text);
}

const QUERY_KEYWORDS = new Set([
  'SELECT',
  'WITH',
  'FROM',
  'VALUES',
  'TABLE',
  '(',
  'PIVOT',
  'UNPIVOT',
]);

/** Why `text` is not one query (SELECT, WITH, …) we can wrap as a subquery, or null when it is. */
export function queryProblem(text: string): string | null {
  if (text.includes('\0')) return 'the query contains a NUL character';
  const statements = splitStatements(text);
  if (statements.length === 0) return 'the query is empty';
  if (statements.length > 1) return 'write one query: it holds more than one statement';
  const [only] = statements;
  const refused = refusedStatement(only!.text);
  if (refused) return refused;
  if (!QUERY_KEYWORDS.has(only!.keyword))
    return `write a query (SELECT, WITH, FROM or VALUES), not ${only!.keyword}`;
  return unbalanced(only!.text);
}

/** The query without a trailing `;` (the one statement queryProblem accepted). */
export function queryBody(text: string): string {
  return splitStatements(text)[0]?.text ?? text;
}
