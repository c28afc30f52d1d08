import type { ColumnInfo, CsvEncoding } from '../../src/core/csv/dialect';
import { delimiterLabel } from '../../src/core/csv/dialect';
import { classifyHead, type HeadVerdict } from '../../src/core/csv/head-bytes';
import { firstLineProblem } from '../../src/core/csv/line-limits';
import {
  classifierProblems,
  dialectFromClassifier,
  generatedColumnNames,
  headerEvidence,
  sniffHintsFromClassifier,
  type CsvClassifierSettings,
  type CustomCsvVerdict,
} from '../../src/core/csv/custom-classifier';
import { widenOnCastError } from '../../src/core/csv/widen-column';
import { sniffCsvSql } from '../../src/core/sql/read-csv';
import { DecantError } from '../../src/core/errors';
import { explainScanError } from './explain-error';
import type { CrawlItem, CsvVerdict } from './crawl-files';
import type { CsvSource } from './inspect-csv';
import type { Head } from './read-head';
import type { SqlSession } from './sql-session';
import { validateCsv } from './validate-csv';

interface SniffRow {
  HasHeader: boolean;
  Columns: ColumnInfo[];
  DateFormat: string | null;
  TimestampFormat: string | null;
}

/** A verdict of "does not fit", or the value the step produced. */
type Step<T> = { ok: true; value: T } | { ok: false; reason: string; line?: number };

/**
 * Glue's custom CSV classifier on one registered file: the file fits (read with exactly the
 * classifier's settings, every line has the same number of fields, the header rule holds, at
 * least two columns unless allowed, every value parses as its column's type, a late value
 * widening its column to VARCHAR with a note, as for the built-ins), or it does not, with the
 * reason. Reads the whole file once to be certain. Throws DecantError only for a classifier
 * that is not valid (see classifierProblems) or a cancelled read.
 */
export function classifyCsvCustom(
  s: SqlSession,
  src: CsvSource,
  c: CsvClassifierSettings,
): CustomCsvVerdict {
  const problems = classifierProblems(c);
  if (problems.length > 0)
    throw new DecantError(
      `classifier "${c.name}": ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    );
  const no = (reason: string, line?: number): CustomCsvVerdict => ({
    fits: false,
    classifier: c.name,
    reason,
    ...(line !== undefined ? { line } : {}),
  });

  const verdict = classifyHead(src.head, src.headIsWhole);
  if (verdict.kind === 'empty') return no('the file is empty');
  if (verdict.kind === 'binary') return no(verdict.reason);
  const tooLong = firstLineProblem(verdict.text, src.headIsWhole, src.head.length);
  if (tooLong) return no(tooLong, 1);
  const enc = encodingFor(c, verdict, src.head);
  if (!enc.ok) return no(enc.reason);
  const encoding = enc.value;
  const notes: string[] = verdict.note && c.encoding === 'auto' ? [verdict.note] : [];
  const warnings: string[] = [];

  const sniff = (header: boolean | undefined) => sniffFile(s, src, c, encoding, header);
  let found: SniffRow;
  let header: boolean;
  if (c.header === 'UNKNOWN') {
    const r = sniff(undefined);
    if (!r.ok) return no(r.reason, r.line);
    found = r.value;
    header = found.HasHeader;
    notes.push(header ? 'line 1 detected as the header' : 'no header detected: line 1 is data');
  } else {
    const asHeader = sniff(true);
    if (!asHeader.ok) return no(asHeader.reason, asHeader.line);
    const asData = sniff(false);
    if (!asData.ok) return no(asData.reason, asData.line);
    const evidence = headerEvidence(asHeader.value.Columns, asData.value.Columns);
    header = c.header === 'PRESENT';
    found = header ? asHeader.value : asData.value;
    const typed = asHeader.value.Columns.filter((col) => col.type !== 'VARCHAR');
    const list = typed.map((col) => `${col.name} ${col.type}`).join(', ');
    if (header && evidence === 'data')
      return no(
        `the header is PRESENT, but line 1 reads as data: its fields are values of the typed ` +
          `columns (${asHeader.value.Columns.map((col) => col.name).join(', ')})`,
        1,
      );
    if (!header && evidence === 'header')
      return no(
        `the header is ABSENT, but line 1 looks like a header: read as data, it would turn ` +
          `every typed column (${list}) into text`,
        1,
      );
  }

  const n = found.Columns.length;
  if (n < 2 && !c.allowSingleColumn)
    return no(
      `only one column when split on ${delimiterLabel(c.delimiter)} (the classifier does not ` +
        'allow single-column files)',
    );
  let names: string[];
  if (c.columnNames.length > 0) {
    if (c.columnNames.length !== n)
      return no(
        `the classifier names ${c.columnNames.length} column(s), but the file has ${n} when ` +
          `split on ${delimiterLabel(c.delimiter)}`,
      );
    names = c.columnNames;
  } else names = header ? found.Columns.map((col) => col.name) : generatedColumnNames(n);
  let columns: ColumnInfo[] = found.Columns.map((col, i) => ({ name: names[i]!, type: col.type }));

  const dialect = dialectFromClassifier(
    c,
    {
      header,
      dateFormat: found.DateFormat ?? undefined,
      timestampFormat: found.TimestampFormat ?? undefined,
    },
    encoding,
    src.gzip ? 'gzip' : 'none',
  );

  // The whole file, exactly as the built-ins check it: a late value widens its column.
  let rowCount: number;
  for (;;) {
    try {
      rowCount = validateCsv(s, src, { dialect, columns, badRows: 'error' });
      break;
    } catch (e) {
      if (!(e instanceof DecantError) || e.code === 'cancelled') throw e;
      const widened = widenOnCastError(columns, e);
      if (!widened) return no(reasonFrom(e, src.name), e.line);
      columns = widened.columns;
      warnings.push(widened.note);
    }
  }

  const said = settingNotes(c, dialect, columns);
  notes.push(...said.notes);
  warnings.push(...said.warnings);
  return {
    fits: true,
    classifier: c.name,
    dialect,
    columns,
    rowCount,
    encodingLabel: verdict.encodingLabel,
    notes,
    warnings,
  };
}

/** The encoding to read with: the classifier's, if the first bytes agree, or the detected one. */
function encodingFor(
  c: CsvClassifierSettings,
  verdict: Extract<HeadVerdict, { kind: 'text' }>,
  head: Uint8Array,
): Step<CsvEncoding> {
  const found = verdict.encoding;
  if (c.encoding === 'auto' || c.encoding === found) return { ok: true, value: found };
  const said = { 'utf-8': 'UTF-8', 'utf-16': 'UTF-16', 'latin-1': 'Latin-1' }[c.encoding];
  if (c.encoding === 'latin-1' && found === 'utf-8') {
    // Plain ASCII reads the same either way; UTF-8 letters would come out mangled.
    const at = firstNonAscii(head);
    if (at === null) return { ok: true, value: 'latin-1' };
    return {
      ok: false,
      reason: `the classifier reads Latin-1, but the file is UTF-8 text (line ${at.line}, column ${at.column})`,
    };
  }
  const why = verdict.note ? ` (${verdict.note})` : '';
  return {
    ok: false,
    reason: `the classifier reads ${said}, but the file is ${verdict.encodingLabel}${why}`,
  };
}

function firstNonAscii(b: Uint8Array): { line: number; column: number } | null {
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  let line = 1;
  let start = bom;
  for (let i = bom; i < b.length; i++) {
    if (b[i] === 0x0a) {
      line++;
      start = i + 1;
    } else if (b[i]! >= 0x80) return { line, column: i - start + 1 };
  }
  return null;
}

/**
 * Sniffs with every setting the classifier fixes. Rows whose field count is wrong make DuckDB's
 * sniffer give up; the tolerant retry then finds the shape the other lines share, and the full
 * read names the first bad line.
 */
function sniffFile(
  s: SqlSession,
  src: CsvSource,
  c: CsvClassifierSettings,
  encoding: CsvEncoding,
  header: boolean | undefined,
): Step<SniffRow> {
  const hints = sniffHintsFromClassifier(c, encoding, header);
  let first: DecantError | null = null;
  for (const ignoreErrors of [false, true]) {
    const sql = sniffCsvSql(src.path, { ...hints, ignoreErrors });
    try {
      return { ok: true, value: s.rows(sql)[0] as unknown as SniffRow };
    } catch (e) {
      first ??= explainScanError(e, src.name, sql);
    }
  }
  return { ok: false, reason: reasonFrom(first!, src.name), line: first!.line };
}

/** A scan error as a reason: without the `csv: "name": ` prefix and the sample hint. */
function reasonFrom(e: DecantError, name: string): string {
  const prefix = `csv: "${name}": `;
  const m = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return m.replace(/ \(the type was detected from a sample; .*\)$/, '');
}

/** Notes on what the classifier's settings did to this file. */
function settingNotes(
  c: CsvClassifierSettings,
  dialect: { dateFormat?: string; timestampFormat?: string },
  columns: readonly ColumnInfo[],
): { notes: string[]; warnings: string[] } {
  const notes: string[] = [];
  const warnings: string[] = [];
  const has = (t: string) => columns.some((col) => col.type === t);
  if (c.decimalSeparator === ',') notes.push('decimal comma (3,49 read as 3.49)');
  if (has('DATE') && dialect.dateFormat) notes.push(`dates read with format ${dialect.dateFormat}`);
  else if (c.dateFormat) warnings.push(`no column holds dates in the format ${c.dateFormat}`);
  if (has('TIMESTAMP') && dialect.timestampFormat)
    notes.push(`timestamps read with format ${dialect.timestampFormat}`);
  else if (c.timestampFormat)
    warnings.push(`no column holds timestamps in the format ${c.timestampFormat}`);
  if (c.nullValues.length > 0)
    notes.push(`${c.nullValues.map((v) => `"${v}"`).join(', ')} read as NULL`);
  if (c.customDatatypes.length > 0)
    notes.push(
      `columns limited to ${[...new Set([...c.customDatatypes, 'VARCHAR'])].join(', ')}; other values are text`,
    );
  return { notes, warnings };
}

/** A classifier that did not fit a file, and why. */
export interface ClassifierMiss {
  classifier: string;
  reason: string;
}

/**
 * Custom classifiers tried in order on one file, as a crawl does before the built-in: the
 * first that fits, or null; `misses` says why each one before it (or all of them) did not.
 */
export function firstFittingClassifier(
  s: SqlSession,
  src: CsvSource,
  classifiers: readonly CsvClassifierSettings[],
): { fit: Extract<CustomCsvVerdict, { fits: true }> | null; misses: ClassifierMiss[] } {
  const misses: ClassifierMiss[] = [];
  for (const c of classifiers) {
    const v = classifyCsvCustom(s, src, c);
    if (v.fits) return { fit: v, misses };
    misses.push({ classifier: c.name, reason: v.reason });
  }
  return { fit: null, misses };
}

/**
 * The crawl's `customCsv` step (see crawl-files.ts), or undefined with no classifiers: the
 * classifiers in order on one CSV file. The first that fits gives the file's dialect, columns
 * and row count, its warnings added to `notes` under the file's path; when none fits, `notes`
 * says why each did not and null sends the file on to the built-in classifier.
 */
export function customCsvStep(
  s: SqlSession,
  classifiers: readonly CsvClassifierSettings[],
): ((item: CrawlItem, notes: string[], head: Head) => Promise<CsvVerdict | null>) | undefined {
  if (classifiers.length === 0) return undefined;
  return async (item, notes, head) => {
    const src: CsvSource = {
      fileId: item.registered,
      path: item.registered,
      name: item.path,
      size: item.size,
      head: head.bytes,
      headSpan: head.span,
      headIsWhole: head.whole,
      gzip: item.gzip,
    };
    const { fit, misses } = firstFittingClassifier(s, src, classifiers);
    if (!fit) {
      const why = misses.map((m) => `"${m.classifier}": ${m.reason}`).join('; ');
      notes.push(`${item.path}: no custom classifier fits (${why}); read by the built-in one`);
      return null;
    }
    notes.push(...fit.warnings.map((w) => `${item.path}: ${w}`));
    return {
      dialect: fit.dialect,
      columns: fit.columns,
      rowCount: fit.rowCount,
      classifier: fit.classifier,
    };
  };
}
