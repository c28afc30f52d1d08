/**
 * Where in the SQL a DuckDB error points. DuckDB (1.4) appends the offending line and a caret:
 *
 *   Binder Error: Referenced column "zz" not found in FROM clause!
 *
 *   LINE 2:  zz AS b
 *            ^
 *
 * The line counts `\n` only; the caret is placed by display width (CJK and emoji count 2, tabs and
 * combining marks 0), and a line longer than ~120 columns is cut to a window marked with `...`.
 * Parser errors carry the block twice in DuckDB-WASM; the first one is used.
 */

/** Offset in `text` (the exact SQL DuckDB was given) of the error's caret, or undefined. */
export function errorOffset(message: string, text: string): number | undefined {
  const m = /\n\nLINE (\d+): ([^\n]*)\n( *)\^/.exec(message);
  if (!m) return undefined;
  const lineNo = Number(m[1]);
  let printed = m[2]!;
  let caret = m[3]!.length - `LINE ${m[1]}: `.length;
  let lineStart = 0;
  for (let k = 1; k < lineNo; k++) {
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0) return undefined;
    lineStart = nl + 1;
  }
  const nl = text.indexOf('\n', lineStart);
  const line = text.slice(lineStart, nl < 0 ? text.length : nl).replace(/\r$/, '');
  let from = 0;
  if (printed.startsWith('...') && !line.startsWith('...')) {
    printed = printed.slice(3);
    caret -= 3;
    if (printed.endsWith('...') && !line.endsWith(printed)) printed = printed.slice(0, -3);
    from = line.indexOf(printed);
    if (from < 0) return undefined;
  }
  let i = from;
  let width = 0;
  while (i < line.length) {
    const cp = line.codePointAt(i)!;
    const w = charWidth(cp);
    if (width >= caret && w > 0) break;
    width += w;
    i += cp > 0xffff ? 2 : 1;
  }
  return lineStart + i;
}

/** 1-based line and column (in UTF-16 code units) of `offset`; `\r\n`, `\n` and `\r` end lines. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** DuckDB's message without its `X Error: ` prefix and without the `LINE n:` block. */
export function errorSummary(message: string): string {
  const head = message.split(/\n\nLINE \d+: /)[0] ?? message;
  return head.replace(/^[A-Za-z ]*Error: /, '').trim();
}

const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
const ZERO = /[\p{Mn}\p{Me}\p{Cf}]/u;

/** Display width of one code point, as a terminal (and DuckDB's caret) counts it. */
export function charWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  const ch = String.fromCodePoint(cp);
  if (ZERO.test(ch)) return 0;
  return WIDE.test(ch) ? 2 : 1;
}
