/**
 * A name as it appears in messages: `"sales"`; JSON-escaped, so a name holding quotes, newlines or
 * `"; DROP` stays one unambiguous token (`"say \"hi\""`). For text, never for SQL (see sql/quote).
 */
export function quotedName(name: string): string {
  return JSON.stringify(name);
}
