/**
 * Values that only the script's run knows (parameters, file locations) go through the tab's
 * compiler as unique sentinels, then come out as the target language's run-time lookups. A
 * sentinel is a number, so a Filter's "is it a number" check passes as a run-time value would.
 */
import { tokenSpans } from '../core/sql/split-statements';

/** Something a compiled statement reads at run time, e.g. `getvariable('min_price')`. */
export interface Placeholder {
  sentinel: string;
  name: string;
}

/** `31415926535897` + the index + `27182818`: a number no job holds by chance. */
export function sentinelOf(index: number): string {
  return `31415926535897${String(index).padStart(4, '0')}27182818`;
}

/** The placeholders of `names`, numbered from `first`. */
export function placeholdersOf(names: readonly string[], first = 0): Placeholder[] {
  return names.map((name, i) => ({ name, sentinel: sentinelOf(first + i) }));
}

/**
 * `sql` with every string literal holding sentinels rewritten by `lookup`: a literal that is one
 * sentinel becomes `lookup(name)`, one with text around it a `||` concatenation.
 */
export function replaceSentinels(
  sql: string,
  placeholders: readonly Placeholder[],
  lookup: (name: string) => string,
): string {
  if (placeholders.length === 0) return sql;
  const bySentinel = new Map(placeholders.map((p) => [p.sentinel, p.name]));
  const pattern = new RegExp(placeholders.map((p) => p.sentinel).join('|'), 'g');
  let out = '';
  let last = 0;
  for (const t of tokenSpans(sql)) {
    if (t.kind !== 'string' || t.start < last) continue;
    const literal = sql.slice(t.start, t.end);
    if (!literal.startsWith("'") || !pattern.test(literal)) continue;
    pattern.lastIndex = 0;
    const text = literal.slice(1, -1).replaceAll("''", "'");
    const parts: string[] = [];
    let at = 0;
    for (const m of text.matchAll(pattern)) {
      if (m.index > at) parts.push(`'${text.slice(at, m.index).replaceAll("'", "''")}'`);
      parts.push(lookup(bySentinel.get(m[0])!));
      at = m.index + m[0].length;
    }
    if (at < text.length) parts.push(`'${text.slice(at).replaceAll("'", "''")}'`);
    out += sql.slice(last, t.start) + (parts.length === 1 ? parts[0] : `(${parts.join(' || ')})`);
    last = t.end;
  }
  return out + sql.slice(last);
}

/** True when a sentinel is left anywhere in `text` (outside string literals: a bug to report). */
export function hasSentinel(text: string, placeholders: readonly Placeholder[]): boolean {
  return placeholders.some((p) => text.includes(p.sentinel));
}
