/**
 * Reading DuckDB's type text (`STRUCT(a INTEGER, "b c" VARCHAR[])`, `MAP(VARCHAR, DOUBLE)`,
 * `BIGINT[]`), as DESCRIBE and the catalog spell it, for the nodes that need a column's shape.
 */

/** Splits at commas that are not inside parentheses or quotes. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      if (quoted && text[i + 1] === '"') i++;
      else quoted = !quoted;
    } else if (!quoted && (c === '(' || c === '[')) depth++;
    else if (!quoted && (c === ')' || c === ']')) depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** The inside of `NAME( … )` when `type` is exactly that, else null. */
function argsOf(type: string, name: string): string | null {
  const t = type.trim();
  const m = new RegExp(`^${name}\\s*\\(`, 'i').exec(t);
  if (!m || !t.endsWith(')')) return null;
  return t.slice(m[0].length, -1);
}

/** A STRUCT's fields in order, or null when `type` is not a STRUCT. */
export function structFields(type: string): { name: string; type: string }[] | null {
  const inner = argsOf(type, 'STRUCT');
  if (inner === null) return null;
  return splitTopLevel(inner).map((field) => {
    if (field.startsWith('"')) {
      let i = 1;
      let name = '';
      while (i < field.length) {
        if (field[i] === '"' && field[i + 1] === '"') {
          name += '"';
          i += 2;
        } else if (field[i] === '"') break;
        else name += field[i++];
      }
      return { name, type: field.slice(i + 1).trim() };
    }
    const space = field.search(/\s/);
    return { name: field.slice(0, space), type: field.slice(space).trim() };
  });
}

/** A list's element type (`INTEGER[]` → `INTEGER`), or null when `type` is not a list. */
export function listElement(type: string): string | null {
  const m = /^(.*)\[\d*\]$/s.exec(type.trim());
  return m ? m[1]!.trim() : null;
}

/** A MAP's key and value types, or null when `type` is not a MAP. */
export function mapTypes(type: string): { key: string; value: string } | null {
  const inner = argsOf(type, 'MAP');
  if (inner === null) return null;
  const [key, value] = splitTopLevel(inner);
  return key !== undefined && value !== undefined ? { key, value } : null;
}
