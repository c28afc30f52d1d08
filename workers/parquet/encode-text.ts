import { tableFromIPC, type Vector } from 'apache-arrow';
import type {
  EncodeProgress,
  TextEncodeOptions,
  TextEncodeResult,
} from '../../src/engine/protocol';
import { DecantError } from '../../src/core/errors';
import { BATCHES_AHEAD, type BatchSource } from './encode-batches';
import { ipcStreamOf } from './ipc-stream';
import { blobSink, gzipSink, type OutputSink } from './output-sink';

/**
 * Encodes a stream of Arrow IPC batches as CSV (RFC 4180: a field is quoted when it holds the
 * delimiter, the quote, CR or LF; an empty string is `""`, NULL is empty) or as NDJSON (one
 * object per line, keys in column order, NULL as null). Values arrive as booleans, numbers,
 * bigints and strings (the engine sends DuckDB's text for every other type, see job-target.ts);
 * NDJSON writes nested values as JSON. Text goes to `sink` (gzipped on the way when asked) a
 * batch at a time. Rejects with the sender's message on 'abort' (the sink aborted), so a failed
 * run never yields a complete-looking file.
 */
export async function encodeText(
  source: BatchSource,
  opts: TextEncodeOptions,
  onProgress: (p: EncodeProgress) => void,
  sink: OutputSink = blobSink(textTypeOf(opts)),
): Promise<TextEncodeResult> {
  const out = opts.compression === 'gzip' ? gzipSink(sink) : sink;
  try {
    return await encodeTextInto(source, opts, onProgress, out);
  } catch (e) {
    await Promise.resolve()
      .then(() => out.abort())
      .catch(() => undefined);
    throw e;
  }
}

/** The output's media type (gzip when compressed). */
export function textTypeOf(opts: TextEncodeOptions): string {
  if (opts.compression === 'gzip') return 'application/gzip';
  return opts.kind === 'csv' ? 'text/csv' : 'application/x-ndjson';
}

async function encodeTextInto(
  source: BatchSource,
  opts: TextEncodeOptions,
  onProgress: (p: EncodeProgress) => void,
  sink: OutputSink,
): Promise<TextEncodeResult> {
  const enc = new TextEncoder();
  let pending: Promise<void> = Promise.resolve();
  let bytes = 0;
  let rows = 0;
  let schema: Uint8Array | null = null;
  const numericText = new Set(opts.kind === 'ndjson' ? opts.numericText : []);
  source.grant(BATCHES_AHEAD);
  for (;;) {
    const msg = await source.next();
    if (msg.t === 'abort') throw new DecantError(msg.message);
    if (msg.t === 'schema') {
      schema = msg.bytes;
      if (opts.kind === 'csv' && opts.header) {
        const names = tableFromIPC(schema).schema.fields.map((f) => f.name);
        push(names.map((n) => csvField(n, opts.delimiter, opts.quote)).join(opts.delimiter) + '\n');
      }
      continue;
    }
    if (msg.t === 'end') {
      if (msg.rows !== rows)
        throw new DecantError(`job: the engine sent ${msg.rows} rows but ${rows} were written`, {
          code: 'row-mismatch',
        });
      break;
    }
    if (!schema) throw new DecantError('job: a batch arrived before its schema');
    const table = tableFromIPC(ipcStreamOf(schema, msg.parts));
    let text = '';
    let n = 0;
    for (const batch of table.batches) {
      const names = batch.schema.fields.map((f) => f.name);
      const cols = names.map((_, i) => batch.getChildAt(i)!);
      for (let r = 0; r < batch.numRows; r++) {
        text +=
          opts.kind === 'csv' ? csvLine(cols, r, opts) : jsonLine(names, cols, r, numericText);
        if (text.length > 1 << 20) {
          push(text);
          text = '';
        }
      }
      n += batch.numRows;
    }
    if (n !== msg.rows) throw new DecantError(`job: batch says ${msg.rows} rows, holds ${n}`);
    if (text) push(text);
    await pending;
    rows += n;
    source.grant(1);
    onProgress({ rowsWritten: rows, bytesWritten: bytes });
  }
  await pending;
  const blob = await sink.close();
  onProgress({ rowsWritten: rows, bytesWritten: blob.size });
  return { blob, rowsWritten: rows };

  /** Queues `s` for the sink; writes are chained so they land in order. */
  function push(s: string): void {
    const b = enc.encode(s);
    bytes += b.length;
    pending = pending.then(() => sink.write(b));
  }
}

function csvLine(
  cols: Vector[],
  r: number,
  o: Extract<TextEncodeOptions, { kind: 'csv' }>,
): string {
  let line = '';
  for (let j = 0; j < cols.length; j++) {
    if (j > 0) line += o.delimiter;
    const v: unknown = cols[j]!.get(r);
    if (v === null || v === undefined) continue;
    line += typeof v === 'string' ? csvField(v, o.delimiter, o.quote) : scalarText(v);
  }
  return line + '\n';
}

/** A CSV field: quoted (quotes doubled) when it must be; `""` for an empty string. */
export function csvField(s: string, delimiter: string, quote: string): string {
  if (quote === '') return s;
  if (
    s === '' ||
    s.includes(delimiter) ||
    s.includes(quote) ||
    s.includes('\n') ||
    s.includes('\r')
  )
    return quote + s.replaceAll(quote, quote + quote) + quote;
  return s;
}

/** DuckDB's spelling of a number or boolean (it reads `inf`, `-inf` and `nan` back). */
function scalarText(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    return String(v);
  }
  return String(v);
}

function jsonLine(names: string[], cols: Vector[], r: number, numericText: Set<string>): string {
  let line = '{';
  for (let j = 0; j < cols.length; j++) {
    if (j > 0) line += ',';
    const name = names[j]!;
    const v: unknown = cols[j]!.get(r);
    line += JSON.stringify(name) + ':';
    if (typeof v === 'string' && numericText.has(name)) line += v;
    else line += jsonValue(v);
  }
  return line + '}\n';
}

function jsonValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  return JSON.stringify(plainNested(v));
}

/** Arrow's struct rows, lists and maps as plain JSON values (bigints as numbers or digits). */
function plainNested(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, plainNested);
  const withArray = v as { toArray?: () => unknown[]; toJSON?: () => unknown };
  if (typeof withArray.toArray === 'function' && Symbol.iterator in v)
    return [...(v as Iterable<unknown>)].map(plainNested);
  if (typeof withArray.toJSON === 'function') {
    const j = withArray.toJSON();
    if (j !== v) return plainNested(j);
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainNested(x)]));
}
