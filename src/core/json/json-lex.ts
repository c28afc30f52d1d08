import { BIGINT_SHAPE, DOUBLE_SHAPE, type ScalarShape } from './json-shape';

/**
 * Why bytes are not JSON records Decant can read. `offset` is the byte where it shows (see
 * positionAt), or -1 when it is about the whole file (as `empty` and `scalar` always are).
 */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly kind: 'syntax' | 'encoding' | 'empty' | 'scalar' = 'syntax',
  ) {
    super(reason);
  }
}

/** The bytes of the literals `true`, `false` and `null`. */
export const TRUE = [0x74, 0x72, 0x75, 0x65];
export const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
export const NULL = [0x6e, 0x75, 0x6c, 0x6c];
const INT64_MAX = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';
/** Decodes UTF-8, throwing on invalid bytes. */
export const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** Text of ASCII bytes (keys, numbers): no spread of huge arrays onto the stack. */
export function ascii(b: Uint8Array, from: number, to: number): string {
  return to - from > 64
    ? lenient.decode(b.subarray(from, to))
    : String.fromCharCode(...b.subarray(from, to));
}

/**
 * The token level of a JSON reader over UTF-8 bytes: whitespace, strings (checked, not decoded),
 * numbers (typed by how they are written), literals, and messages that say what was expected.
 * Every method throws JsonSyntaxError at the first byte that is not JSON.
 */
export class JsonLexer {
  bigIntegerAt?: number;

  constructor(
    protected readonly b: Uint8Array,
    public i: number,
  ) {}

  ws(): void {
    const b = this.b;
    let i = this.i;
    for (let c = b[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++i]);
    this.i = i;
  }

  error(reason: string, at = this.i, kind: 'syntax' | 'encoding' = 'syntax'): JsonSyntaxError {
    return new JsonSyntaxError(reason, at, kind);
  }

  unexpected(expected: string): JsonSyntaxError {
    if (this.i >= this.b.length) return this.error(`Unexpected end of input, expected ${expected}`);
    return this.error(`Unexpected token ${this.tokenAt(this.i)}, expected ${expected}`);
  }

  /** What the value at `i` is, for messages (`a number`); throws when no value starts there. */
  kindAt(i: number): string {
    const c = this.b[i];
    if (c === 0x5b) return 'a list';
    if (c === 0x22) return 'a string';
    if (c === 0x74 || c === 0x66) return 'a boolean';
    if (c === 0x6e) return 'null';
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return 'a number';
    throw this.unexpected('a record ({…})');
  }

  /** The character at `i` for a message: `'}'`, `'é'`, `U+0000`, or `byte 0xFF` if not UTF-8. */
  private tokenAt(i: number): string {
    const c = this.b[i]!;
    if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
    if (c < 0x80) return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    const ch = lenient.decode(this.b.subarray(i, i + 4)).codePointAt(0);
    if (ch === undefined || ch === 0xfffd) return `byte 0x${c.toString(16).toUpperCase()}`;
    return `'${String.fromCodePoint(ch)}'`;
  }

  protected literal(word: readonly number[], text: string): void {
    for (let k = 0; k < word.length; k++, this.i++)
      if (this.b[this.i] !== word[k]) throw this.unexpected(k === 0 ? 'a value' : `'${text}'`);
  }

  /** Skips a string from its opening quote; true when it has escapes or non-ASCII characters. */
  string(): boolean {
    const b = this.b;
    const n = b.length;
    const start = this.i;
    let i = start + 1;
    let decode = false;
    for (;;) {
      if (i >= n) throw this.error('Unterminated string', start);
      const c = b[i]!;
      if (c === 0x22) break;
      if (c < 0x80 && c >= 0x20 && c !== 0x5c) i++;
      else if (c < 0x20) throw this.error('Bad control character in string literal', i);
      else {
        decode = true;
        i = c === 0x5c ? this.escape(i) : this.utf8(i);
      }
    }
    this.i = i + 1;
    return decode;
  }

  private escape(i: number): number {
    const e = this.b[i + 1];
    // " \ / b f n r t
    if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66) return i + 2;
    if (e === 0x6e || e === 0x72 || e === 0x74) return i + 2;
    if (e !== 0x75) throw this.error('Bad escaped character in string literal', i);
    const u = this.hex4(i + 2);
    if (u < 0 || (u >= 0xdc00 && u <= 0xdfff))
      throw this.error(u < 0 ? 'Bad Unicode escape' : 'Unpaired surrogate in string', i);
    if (u < 0xd800 || u > 0xdbff) return i + 6;
    const low = this.b[i + 6] === 0x5c && this.b[i + 7] === 0x75 ? this.hex4(i + 8) : -1;
    if (low < 0xdc00 || low > 0xdfff) throw this.error('Unpaired surrogate in string', i);
    return i + 12;
  }

  private hex4(i: number): number {
    let v = 0;
    for (let k = i; k < i + 4; k++) {
      const c = this.b[k] ?? 0;
      const d =
        c >= 0x30 && c <= 0x39
          ? c - 0x30
          : c >= 0x61 && c <= 0x66
            ? c - 0x57
            : c >= 0x41 && c <= 0x46
              ? c - 0x37
              : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }

  /** Checks one UTF-8 sequence at `i` (no overlongs, surrogates or code points past U+10FFFF). */
  private utf8(i: number): number {
    const b = this.b;
    const c = b[i]!;
    const need =
      c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    let ok = need > 0 && b[i + 1]! >= lo && b[i + 1]! <= hi;
    for (let k = 2; ok && k <= need; k++) ok = b[i + k]! >= 0x80 && b[i + k]! <= 0xbf;
    if (!ok)
      throw this.error(
        'Invalid UTF-8 in string (is the file Latin-1 or Windows-1252? save it as UTF-8)',
        i,
        'encoding',
      );
    return i + need + 1;
  }

  /** A number from `i`: BIGINT when written as an integer that fits, otherwise DOUBLE. */
  protected number(): ScalarShape {
    const b = this.b;
    const start = this.i;
    let i = start;
    if (b[i] === 0x2d) i++;
    const intStart = i;
    if (b[i] === 0x30) i++;
    else if (isDigit(b[i])) while (isDigit(b[i])) i++;
    else {
      this.i = i;
      throw this.unexpected('a digit after the minus sign');
    }
    const digits = i - intStart;
    let integer = true;
    let exponent = false;
    if (b[i] === 0x2e) {
      if (!isDigit(b[++i])) throw this.error('Unterminated fractional number', i);
      while (isDigit(b[i])) i++;
      integer = false;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) throw this.error('Exponent part is missing a number', i);
      while (isDigit(b[i])) i++;
      integer = false;
      exponent = true;
    }
    this.i = i;
    // Only an exponent or 300+ digits can overflow a double (the import refuses Infinity).
    if ((exponent || digits > 300) && !Number.isFinite(Number(ascii(b, start, i))))
      throw this.error('Number out of range', start);
    if (!integer) return DOUBLE_SHAPE;
    if (digits < 19) return BIGINT_SHAPE;
    if (digits === 19) {
      const max = b[start] === 0x2d ? INT64_MIN_DIGITS : INT64_MAX;
      if (ascii(b, intStart, i) <= max) return BIGINT_SHAPE;
    }
    this.bigIntegerAt ??= start;
    return DOUBLE_SHAPE;
  }
}
