/**
 * The order a crawl lists paths in, so that plans are the same on every run and read naturally:
 * a folder's contents stay together ('/' sorts first) and numbers compare as numbers
 * (`day=2` before `day=10`). Equal numbers with more leading zeros sort later.
 */

const SLASH = 47;
const ZERO = 48;
const NINE = 57;

const isDigit = (c: number) => c >= ZERO && c <= NINE;

/** A comparator for `Array.prototype.sort`; 0 only for equal strings. */
export function comparePaths(a: string, b: string): number {
  let i = 0;
  let j = 0;
  let zerosTieBreak = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      const endA = digitRunEnd(a, i);
      const endB = digitRunEnd(b, j);
      const byValue = compareDigitRuns(a, i, endA, b, j, endB);
      if (byValue !== 0) return byValue;
      if (zerosTieBreak === 0) zerosTieBreak = endA - i - (endB - j);
      i = endA;
      j = endB;
      continue;
    }
    if (ca !== cb) {
      if (ca === SLASH) return -1;
      if (cb === SLASH) return 1;
      return ca - cb;
    }
    i++;
    j++;
  }
  return a.length - i - (b.length - j) || zerosTieBreak;
}

function digitRunEnd(s: string, from: number): number {
  let end = from;
  while (end < s.length && isDigit(s.charCodeAt(end))) end++;
  return end;
}

/** Compares two runs of digits by value, without parsing (they may be longer than a double). */
function compareDigitRuns(a: string, i: number, endA: number, b: string, j: number, endB: number) {
  while (i < endA - 1 && a.charCodeAt(i) === ZERO) i++;
  while (j < endB - 1 && b.charCodeAt(j) === ZERO) j++;
  const byLength = endA - i - (endB - j);
  if (byLength !== 0) return byLength;
  for (; i < endA; i++, j++) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d;
  }
  return 0;
}
