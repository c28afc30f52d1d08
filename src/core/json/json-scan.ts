import {
  BOOLEAN_SHAPE,
  JSON_SHAPE,
  mergeScalar,
  NULL_SHAPE,
  STRING_SHAPE,
  StructShape,
  type ListShape,
  type Shape,
} from './json-shape';
import { FALSE, JsonLexer, JsonSyntaxError, NULL, TRUE, utf8, ascii } from './json-lex';
import { hasUtf8Bom, looksLikeUtf16 } from './text-position';

export { JsonSyntaxError } from './json-lex';

/** What one file holds, once every byte of it has been read. */
export interface JsonRecords {
  /** `array`: one JSON array of objects; `ndjson`: objects one after another (one per line). */
  format: 'array' | 'ndjson';
  bom: boolean;
  records: number;
  /**
   * The records as one JSON array of objects, what DuckDB-WASM's JSON import reads: a view of
   * the input for the array form (no copy), a new buffer for NDJSON.
   */
  array: Uint8Array;
  /** Byte offset of the first integer beyond BIGINT's range (its field reads as DOUBLE). */
  bigIntegerAt?: number;
  /** The first key that appears twice in one object (the import keeps the first value). */
  duplicateKey?: { offset: number; key: string };
}

/** Objects and lists nested deeper than this are refused (the import would not cope either). */
export const MAX_JSON_DEPTH = 256;

/**
 * Reads and checks every byte of a JSON file (UTF-8, with or without BOM): an array of objects,
 * or objects one after another (NDJSON; blank lines and pretty-printed objects allowed), and
 * merges each record's fields and types into `root` (pass one root to union several files).
 * Numbers are typed by how they are written: `1` is BIGINT, `1.0` and `1e3` DOUBLE. Throws
 * JsonSyntaxError at the first thing that is not JSON, or not records: a top-level scalar, an
 * element that is not an object, an empty key, a lone surrogate, invalid UTF-8, an empty file.
 */
export function scanJsonRecords(bytes: Uint8Array, root = new StructShape()): JsonRecords {
  const bom = hasUtf8Bom(bytes);
  const s = new Scanner(bytes, bom ? 3 : 0);
  if (!bom && looksLikeUtf16(bytes))
    throw new JsonSyntaxError('is UTF-16 text; save it as UTF-8', -1, 'encoding');
  s.ws();
  const n = bytes.length;
  if (s.i >= n) throw new JsonSyntaxError('is empty: there are no records', -1, 'empty');
  const facts = () => ({
    bom,
    bigIntegerAt: s.bigIntegerAt,
    duplicateKey: s.duplicateKey,
  });

  if (bytes[s.i] === 0x5b) {
    s.i++;
    s.ws();
    let records = 0;
    if (bytes[s.i] === 0x5d) s.i++;
    else
      for (;;) {
        s.record(root);
        records++;
        s.ws();
        if (bytes[s.i] === 0x2c) {
          s.i++;
          s.ws();
        } else if (bytes[s.i] === 0x5d) {
          s.i++;
          break;
        } else throw s.unexpected("',' or ']' after a record");
      }
    s.ws();
    if (s.i < n) throw s.unexpected('the end of the file after the array');
    if (records === 0)
      throw new JsonSyntaxError('holds an empty array: there are no records', -1, 'empty');
    return { format: 'array', records, array: bytes.subarray(bom ? 3 : 0), ...facts() };
  }

  if (bytes[s.i] !== 0x7b) {
    const start = s.i;
    const what = s.kindAt(start);
    s.value(undefined);
    s.ws();
    if (s.i >= n)
      throw new JsonSyntaxError(
        `holds a single ${what.replace(/^an? /, '')}, not records: expected an array of objects, or one object per line (NDJSON)`,
        -1,
        'scalar',
      );
    throw new JsonSyntaxError(`each record must be an object ({…}); found ${what}`, start);
  }

  // One copy of the records and the whitespace between them, in brackets; the first byte of each
  // gap becomes a comma. Records with no gap at all (`}{`) get theirs inserted afterwards.
  const base = s.i;
  const out = new Uint8Array(n - base + 2);
  out[0] = 0x5b;
  out.set(bytes.subarray(base), 1);
  const tight: number[] = [];
  let records = 0;
  let end: number;
  for (;;) {
    s.record(root);
    records++;
    end = s.i;
    s.ws();
    if (s.i >= n) break;
    if (s.i > end) out[1 + end - base] = 0x2c;
    else tight.push(1 + end - base);
  }
  out[1 + end - base] = 0x5d;
  const array = out.subarray(0, end - base + 2);
  return { format: 'ndjson', records, array: withCommas(array, tight), ...facts() };
}

/** `bytes` with a comma inserted before each of the (ascending) positions. */
function withCommas(bytes: Uint8Array, positions: readonly number[]): Uint8Array {
  if (positions.length === 0) return bytes;
  const out = new Uint8Array(bytes.length + positions.length);
  let from = 0;
  positions.forEach((p, k) => {
    out.set(bytes.subarray(from, p), from + k);
    out[p + k] = 0x2c;
    from = p;
  });
  out.set(bytes.subarray(from), from + positions.length);
  return out;
}

/** Numbers every object read, across scans: roots are shared between files (see StructShape.seen). */
let objectSerial = 0;

/** Merges values into shapes as it reads them (see scanJsonRecords). */
class Scanner extends JsonLexer {
  private depth = 0;
  duplicateKey?: { offset: number; key: string };

  /** A record: an object at `i`, merged into `root`. */
  record(root: StructShape): void {
    if (this.b[this.i] !== 0x7b)
      throw this.error(`each record must be an object ({…}); found ${this.kindAt(this.i)}`);
    this.object(root);
  }

  value(slot: Shape | undefined): Shape {
    switch (this.b[this.i]) {
      case 0x7b:
        return this.object(slot);
      case 0x5b:
        return this.array(slot);
      case 0x22:
        this.string();
        return mergeScalar(slot, STRING_SHAPE);
      case 0x74:
        this.literal(TRUE, 'true');
        return mergeScalar(slot, BOOLEAN_SHAPE);
      case 0x66:
        this.literal(FALSE, 'false');
        return mergeScalar(slot, BOOLEAN_SHAPE);
      case 0x6e:
        this.literal(NULL, 'null');
        return mergeScalar(slot, NULL_SHAPE);
      default: {
        const c = this.b[this.i];
        if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39))
          return mergeScalar(slot, this.number());
        throw this.unexpected('a value');
      }
    }
  }

  private enter(): void {
    if (++this.depth > MAX_JSON_DEPTH)
      throw this.error(`objects and lists are nested deeper than ${MAX_JSON_DEPTH} levels`);
  }

  private object(slot: Shape | undefined): Shape {
    const target =
      slot === undefined || slot.kind === 'null'
        ? new StructShape()
        : slot.kind === 'struct'
          ? slot
          : null;
    this.enter();
    const serial = ++objectSerial;
    const b = this.b;
    this.i++;
    this.ws();
    if (b[this.i] === 0x7d) this.i++;
    else
      for (let pos = 0; ; pos++) {
        if (b[this.i] !== 0x22) throw this.unexpected('a key in double quotes');
        const at = this.i;
        const decode = this.string();
        const end = this.i - 1;
        this.ws();
        if (b[this.i] !== 0x3a) throw this.unexpected("':' after a key");
        this.i++;
        this.ws();
        if (target) {
          const f = this.fieldOf(target, pos, at, end, decode);
          if (target.seen[f] === serial)
            this.duplicateKey ??= { offset: at, key: target.names[f]! };
          target.seen[f] = serial;
          target.types[f] = this.value(target.types[f]);
        } else this.value(undefined);
        this.ws();
        if (b[this.i] === 0x2c) {
          this.i++;
          this.ws();
        } else if (b[this.i] === 0x7d) {
          this.i++;
          break;
        } else throw this.unexpected("',' or '}' after a value in an object");
      }
    this.depth--;
    return target ?? JSON_SHAPE;
  }

  /** The field for the key between quotes at `at` and `end`; the i-th key usually repeats. */
  private fieldOf(
    target: StructShape,
    pos: number,
    at: number,
    end: number,
    decode: boolean,
  ): number {
    const b = this.b;
    const start = at + 1;
    const raw = target.raw[pos];
    if (raw !== undefined && raw.length === end - start) {
      let k = 0;
      while (k < raw.length && raw[k] === b[start + k]) k++;
      if (k === raw.length) return pos;
    }
    const name = decode
      ? (JSON.parse(utf8.decode(b.subarray(at, end + 1))) as string)
      : ascii(b, start, end);
    if (name === '') throw this.error('an empty key ("") cannot name a column', at);
    if (name.includes('\0'))
      throw this.error('a key with a NUL character (\\u0000) cannot name a column', at);
    return target.field(name, b.subarray(start, end));
  }

  private array(slot: Shape | undefined): Shape {
    const target: ListShape | null =
      slot === undefined || slot.kind === 'null'
        ? { kind: 'list', element: undefined }
        : slot.kind === 'list'
          ? slot
          : null;
    this.enter();
    const b = this.b;
    this.i++;
    this.ws();
    if (b[this.i] === 0x5d) this.i++;
    else
      for (;;) {
        if (target) target.element = this.value(target.element);
        else this.value(undefined);
        this.ws();
        if (b[this.i] === 0x2c) {
          this.i++;
          this.ws();
        } else if (b[this.i] === 0x5d) {
          this.i++;
          break;
        } else throw this.unexpected("',' or ']' after a value in a list");
      }
    this.depth--;
    return target ?? JSON_SHAPE;
  }
}
