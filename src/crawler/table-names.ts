/**
 * Table names from folder and file names: lower-case `[a-z0-9_]` (what Glue, Athena and an
 * unquoted DuckDB identifier all accept), saying where the data came from.
 */

/** Glue's limit on a table name's length. */
export const MAX_TABLE_NAME_LENGTH = 255;

/**
 * `['sales', 'year=2024']` with prefix `raw_` → `raw_sales_year_2024`. Accents are dropped
 * (`ventes_été` → `ventes_ete`), every other run of characters outside `[a-z0-9]` becomes one
 * `_`. The prefix is prepended as given, like Glue's (only its characters are made valid).
 * A name with nothing left is `table`.
 */
export function tableNameFrom(parts: readonly string[], prefix = ''): string {
  const body =
    withoutAccents(parts.join('_'))
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'table';
  const lead = withoutAccents(prefix)
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  return (lead + body).slice(0, MAX_TABLE_NAME_LENGTH);
}

/** `names` made unique in their order: a repeat gets `_2`, `_3`…, never a name already used. */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 2; used.has(unique); n++) {
      const suffix = `_${n}`;
      unique = name.slice(0, MAX_TABLE_NAME_LENGTH - suffix.length) + suffix;
    }
    used.add(unique);
    return unique;
  });
}

/** Data and compression extensions a crawler sees; a file's stem is its name without them. */
const KNOWN_EXTENSION =
  /\.(?:csv|tsv|psv|txt|dat|json|jsonl|ndjson|parquet|pq|gz|gzip|bz2|zst|zstd|snappy|lz4|deflate)$/i;

/** A file's name without its extensions: `events.csv.gz` → `events`, `notes.md` → `notes`. */
export function fileStem(fileName: string): string {
  let stem = fileName;
  while (KNOWN_EXTENSION.test(stem)) stem = stem.replace(KNOWN_EXTENSION, '');
  if (stem === fileName && stem.lastIndexOf('.') > 0) stem = stem.slice(0, stem.lastIndexOf('.'));
  return stem;
}

/**
 * The words of a file's stem, lower-case, split at separators and between letters and digits:
 * `Sales-2024-01.csv.gz` → `['sales', '2024', '01']`.
 */
export function stemWords(fileName: string): string[] {
  return (
    withoutAccents(fileStem(fileName))
      .toLowerCase()
      .match(/\p{L}+|\p{N}+/gu) ?? []
  );
}

/** The words `a` and `b` start with in common. */
export function commonWords(a: readonly string[], b: readonly string[]): string[] {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return a.slice(0, n);
}

function withoutAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}
