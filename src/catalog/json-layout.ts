/**
 * How a JSON table's files lay out their records, as far as Athena cares: its JSON SerDe reads
 * one object per line (NDJSON), so a file holding a JSON array, or objects spread over several
 * lines, reads as errors or NULL rows there, though Decant reads either.
 */

import type { CatalogTable } from './model';
import { fileFromSource } from './table-files';

/** `ndjson`: one object per line; `array`: `[ {…}, … ]`; `multiline`: objects over several lines. */
export type JsonLayout = 'ndjson' | 'array' | 'multiline';

/**
 * The layout of a JSON file from its first bytes (a BOM and leading white space skipped), or
 * undefined when they do not say (empty, or not JSON). A first line that starts an object but
 * does not close it is `multiline`; only the first line is judged, enough for a writer's style.
 */
export function jsonLayoutFromHead(head: Uint8Array): JsonLayout | undefined {
  const text = new TextDecoder().decode(head).replace(/^\uFEFF/, '');
  const start = text.search(/\S/);
  if (start < 0) return undefined;
  if (text[start] === '[') return 'array';
  if (text[start] !== '{') return undefined;
  const end = text.indexOf('\n', start);
  if (end < 0) return objectClosesOnLine(text.slice(start)) ? 'ndjson' : undefined;
  return objectClosesOnLine(text.slice(start, end)) ? 'ndjson' : 'multiline';
}

/** True when `line` (starting at `{`) closes that object: braces counted outside strings. */
function objectClosesOnLine(line: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return true;
    }
  }
  return false;
}

/** What the table page and the DDL say about a layout Athena cannot read; undefined for NDJSON. */
export function athenaJsonWarning(layout: JsonLayout | undefined): string | undefined {
  if (layout === 'array')
    return "Athena's JSON SerDe reads one JSON object per line, but these files hold a JSON array: Athena cannot read them as they are. Rewrite them as NDJSON or Parquet first (a job with this table as source and an NDJSON or Parquet target does it).";
  if (layout === 'multiline')
    return "Athena's JSON SerDe reads one JSON object per line, but these files spread objects over several lines (pretty-printed): Athena cannot read them as they are. Rewrite them as NDJSON or Parquet first (a job with this table as source and an NDJSON or Parquet target does it).";
  return undefined;
}

/** Bytes of a JSON table's first file read to tell its layout. */
const LAYOUT_HEAD_BYTES = 64 * 1024;

/**
 * How a JSON table's first file lays out its records, read from its first 64 KiB (gunzipped when
 * it ends in .gz); undefined when that file cannot be read here without a request (URL sources)
 * or a click (a handle waiting for permission), or is not JSON.
 */
export async function jsonLayoutOfTable(t: CatalogTable): Promise<JsonLayout | undefined> {
  const src = t.sources[0];
  if (t.classification !== 'json' || !src || src.kind === 'url' || src.kind === 's3')
    return undefined;
  try {
    const file = await fileFromSource(src);
    if (!(file instanceof Blob)) return undefined;
    let stream = file.slice(0, LAYOUT_HEAD_BYTES).stream() as ReadableStream<Uint8Array>;
    if (/\.gz(ip)?$/i.test(src.path))
      stream = file.stream().pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (size < LAYOUT_HEAD_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
    void reader.cancel().catch(() => undefined);
    const head = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      head.set(c, at);
      at += c.length;
    }
    return jsonLayoutFromHead(head.subarray(0, LAYOUT_HEAD_BYTES));
  } catch {
    return undefined;
  }
}
