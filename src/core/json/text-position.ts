/** Places in UTF-8 bytes as a person finds them in an editor. */

/** True when the bytes start with the UTF-8 byte order mark EF BB BF. */
export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * True when the start looks like UTF-16: a UTF-16 byte order mark, or zero bytes between the
 * first characters (`{\0"\0`), which UTF-8 JSON never has.
 */
export function looksLikeUtf16(bytes: Uint8Array): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return true;
  const n = Math.min(bytes.length, 8);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/**
 * The 1-based line and column of the byte at `offset`. Lines end at `\n` (a `\r` before it is part
 * of the line); columns count characters (code points), not bytes; a leading byte order mark
 * is not a character.
 */
export function positionAt(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const end = Math.min(Math.max(0, offset), bytes.length);
  let line = 1;
  let lineStart = hasUtf8Bom(bytes) ? 3 : 0;
  for (let i = lineStart; i < end; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  // UTF-8 continuation bytes (10xxxxxx) belong to the character before them.
  for (let i = lineStart; i < end; i++) if ((bytes[i]! & 0xc0) !== 0x80) column++;
  return { line, column };
}
