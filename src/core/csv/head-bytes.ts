import type { CsvEncoding } from './dialect';

/** What the first bytes of a file say before any CSV parsing: empty, binary, or text in an encoding. */
export type HeadVerdict =
  | { kind: 'empty' }
  | { kind: 'binary'; reason: string }
  | {
      kind: 'text';
      encoding: CsvEncoding;
      /** Shown to the user, e.g. "UTF-8 (with BOM)" or "Latin-1 (ISO-8859-1), transcoded". */
      encodingLabel: string;
      /** The sample as text, cut after its last complete line. */
      text: string;
      /** Why the encoding is not UTF-8, with the place that gave it away. */
      note?: string;
    };

/** Signatures of formats people drop by mistake, so the refusal can name them. */
const MAGIC: ReadonlyArray<[bytes: number[], name: string]> = [
  [[0x50, 0x41, 0x52, 0x31], 'a Parquet file'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (also .xlsx/.docx)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x1f, 0x8b], 'gzip-compressed data (name it .gz)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Office document (.xls/.doc)'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite database'],
];

function startsWith(b: Uint8Array, sig: readonly number[]): boolean {
  return sig.length <= b.length && sig.every((v, i) => b[i] === v);
}

/** 1-based line and column of byte `offset` in `b`. */
export function lineColumnAt(b: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < b.length; i++) {
    if (b[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte that breaks UTF-8, or -1. A sequence cut off by the sample's end is fine. */
export function firstInvalidUtf8(b: Uint8Array, complete: boolean): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) need = 2;
    else if (c >= 0xf0 && c <= 0xf4) need = 3;
    else return i;
    if (i + need >= b.length) {
      // The sequence runs past the end: invalid in a whole file, merely cut off in a sample.
      if (complete) return i;
      for (let k = 1; i + k < b.length; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
      return -1;
    }
    for (let k = 1; k <= need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

function cutAfterLastNewline(text: string, complete: boolean): string {
  if (complete) return text;
  const nl = text.lastIndexOf('\n');
  return nl >= 0 ? text.slice(0, nl + 1) : text;
}

/**
 * UTF-16 without a byte-order mark, told by its zero bytes: text that is mostly ASCII has a zero
 * in every pair's high byte (odd offsets for little-endian, even for big-endian) and none in the
 * other. Needs a few pairs of evidence; single-byte text never has such a pattern.
 */
function bomlessUtf16(b: Uint8Array): 'le' | 'be' | null {
  const pairs = Math.min(b.length >> 1, 4096);
  if (pairs < 4) return null;
  let zeroHigh = 0;
  let zeroLow = 0;
  for (let i = 0; i < pairs; i++) {
    const lo = b[2 * i]!;
    const hi = b[2 * i + 1]!;
    if (hi === 0 && lo !== 0) zeroHigh++;
    else if (lo === 0 && hi !== 0) zeroLow++;
  }
  if (zeroHigh >= pairs * 0.6 && zeroLow === 0) return 'le';
  if (zeroLow >= pairs * 0.6 && zeroHigh === 0) return 'be';
  return null;
}

/**
 * Classifies the first bytes of a file. `complete` says whether `b` is the whole file (otherwise
 * the last line may be cut). Pure: no I/O.
 */
export function classifyHead(b: Uint8Array, complete: boolean): HeadVerdict {
  if (b.length === 0) return { kind: 'empty' };

  const bomless = bomlessUtf16(b);
  if (startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff]) || bomless) {
    const le = bomless ? bomless === 'le' : b[0] === 0xff;
    if (!le)
      return {
        kind: 'binary',
        reason: 'it is UTF-16 big-endian text, which Decant cannot read yet: save it as UTF-8',
      };
    const start = bomless ? 0 : 2;
    const text = new TextDecoder('utf-16le').decode(b.subarray(start, b.length - (b.length % 2)));
    if (text.trim() === '') return { kind: 'empty' };
    return {
      kind: 'text',
      encoding: 'utf-16',
      encodingLabel: `UTF-16 LE (${bomless ? 'no BOM' : 'with BOM'}), transcoded`,
      text: cutAfterLastNewline(text, complete),
    };
  }

  const bom = startsWith(b, [0xef, 0xbb, 0xbf]);
  const body = bom ? b.subarray(3) : b;
  for (const [sig, name] of MAGIC) {
    if (startsWith(body, sig)) return { kind: 'binary', reason: `it looks like ${name}, not text` };
  }

  let controls = 0;
  for (const c of body) {
    if (c === 0) return { kind: 'binary', reason: 'it contains NUL bytes, so it is not text' };
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x01) controls++;
  }
  if (controls > body.length * 0.01 + 2) {
    return {
      kind: 'binary',
      reason: `${controls} control bytes in the first ${body.length}: not text`,
    };
  }

  const bad = firstInvalidUtf8(body, complete);
  if (bad < 0) {
    const text = new TextDecoder('utf-8').decode(body);
    if (text.trim() === '') return { kind: 'empty' };
    return {
      kind: 'text',
      encoding: 'utf-8',
      encodingLabel: bom ? 'UTF-8 (with BOM)' : 'UTF-8',
      text: cutAfterLastNewline(text, complete),
    };
  }

  // Not UTF-8. Bytes 0x80–0x9F are controls in Latin-1 but letters and quotes in Windows-1252;
  // DuckDB decodes Latin-1 only, so a file that uses them would come out mangled: refuse it.
  let high = 0;
  let c1 = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c >= 0x80) high++;
    if (c >= 0x80 && c <= 0x9f && c1 < 0) c1 = i;
  }
  const where = lineColumnAt(body, bad);
  if (high > body.length * 0.3) {
    return { kind: 'binary', reason: 'most of its bytes are not text in any known encoding' };
  }
  if (c1 >= 0) {
    const at = lineColumnAt(body, c1);
    return {
      kind: 'binary',
      reason:
        `it is not UTF-8 (line ${where.line}, column ${where.column}) and looks like Windows-1252 ` +
        `(byte 0x${body[c1]!.toString(16)} at line ${at.line}, column ${at.column}), which Decant ` +
        'cannot decode without mangling text yet: save it as UTF-8',
    };
  }
  return {
    kind: 'text',
    encoding: 'latin-1',
    encodingLabel: 'Latin-1 (ISO-8859-1), transcoded',
    text: cutAfterLastNewline(new TextDecoder('latin1').decode(body), complete),
    note: `not valid UTF-8 at line ${where.line}, column ${where.column}; read as Latin-1`,
  };
}
