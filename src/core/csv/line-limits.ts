/**
 * Limits stated up front, before DuckDB is asked: past them DuckDB-WASM fails slowly and with
 * little to say (a 50 MB line gives a bare "CSV Error on Line: 1" after seconds of work; a
 * 100,000-column header exhausts the engine's memory).
 */

/** DuckDB's default `max_line_size`: a longer line fails the reader. */
export const MAX_LINE_BYTES = 2_000_000;
/** Columns Decant reads in one CSV file; 30,000 took 11 s to sniff here, 100,000 ran out of memory. */
export const MAX_CSV_COLUMNS = 20_000;

const DELIMITERS = [',', '\t', ';', '|', '\u0001'];

/** Fields in `line` for the delimiter that splits it most (quotes ignored: an upper bound). */
function mostFields(line: string): number {
  let most = 0;
  for (const d of DELIMITERS) {
    let n = 0;
    for (let i = line.indexOf(d); i >= 0; i = line.indexOf(d, i + 1)) n++;
    most = Math.max(most, n);
  }
  return most + 1;
}

/**
 * What makes a file's first line unreadable, in words, or null. `text` is the decoded sample,
 * `complete` whether it is the whole file, `sampleBytes` how many bytes of the file it holds.
 * A first line with no break in a sample shorter than MAX_LINE_BYTES is not judged: read more.
 */
export function firstLineProblem(
  text: string,
  complete: boolean,
  sampleBytes: number,
): string | null {
  const nl = text.indexOf('\n');
  const open = nl < 0 && !complete;
  const first = nl < 0 ? text : text.slice(0, nl);
  const fields = mostFields(first);
  if (fields > MAX_CSV_COLUMNS && first.length > 0) {
    return (
      `line 1 has ${open ? 'more than ' : ''}${fields.toLocaleString('en-US')} fields; ` +
      `Decant reads at most ${MAX_CSV_COLUMNS.toLocaleString('en-US')} columns per file`
    );
  }
  if (open && sampleBytes >= MAX_LINE_BYTES) {
    return (
      `line 1 is longer than ${MAX_LINE_BYTES.toLocaleString('en-US')} bytes with no line break ` +
      `(DuckDB's max_line_size): is it really a CSV file?`
    );
  }
  return null;
}

/** Whether the sample ends inside line 1 and more of the file is needed to judge it. */
export function needsLongerHead(text: string, complete: boolean, sampleBytes: number): boolean {
  return !complete && !text.includes('\n') && sampleBytes < MAX_LINE_BYTES;
}
