import { DataType, type Data, type Table } from 'apache-arrow';

/** How one top-level column is written: what parquet-wasm's writer is told for it. */
export interface ColumnEncoding {
  name: string;
  /** Dictionary pages (RLE_DICTIONARY); the writer still falls back when the dictionary outgrows its page. */
  dictionary: boolean;
  /** Values without a dictionary: DELTA_BINARY_PACKED for integers and times, else PLAIN. */
  fallback: 'plain' | 'delta';
}

/**
 * A dictionary pays when values repeat: at most one distinct value in ten in the sample (native
 * DuckDB draws its line lower still). Building a dictionary that is then thrown away cost
 * parquet-wasm about 8× on high-cardinality doubles, and its pages made the file larger.
 */
export const DICTIONARY_MAX_DISTINCT_RATIO = 0.1;

/**
 * Decides each top-level column's encoding from a sample of the rows (the first batch): a
 * dictionary for columns whose values repeat, and for integer and time columns without one,
 * DELTA_BINARY_PACKED (sorted ids and timestamps shrink to a few bits a value; random ones
 * cost a few percent more than PLAIN). Nested columns and booleans are left out: the writer's
 * defaults apply to them.
 */
export function columnEncodingsFromSample(sample: Table): ColumnEncoding[] {
  const out: ColumnEncoding[] = [];
  sample.schema.fields.forEach((field, i) => {
    const type = field.type as DataType;
    if (DataType.isBool(type) || isNested(type)) return;
    const datas = sample.getChildAt(i)?.data ?? [];
    const dictionary = DataType.isDictionary(type) || repeats(datas as Data[], type);
    out.push({ name: field.name, dictionary, fallback: deltaEncodable(type) ? 'delta' : 'plain' });
  });
  return out;
}

function isNested(type: DataType): boolean {
  return (
    DataType.isStruct(type) ||
    DataType.isList(type) ||
    DataType.isFixedSizeList(type) ||
    DataType.isMap(type) ||
    DataType.isUnion(type)
  );
}

/** Arrow types parquet-wasm writes as plain INT32/INT64, where DELTA_BINARY_PACKED applies. */
function deltaEncodable(type: DataType): boolean {
  return (
    DataType.isInt(type) ||
    DataType.isTimestamp(type) ||
    DataType.isDate(type) ||
    DataType.isTime(type)
  );
}

/** True when the sample's distinct non-null values are at most the ratio of its non-null values. */
function repeats(datas: Data[], type: DataType): boolean {
  let values = 0;
  for (const d of datas) values += d.length - d.nullCount;
  if (values === 0) return true;
  const limit = Math.floor(values * DICTIONARY_MAX_DISTINCT_RATIO);
  const seen = new Set<number>();
  for (const d of datas) {
    const keys = keysOf(d, type);
    if (!keys) return false;
    for (let i = 0; i < d.length; i++) {
      if (d.nullCount > 0 && !d.getValid(i)) continue;
      seen.add(keys(i));
      // Stop as soon as the answer is known: high-cardinality columns cost a tenth of a scan.
      if (seen.size > limit) return false;
    }
  }
  return true;
}

/**
 * A key per value read straight from the Arrow buffers (no JS strings or objects made): the
 * value's bits for fixed widths, a 53-bit hash of its bytes for strings and binaries. Null
 * when the layout is not one of those. Arrow JS slices value and offset buffers with the Data,
 * so index `i` needs no `offset` here (the validity bitmap does: `getValid` adds it).
 */
function keysOf(d: Data, type: DataType): ((i: number) => number) | null {
  const values = d.values as (ArrayBufferView & { BYTES_PER_ELEMENT?: number }) | undefined;
  if (!values) return null;
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (DataType.isUtf8(type) || DataType.isBinary(type) || isLarge(type)) {
    const offsets = d.valueOffsets as Int32Array | BigInt64Array | undefined;
    if (!offsets) return null;
    return (i) => hashBytes(bytes, Number(offsets[i]!), Number(offsets[i + 1]!));
  }
  const width = (values.BYTES_PER_ELEMENT ?? 1) * d.stride;
  if (width === 8 && bytes.byteOffset % 8 === 0) {
    // The bits of 8 bytes, read as a double: distinct bit patterns stay distinct but for NaNs.
    const f64 = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 3);
    return (i) => f64[i]!;
  }
  if (width === 4 && bytes.byteOffset % 4 === 0) {
    const i32 = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
    return (i) => i32[i]!;
  }
  return (i) => hashBytes(bytes, i * width, (i + 1) * width);
}

function isLarge(type: DataType): boolean {
  return DataType.isLargeUtf8(type) || DataType.isLargeBinary(type);
}

/** Two 32-bit FNV-1a style hashes of `bytes[from, to)`, joined into one 53-bit number. */
function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ (to - from);
  for (let i = from; i < to; i++) {
    const c = bytes[i]!;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 11) & 0x1fffff);
}
