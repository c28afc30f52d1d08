/** Python source text from values: string literals, lists, dicts, identifiers. */

/** A Python string literal (JSON's escapes are all valid Python escapes). */
export const py = (s: string): string => JSON.stringify(s);

export const pyList = (items: readonly string[]): string => `[${items.join(', ')}]`;

/** `{"a": 1}` from pairs of Python source. */
export const pyDict = (pairs: readonly (readonly [string, string])[]): string =>
  `{${pairs.map(([k, v]) => `${py(k)}: ${v}`).join(', ')}}`;

/** `Fill_missing_values_node3`: a variable name from a node's name, Glue Studio's way. */
export function pyName(name: string, index: number): string {
  const base = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const start = /^[A-Za-z]/.test(base) ? base : `Node_${base}`;
  return `${start.charAt(0).toUpperCase()}${start.slice(1)}_node${index}`.replace(/_+/g, '_');
}

/** `"text " + args["p"] + " more"`: text with `${name}` as the job argument's value. */
export function pyTextWithParams(text: string, args = 'args'): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (m.index > last) parts.push(py(text.slice(last, m.index)));
    parts.push(`${args}[${py(m[1]!)}]`);
    last = m.index + m[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(py(text.slice(last)));
  return parts.join(' + ');
}
