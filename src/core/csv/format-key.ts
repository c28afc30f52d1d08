/**
 * How a CSV file is read, as a key that says which files may share a table, and the rule that
 * decides it. Glue groups CSV files by header and delimiter; the quote and escape characters
 * the sniffer reports depend on whether a file happens to hold a quoted value, so they only
 * have to be *compatible*: a character that never occurs in a file reads it the same as none.
 */
import type { CsvDialect } from './dialect';

/** The quote and escape characters whose absence a classifier checks (DuckDB's candidates). */
export const CHECKED_CHARS = ['"', "'", '\\'] as const;

/** Slots of the key, by position: what a difference in each is called. */
const SLOTS = [
  'delimiter',
  'quote',
  'escape',
  'header',
  'encoding',
  'decimal separator',
  'date format',
  'timestamp format',
  'null strings',
] as const;
const QUOTE = 1;
const ESCAPE = 2;

/**
 * CSV files share a table only when they are read the same way: this says how, as a key.
 * `absent` (from the classifier) lists the CHECKED_CHARS that never occur in the file; it is
 * kept only while the quote or escape is none, where it says which characters could be one.
 */
export function csvFormatKey(d: CsvDialect, absent = ''): string {
  const chars = CHECKED_CHARS.filter((c) => absent.includes(c)).join('');
  const loose = chars !== '' && (d.quote === '' || d.escape === '');
  return JSON.stringify([
    d.delimiter,
    d.quote,
    d.escape,
    d.header,
    d.encoding,
    d.decimalSeparator,
    d.dateFormat,
    d.timestampFormat,
    // Only when set (a custom classifier's null strings), so older keys stay as they were.
    ...(d.nullValues ? [d.nullValues] : []),
    ...(loose ? [{ absent: chars }] : []),
  ]);
}

interface CsvKey {
  slots: unknown[];
  absent: string;
}

function parseKey(key: string): CsvKey | null {
  let value: unknown;
  try {
    value = JSON.parse(key);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || typeof value[QUOTE] !== 'string') return null;
  if (typeof value[ESCAPE] !== 'string') return null;
  const last: unknown = value[value.length - 1];
  if (last && typeof last === 'object' && 'absent' in last) {
    const absent = (last as { absent: unknown }).absent;
    return { slots: value.slice(0, -1), absent: typeof absent === 'string' ? absent : '' };
  }
  return { slots: value, absent: '' };
}

function keyOf(slots: unknown[], absent: string): string {
  const chars = CHECKED_CHARS.filter((c) => absent.includes(c)).join('');
  const loose = chars !== '' && (slots[QUOTE] === '' || slots[ESCAPE] === '');
  return JSON.stringify(loose ? [...slots, { absent: chars }] : slots);
}

/** `reason` is missing when the keys differ and are not both CSV keys, so there is no detail. */
export type KeyMerge = { ok: true; key: string } | { ok: false; reason?: string };

/**
 * The key that reads the files of both `a` and `b`, or why none does. Keys that are not CSV
 * keys must be equal. CSV keys must agree on everything but quote and escape; those combine
 * when one file has none and never contains the other's character, or (escape only) when
 * the other escapes a quote by doubling it, which reads a file without escapes the same.
 */
export function mergeFormatKeys(a: string, b: string): KeyMerge {
  if (a === b) return { ok: true, key: a };
  const x = parseKey(a);
  const y = parseKey(b);
  if (!x || !y) return { ok: false };
  for (let i = 0; i < Math.max(x.slots.length, y.slots.length); i++) {
    if (i === QUOTE || i === ESCAPE) continue;
    const [p, q] = [JSON.stringify(x.slots[i]), JSON.stringify(y.slots[i])];
    if (p !== q) {
      return { ok: false, reason: `${SLOTS[i] ?? 'options'} ${p} and ${q}` };
    }
  }
  const quote = mergeQuote(x, y);
  if (typeof quote !== 'string') return quote;
  const escape = mergeEscape(x, y, quote);
  if (typeof escape !== 'string') return escape;
  const slots = [...x.slots];
  slots[QUOTE] = quote;
  slots[ESCAPE] = escape;
  const absent = CHECKED_CHARS.filter((c) => x.absent.includes(c) && y.absent.includes(c));
  return { ok: true, key: keyOf(slots, absent.join('')) };
}

function mergeQuote(x: CsvKey, y: CsvKey): string | { ok: false; reason: string } {
  const [p, q] = [x.slots[QUOTE] as string, y.slots[QUOTE] as string];
  if (p === q) return p;
  if (p === '' && x.absent.includes(q)) return q;
  if (q === '' && y.absent.includes(p)) return p;
  const reason =
    p !== '' && q !== ''
      ? `one quotes fields with ${show(p)}, the other with ${show(q)}`
      : `one quotes fields with ${show(p || q)}, the other reads ${show(p || q)} as plain text`;
  return { ok: false, reason };
}

/** The escape of a table quoted with `quote`: only files with quoted fields have a say. */
function mergeEscape(x: CsvKey, y: CsvKey, quote: string): string | { ok: false; reason: string } {
  if (quote === '') return '';
  const quoted = [x, y].filter((k) => k.slots[QUOTE] !== '');
  const [first, second] = quoted;
  if (!second) return first!.slots[ESCAPE] as string;
  const [p, q] = [first!.slots[ESCAPE] as string, second.slots[ESCAPE] as string];
  if (p === q) return p;
  if (p === '' && (q === quote || first!.absent.includes(q))) return q;
  if (q === '' && (p === quote || second.absent.includes(p))) return p;
  const reason =
    p !== '' && q !== ''
      ? `one escapes quotes with ${show(p)}, the other with ${show(q)}`
      : `one escapes quotes with ${show(p || q)}, the other reads ${show(p || q)} as plain text`;
  return { ok: false, reason };
}

function show(c: string): string {
  if (c === '\\') return 'backslash (\\)';
  if (c === '"') return 'double quotes (")';
  return c === "'" ? "single quotes (')" : JSON.stringify(c);
}

/** A table's key without what only the grouping needs (which characters its files lack). */
export function tableFormatKey(key: string): string {
  const parsed = parseKey(key);
  return parsed && parsed.absent !== '' ? JSON.stringify(parsed.slots) : key;
}

/**
 * The dialect a table is read with: one file's dialect (all agree but for quoting), with the
 * quote and escape of the table's key, which read every file.
 */
export function tableCsvDialect(key: string, fileDialect: CsvDialect): CsvDialect {
  const parsed = parseKey(key);
  if (!parsed) return fileDialect;
  return {
    ...fileDialect,
    quote: parsed.slots[QUOTE] as string,
    escape: parsed.slots[ESCAPE] as string,
  };
}
