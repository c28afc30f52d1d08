/** Delimiters Glue's and DuckDB's sniffers consider, in the order a tie is broken. */
export const DELIMITER_CANDIDATES = [',', ';', '\t', '|', '\u0001'] as const;

/** Occurrences of `delim` in `line` outside double-quoted stretches. */
function countOutsideQuotes(line: string, delim: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delim && !quoted) n++;
  }
  return n;
}

/**
 * DuckDB's sniffer gives up on a file whose rows disagree on their field count and reads it as
 * one column split on a delimiter that never occurs (seen on ragged.csv: `|`). When the sniff
 * found a single column, this looks for a delimiter that the header and most lines do use, and
 * returns it, or null when the single column is believable.
 */
export function suspectDelimiter(sample: string, sniffedColumns: number): string | null {
  if (sniffedColumns !== 1) return null;
  const lines = sample
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 200);
  const header = lines[0];
  if (header === undefined || lines.length < 2) return null;
  let best: { delim: string; share: number } | null = null;
  for (const delim of DELIMITER_CANDIDATES) {
    if (countOutsideQuotes(header, delim) === 0) continue;
    const share = lines.filter((l) => countOutsideQuotes(l, delim) > 0).length / lines.length;
    if (share >= 0.6 && (!best || share > best.share)) best = { delim, share };
  }
  return best?.delim ?? null;
}

/**
 * Rows per byte of a text sample, scaled to the file: a quick estimate that needs no scan.
 * `sampleBytes` is how many bytes of the file `sample` stands for (compressed, for gzip).
 * Null when the sample holds no whole data row to scale from.
 */
export function estimateRows(
  sample: string,
  sampleBytes: number,
  totalBytes: number,
  header: boolean,
): number | null {
  const lines = sample.split('\n').filter((l) => l.trim() !== '').length;
  const dataLines = Math.max(0, lines - (header ? 1 : 0));
  if (sampleBytes >= totalBytes) return dataLines;
  // No whole data row in the sample (a very long line): nothing to scale from, so unknown.
  if (sampleBytes <= 0 || dataLines === 0) return null;
  return Math.round((dataLines * totalBytes) / sampleBytes);
}
